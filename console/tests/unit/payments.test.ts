import { describe, expect, it } from 'vitest'
import { amountOf, checkRefund, dayBefore, fenOf, refundable } from '../../src/logic/payments'

describe('partial refund', () => {
  it('counts what is left in whole fen: the share less refunds that did not fail', () => {
    expect(refundable('12.50', [])).toBe(1250)
    expect(
      refundable('12.50', [
        { amount: '2.00', state: 'succeeded' },
        { amount: '0.10', state: 'processing' },
        { amount: '5.00', state: 'failed' },
      ]),
    ).toBe(1040)
    expect(refundable('1.00', [{ amount: '1.00', state: 'succeeded' }])).toBe(0)
  })

  it('takes an amount above zero, of at most two decimals, not beyond what is left, and a reason', () => {
    expect(checkRefund('2.5', '少了一个菜', 1250)).toEqual({ amount: '2.50', problems: {} })
    expect(checkRefund('12.50', '全额', 1250).amount).toBe('12.50')
    expect(checkRefund('12.51', '多退', 1250).problems.amount).toBe('不能超过可退金额 12.50 元')
    expect(checkRefund('0', '零', 1250).problems.amount).toContain('大于 0')
    expect(checkRefund('1.005', '三位', 1250).problems.amount).toContain('两位小数')
    expect(checkRefund('1.00', '  ', 1250).problems.reason).toBe('请填写退款原因')
    expect(checkRefund('1.00', '长'.repeat(81), 1250).problems.reason).toContain('80')
  })

  it('converts between fen and the API amount exactly', () => {
    expect(fenOf('0.10')).toBe(10)
    expect(fenOf('12.5')).toBeNull()
    expect(amountOf(5)).toBe('0.05')
    expect(amountOf(1250)).toBe('12.50')
    expect(dayBefore('2026-12-01')).toBe('2026-11-30')
  })
})
