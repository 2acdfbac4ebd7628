// Money as the API gives it: yuan in strings with exactly two decimals ("12.50"). The console
// never turns an amount into a float, to show it or to add it up: sums come from the API.

const AMOUNT = /^(-?)(\d+)\.(\d{2})$/

/** `"12345.60"` → `"¥12,345.60"`; anything not an API amount is shown as it is. */
export function yuan(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return '—'
  const m = AMOUNT.exec(amount)
  if (!m) return amount
  const [, sign, whole, fen] = m
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}¥${grouped}.${fen}`
}

/** Checks a typed amount ("12", "12.5", "12.50") and writes it as the API's string ("12.50"). */
export function parseYuanInput(text: string): string | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text)
  if (!m) return null
  const whole = String(Number(m[1]))
  const fen = (m[2] ?? '').padEnd(2, '0')
  return `${whole}.${fen}`
}

/** True for a zero amount ("0.00", "-0.00"). */
export function isZero(amount: string): boolean {
  return /^-?0+\.00$/.test(amount)
}

/**
 * An amount as a number for a chart's bar height only (ECharts draws numbers); labels and
 * tooltips still show the API's string.
 */
export function chartValue(amount: string): number {
  return Number(amount)
}
