// The operator's partial refund and the reconciliation list: what the screens decide without
// the API. Amounts stay the API's strings ("12.50"); comparisons are in whole fen.
import { parseYuanInput } from '../lib/money'

/** `"12.50"` → 1250 (an API amount; anything else is null). */
export function fenOf(amount: string): number | null {
  const m = /^(\d+)\.(\d{2})$/.exec(amount)
  if (!m) return null
  return Number(m[1]) * 100 + Number(m[2])
}

/** 1250 → `"12.50"`. */
export function amountOf(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

export interface RefundLike {
  amount: string
  state: string
}

/** What is left to refund of a paid share: the share less every refund that did not fail. */
export function refundable(paid: string, refunds: RefundLike[]): number {
  const total = fenOf(paid) ?? 0
  const back = refunds.filter((r) => r.state !== 'failed').reduce((sum, r) => sum + (fenOf(r.amount) ?? 0), 0)
  return Math.max(0, total - back)
}

/** The payment states an operator may refund from. */
export const REFUNDABLE_STATES = ['paid_wechat', 'partially_refunded']

export const REASON_MAX = 80

export interface RefundProblems {
  amount?: string
  reason?: string
}

/** Checks the refund form: an amount of at most two decimals, above zero, not beyond what is left; a reason. */
export function checkRefund(amountText: string, reason: string, leftFen: number): { amount: string | null; problems: RefundProblems } {
  const problems: RefundProblems = {}
  const amount = parseYuanInput(amountText)
  const fen = amount === null ? null : fenOf(amount)
  if (amount === null || fen === null || fen <= 0) problems.amount = '请输入大于 0 的金额，最多两位小数'
  else if (fen > leftFen) problems.amount = `不能超过可退金额 ${amountOf(leftFen)} 元`
  const trimmed = reason.trim()
  if (!trimmed) problems.reason = '请填写退款原因'
  else if ([...trimmed].length > REASON_MAX) problems.reason = `原因请不超过 ${REASON_MAX} 字`
  return { amount: problems.amount ? null : amount, problems }
}

/** Yesterday of a `YYYY-MM-DD` date: the last day whose bill can be had. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - 1)
  return d.toISOString().slice(0, 10)
}
