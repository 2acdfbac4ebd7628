// The elder's share taken at the counter (到店付款): which orders still owe it (待收款), how the
// board shows each order's payment, and the request that records it.
import type { components } from '../api/schema'
import { isZero } from '../lib/money'

type PaymentMethods = components['schemas']['PaymentMethods']
type PaymentState = components['schemas']['PaymentState']
export type CounterMethod = components['schemas']['CounterMethod']

/** The ways the counter takes the money, in the order the dialog offers them. */
export const COUNTER_METHODS: ReadonlyArray<{ value: CounterMethod; label: string }> = [
  { value: 'cash', label: '现金' },
  { value: 'scan', label: '扫码' },
]

/** Whether the meal point takes the share at the counter (a meal point with no setting does). */
export function takesCounter(methods: PaymentMethods | null | undefined): boolean {
  return methods !== 'online'
}

/** What the board and the dialog need of an order to know whether money is still to take. */
export interface CounterDue {
  id: string
  elderName: string
  state: string
  paymentState: PaymentState
  /** 自付, as the API writes it ("13.00"). */
  amount: string
}

/**
 * Money still to take at the counter (待收款): a served order whose share above 0.00 is unpaid, at
 * a meal point taking the counter. A booked order is not yet due: the meal is handed over first.
 */
export function owesAtCounter(order: CounterDue, methods: PaymentMethods | null | undefined): boolean {
  return takesCounter(methods) && order.state === 'served' && order.paymentState === 'unpaid' && !isZero(order.amount)
}

/** How the board's 收款 column shows an order's payment. */
export function paymentTag(order: CounterDue, label: string, methods: PaymentMethods | null | undefined): { text: string; type: 'warning' | 'success' | 'info' } {
  if (owesAtCounter(order, methods)) return { text: '待收款', type: 'warning' }
  if (order.paymentState === 'paid_at_counter' || order.paymentState === 'paid_wechat') return { text: label, type: 'success' }
  return { text: label, type: 'info' }
}

/** The board's row (or a verified order) as the dialog takes it. */
export function dueOf(order: { id: string; elder_name?: string | null; state: string; payment_state: PaymentState }, amount: string): CounterDue {
  return { id: order.id, elderName: order.elder_name ?? '', state: order.state, paymentState: order.payment_state, amount }
}

