import { describe, it, expect } from 'vitest'
import { keptAtInstant, mayDiscard, shanghaiTime, summaryText } from '../../src/logic/samples'

describe('留样 log', () => {
  it('types the kept time on the meal\'s day in Shanghai time', () => {
    expect(keptAtInstant('2026-11-23', '11:20')).toBe('2026-11-23T11:20:00+08:00')
    expect(shanghaiTime('2026-11-23T03:20:00Z')).toBe('11:20')
    expect(shanghaiTime('2026-11-22T16:05:00+00:00')).toBe('00:05')
    expect(shanghaiTime(undefined)).toBe('')
  })

  it('offers 处理 only for a kept sample after its 48 hours, once', () => {
    const row = { slot: 'lunch', slot_label: '午餐', dish_id: 1, dish_name: '红烧肉', recorded: true, kept: true, kept_at: '2026-11-23T03:20:00Z', discard_from: '2026-11-25T03:20:00Z' }
    expect(mayDiscard(row, '2026-11-25T03:19:59Z')).toBe(false)
    expect(mayDiscard(row, '2026-11-25T03:20:00Z')).toBe(true)
    expect(mayDiscard({ ...row, discarded_at: '2026-11-25T04:00:00Z' }, '2026-11-26T00:00:00Z')).toBe(false)
    expect(mayDiscard({ ...row, kept: false }, '2026-11-26T00:00:00Z')).toBe(false)
  })

  it('says what is still to record', () => {
    expect(summaryText({ dishes: 4, recorded: 3, kept: 3, discarded: 1 })).toBe('共 4 道菜：已记录 3，留样 3，已处理 1，还有 1 道未记录')
    expect(summaryText({ dishes: 0, recorded: 0, kept: 0, discarded: 0 })).toBe('这一天没有供应的菜')
  })
})
