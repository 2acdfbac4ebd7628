// The meal point an operator is working at (an operator may run several).
let current: { id: number; name: string } = { id: 0, name: '' }
export function operatorPoint(): number {
  if (!current.id) {
    try { current = uni.getStorageSync('zc.op') || current } catch { /* none yet */ }
  }
  return current.id
}
export function operatorPointName(): string { operatorPoint(); return current.name }
export function setOperatorPoint(id: number, name: string) {
  current = { id, name }
  try { uni.setStorageSync('zc.op', current) } catch { /* this visit only */ }
}
