import { describe, it, expect } from 'vitest'
import jsQR from 'jsqr'
import { sumYuan, distance, dayLabel, shortDay, pickupCode, shanghaiToday, newClientKey } from '../../src/lib/format.ts'
import { qrMatrix, qrRuns } from '../../src/lib/qr.ts'
import { ratingBody, complaintBody } from '../../src/lib/rating.ts'
import { scale } from '../../src/store.ts'

describe('format', () => {
  it('adds yuan exactly, in fen', () => {
    expect(sumYuan(['0.10', '0.20'])).toBe('0.30')
    expect(sumYuan(['12.50', '3.05', '10.00'])).toBe('25.55')
  })
  it('reads distances, dates and codes as an elder would', () => {
    expect(distance(347)).toBe('约 350 米')
    expect(distance(1840)).toBe('约 1.8 公里')
    expect(dayLabel('2026-11-24', '2026-11-23')).toBe('明天 11月24日 周二')
    expect(dayLabel('2026-11-23', '2026-11-23')).toBe('今天 11月23日 周一')
    expect(shortDay('2026-11-24', '2026-11-23')).toBe('明天')
    expect(shortDay('2026-11-26', '2026-11-23')).toBe('11月26日')
    expect(pickupCode('123456')).toBe('123 456')
    expect(shanghaiToday(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24')
    expect(newClientKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe('关怀 mode type scale', () => {
  it('never goes under 24 px body text and 60 px touch targets', () => {
    const s = scale(true, 17)
    expect(s.fs).toBeGreaterThanOrEqual(24)
    expect(s.tap).toBeGreaterThanOrEqual(60)
  })
  it('follows a larger WeChat font setting', () => {
    expect(scale(true, 23.8).fs).toBeGreaterThan(scale(true, 17).fs)
    expect(scale(false, 20).fs).toBe(20)
    expect(scale(false, null).fs).toBe(17)
  })
})

describe('pickup QR code', () => {
  it('encodes the order\'s QR payload so a scanner reads it back', () => {
    const payload = 'ZC1:01JAXYZ:123456'
    const { count, cells } = qrMatrix(payload)
    const scaleBy = 4
    const quiet = 4
    const size = (count + quiet * 2) * scaleBy
    const data = new Uint8ClampedArray(size * size * 4).fill(255)
    for (let y = 0; y < count; y++) {
      for (let x = 0; x < count; x++) {
        if (!cells[y][x]) continue
        for (let dy = 0; dy < scaleBy; dy++) {
          for (let dx = 0; dx < scaleBy; dx++) {
            const i = (((y + quiet) * scaleBy + dy) * size + (x + quiet) * scaleBy + dx) * 4
            data[i] = data[i + 1] = data[i + 2] = 0
          }
        }
      }
    }
    expect(jsQR(data, size, size).data).toBe(payload)
  })
  it('draws each row as runs that add up to the width', () => {
    const { count, rows } = qrRuns('ZC1:x:000000')
    for (const row of rows) expect(row.reduce((a, r) => a + r.n, 0)).toBe(count)
  })
})

describe('rating and complaint bodies', () => {
  it('takes five scores from 1 to 5 and an optional comment', () => {
    expect(ratingBody({ overall: 5, taste: 4, portion: 3, hygiene: 5, service: 5 }, '  好吃 ')).toEqual({ overall: 5, taste: 4, portion: 3, hygiene: 5, service: 5, comment: '好吃' })
    expect(ratingBody({ overall: 5, taste: 4, portion: 3, hygiene: 5, service: 5 }, '')).not.toHaveProperty('comment')
    expect(() => ratingBody({ overall: 0, taste: 4, portion: 3, hygiene: 5, service: 5 })).toThrow()
  })
  it('names the meal point, the category and the order when there is one', () => {
    expect(complaintBody({ mealPointId: '16', orderId: 'o1', category: 'hygiene', text: ' 桌子脏 ' })).toEqual({ meal_point_id: 16, order_id: 'o1', category: 'hygiene', text: '桌子脏' })
    expect(complaintBody({ mealPointId: 16, elderId: 7, category: 'other', text: 'x' })).toEqual({ meal_point_id: 16, elder_id: 7, category: 'other', text: 'x' })
  })
})
