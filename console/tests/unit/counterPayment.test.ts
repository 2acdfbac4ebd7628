// The counter's money: which orders still owe the share (待收款) and how the board shows payment.
import { describe, expect, it } from 'vitest'
import { COUNTER_METHODS, dueOf, owesAtCounter, paymentTag, takesCounter, type CounterDue } from '../../src/logic/counterPayment'

const due = (state: string, paymentState: CounterDue['paymentState'], amount = '11.00'): CounterDue => ({
  id: 'o1',
  elderName: '周淑贞',
  state,
  paymentState,
  amount,
})

describe('money at the counter', () => {
  it('offers cash and a scan, cash first', () => {
    expect(COUNTER_METHODS.map((m) => [m.value, m.label])).toEqual([
      ['cash', '现金'],
      ['scan', '扫码'],
    ])
  })

  it('takes the counter unless the meal point is online only (no setting: the counter)', () => {
    expect(takesCounter('counter')).toBe(true)
    expect(takesCounter('both')).toBe(true)
    expect(takesCounter(null)).toBe(true)
    expect(takesCounter('online')).toBe(false)
  })

  it('owes money only once served, unpaid, above 0.00, where the counter takes it', () => {
    expect(owesAtCounter(due('served', 'unpaid'), 'counter')).toBe(true)
    expect(owesAtCounter(due('served', 'unpaid'), 'both')).toBe(true)
    expect(owesAtCounter(due('booked', 'unpaid'), 'counter')).toBe(false)
    expect(owesAtCounter(due('served', 'unpaid', '0.00'), 'counter')).toBe(false)
    expect(owesAtCounter(due('served', 'paid_at_counter'), 'counter')).toBe(false)
    expect(owesAtCounter(due('served', 'paid_wechat'), 'both')).toBe(false)
    expect(owesAtCounter(due('served', 'unpaid'), 'online')).toBe(false)
    expect(owesAtCounter(due('cancelled', 'unpaid'), 'counter')).toBe(false)
  })

  it('shows 待收款 in amber, paid in green and the rest as the API labels it', () => {
    expect(paymentTag(due('served', 'unpaid'), '到店付款', 'counter')).toEqual({ text: '待收款', type: 'warning' })
    expect(paymentTag(due('booked', 'unpaid'), '到店付款', 'counter')).toEqual({ text: '到店付款', type: 'info' })
    expect(paymentTag(due('served', 'paid_at_counter'), '已到店付款', 'counter')).toEqual({ text: '已到店付款', type: 'success' })
    expect(paymentTag(due('served', 'paid_wechat'), '已支付', 'both')).toEqual({ text: '已支付', type: 'success' })
    expect(paymentTag(due('served', 'not_required', '0.00'), '无需支付', 'counter')).toEqual({ text: '无需支付', type: 'info' })
  })

  it('reads a board row for the dialog', () => {
    expect(dueOf({ id: 'x', elder_name: '吴国平', state: 'served', payment_state: 'unpaid' }, '9.50')).toEqual({
      id: 'x',
      elderName: '吴国平',
      state: 'served',
      paymentState: 'unpaid',
      amount: '9.50',
    })
    expect(dueOf({ id: 'y', state: 'served', payment_state: 'unpaid' }, '9.50').elderName).toBe('')
  })
})
