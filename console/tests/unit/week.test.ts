import { describe, expect, it } from 'vitest'
import type { components } from '../../src/api/schema'
import { alreadyOnCell, bookedOf, buildGrid, cellKey, cellOfError, copySummary, portionsProblem, publishRequest, type Draft } from '../../src/logic/week'

type Menu = components['schemas']['Menu']

const item = (id: number, dish: number, name: string, portions: number, left: number) => ({
  offering_id: id,
  dish_id: dish,
  dish_name: name,
  tags: [],
  allergens: [],
  price: '12.00',
  portions,
  portions_left: left,
  cutoff_at: '2026-11-24T01:30:00Z',
  booking_opens_on: '2026-11-17',
  bookable_now: true,
})

const menu: Menu = {
  meal_point_id: 7,
  from: '2026-11-23',
  to: '2026-11-29',
  days: [
    { date: '2026-11-24', weekday_label: '周二', serving: true, slots: [{ slot: 'lunch', slot_label: '午餐', items: [item(1, 10, '清蒸鲈鱼', 40, 31), item(2, 11, '白菜炖粉丝', 20, 20)] }] },
  ],
}

const drafts: Draft[] = [
  { dishId: 12, dishName: '蒸南瓜', date: '2026-11-24', slot: 'lunch', portions: 30 },
  { dishId: 10, dishName: '清蒸鲈鱼', date: '2026-11-26', slot: 'dinner', portions: 10, price: '16.00' },
]

describe('the week planner', () => {
  it('lays the week out as slots × days with what is published and booked', () => {
    const grid = buildGrid('2026-11-23', ['lunch', 'dinner'], menu, drafts)
    expect(grid).toHaveLength(2)
    expect(grid[0]).toHaveLength(7)
    const tuesdayLunch = grid[0][1]
    expect(tuesdayLunch.key).toBe('2026-11-24|lunch')
    expect(tuesdayLunch.published.map((p) => [p.dishName, p.portions, p.booked])).toEqual([
      ['清蒸鲈鱼', 40, 9],
      ['白菜炖粉丝', 20, 0],
    ])
    expect(tuesdayLunch.drafts.map((d) => [d.dishName, d.index])).toEqual([['蒸南瓜', 0]])
    expect(grid[1][3].drafts.map((d) => d.index)).toEqual([1])
    expect(grid[0][0].published).toEqual([])
  })

  it('counts what is booked from portions and portions left, never below zero', () => {
    expect(bookedOf({ portions: 40, portions_left: 31 })).toBe(9)
    expect(bookedOf({ portions: 5, portions_left: 7 })).toBe(0)
  })

  it('publishes every draft in one request, the dish\'s price unless one was typed', () => {
    expect(publishRequest(drafts)).toEqual({
      offerings: [
        { dish_id: 12, date: '2026-11-24', slot: 'lunch', portions: 30 },
        { dish_id: 10, date: '2026-11-26', slot: 'dinner', portions: 10, price: '16.00' },
      ],
    })
  })

  it('puts the API\'s refusal on the cell of the draft it names', () => {
    expect(cellOfError('offerings[1].price', drafts)).toBe(cellKey('2026-11-26', 'dinner'))
    expect(cellOfError('offerings[0]', drafts)).toBe('2026-11-24|lunch')
    expect(cellOfError('offerings[5].date', drafts)).toBeNull()
    expect(cellOfError('offerings', drafts)).toBeNull()
    expect(cellOfError(undefined, drafts)).toBeNull()
    const grid = buildGrid('2026-11-23', ['lunch', 'dinner'], menu, drafts, { '2026-11-26|dinner': '价格不能超过 999.99 元' })
    expect(grid[1][3].error).toBe('价格不能超过 999.99 元')
    expect(grid[0][1].error).toBeUndefined()
  })

  it('does not offer a dish twice on one cell', () => {
    const cell = buildGrid('2026-11-23', ['lunch'], menu, drafts)[0][1]
    expect(alreadyOnCell(cell, 10)).toBe(true)
    expect(alreadyOnCell(cell, 12)).toBe(true)
    expect(alreadyOnCell(cell, 13)).toBe(false)
  })

  it('refuses portions below what is booked before asking', () => {
    expect(portionsProblem(8, 9)).toBe('不能少于已订的 9 份')
    expect(portionsProblem(9, 9)).toBeNull()
    expect(portionsProblem(10001, 0)).toMatch(/0 到 10000/)
    expect(portionsProblem(2.5, 0)).toMatch(/整数/)
  })

  it('sums up a copy: copied, and skipped by reason', () => {
    const skipped = (reason_label: string) => ({ dish_id: 1, dish_name: 'x', date: '2026-11-30', slot: 'lunch', reason: 'r', reason_label })
    expect(copySummary({ created: [], skipped: [] })).toBe('已复制 0 项')
    expect(copySummary({ created: new Array(3).fill({}) as never, skipped: [skipped('已发布'), skipped('已发布'), skipped('当天不营业')] })).toBe(
      '已复制 3 项；未复制：已发布 2 项，当天不营业 1 项',
    )
  })
})
