// The meal point an operator is working at (an operator may run several).
let current = { id: 0, name: '' }
export function operatorPoint() {
  if (!current.id) {
    try { current = uni.getStorageSync('zc.op') || current } catch { /* none yet */ }
  }
  return current.id
}
export function operatorPointName() { operatorPoint(); return current.name }
export function setOperatorPoint(id, name) {
  current = { id, name }
  try { uni.setStorageSync('zc.op', current) } catch { /* this visit only */ }
}
