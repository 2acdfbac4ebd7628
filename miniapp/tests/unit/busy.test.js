import { describe, it, expect } from 'vitest'
import { answer } from './setup.js'
import { api, ApiError } from '../../src/api/client.ts'
import { retryWhileBusy, busyWaitMs, MAX_WAIT_MS } from '../../src/api/busy.ts'

const busy = (retryAfter) => new ApiError({ code: 'BOOKING_BUSY', message: '人多，请稍候再试', status: 503, retryAfter })

describe('BOOKING_BUSY at the peak', () => {
  it('reads the service\'s Retry-After into the error, whatever the header\'s case', async () => {
    answer({ 'POST /orders': { __status: 503, __header: { 'retry-after': '2' }, body: { code: 'BOOKING_BUSY', message: '人多，请稍候再试' } } })
    const err = await api.POST('/orders', { body: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('BOOKING_BUSY')
    expect(err.retryAfter).toBe(2)
    expect(err.retryable).toBe(true)
    answer({ 'POST /orders': { __status: 409, body: { code: 'SOLD_OUT', message: '订完了' } } })
    expect((await api.POST('/orders', { body: {} }).catch((e) => e)).retryAfter).toBeUndefined()
  })

  it('waits what the service asked, longer on each retry, spread at random, never past the cap', () => {
    expect(busyWaitMs(busy(1), 1, () => 0)).toBe(1000)
    expect(busyWaitMs(busy(1), 2, () => 0)).toBe(2000)
    expect(busyWaitMs(busy(1), 1, () => 0.999)).toBe(1500)
    expect(busyWaitMs(busy(undefined), 1, () => 0)).toBe(1000)
    expect(busyWaitMs(busy(0), 1, () => 0)).toBe(500)
    expect(busyWaitMs(busy(30), 1, () => 0.5)).toBe(MAX_WAIT_MS)
    expect(busyWaitMs(busy(1), 9, () => 0)).toBe(MAX_WAIT_MS)
  })

  it('tries again while busy and stops at the first other answer', async () => {
    const waits = []
    let calls = 0
    const order = await retryWhileBusy(async () => { calls += 1; if (calls < 3) throw busy(1); return { id: 'A1' } }, {
      sleep: async (ms) => { waits.push(ms) }, random: () => 0, onWait: (retry, ms) => waits.push(`retry ${retry} in ${ms}`),
    })
    expect(order).toEqual({ id: 'A1' })
    expect(calls).toBe(3)
    expect(waits).toEqual(['retry 1 in 1000', 1000, 'retry 2 in 2000', 2000])

    calls = 0
    const refused = new ApiError({ code: 'SOLD_OUT', message: '订完了', status: 409 })
    await expect(retryWhileBusy(async () => { calls += 1; throw refused }, { sleep: async () => {} })).rejects.toBe(refused)
    expect(calls).toBe(1)
  })

  it('gives up after its tries with the busy error, which the screen offers to retry', async () => {
    let calls = 0
    const err = await retryWhileBusy(async () => { calls += 1; throw busy(1) }, { tries: 3, sleep: async () => {} }).catch((e) => e)
    expect(calls).toBe(3)
    expect(err.code).toBe('BOOKING_BUSY')
    expect(err.retryable).toBe(true)
  })
})
