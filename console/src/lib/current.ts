// The operator's current meal point (an operator may run several): remembered per browser.
import { ref } from 'vue'

const KEY = 'zhucan.console.mealPoint'

function initial(): number | null {
  const raw = globalThis.localStorage?.getItem(KEY)
  const n = raw ? Number(raw) : NaN
  return Number.isInteger(n) && n > 0 ? n : null
}

export const currentMealPoint = ref<number | null>(initial())

export function chooseMealPoint(id: number | null) {
  currentMealPoint.value = id
  if (id === null) globalThis.localStorage?.removeItem(KEY)
  else globalThis.localStorage?.setItem(KEY, String(id))
}
