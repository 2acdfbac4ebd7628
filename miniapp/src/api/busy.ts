// At the 10:30 peak the service sheds what it cannot queue with 503 BOOKING_BUSY and a Retry-After
// (src/orders/admission.rs). An elder should not have to understand that: the booking screen says
// 人多，请稍候 and tries again by itself with the same client key (so it can never book twice), a
// few times, waiting what the service asked plus a little randomness so that a whole city's phones
// do not come back in the same instant. Only after that does the screen show the error and 重试.
import { ApiError } from './client'

export const BUSY_CODE = 'BOOKING_BUSY'

export interface BusyRetry {
  /** Tries in all, the first included. */
  tries?: number
  /** Waits `ms` (the screen's tests pass a quick one). */
  sleep?: (ms: number) => Promise<void>
  /** 0 ≤ x < 1; spreads the waits. */
  random?: () => number
  /** Told before each wait: which retry comes next (1, 2, …) and how long the wait is. */
  onWait?: (retry: number, ms: number) => void
}

/** The longest the screen waits between two tries, whatever the service asks. */
export const MAX_WAIT_MS = 10_000

/** How long to wait before retry number `retry` (1-based): the service's Retry-After (1 s if it
 * said nothing), doubled on each retry, capped, with up to half of it added at random. */
export function busyWaitMs(err: ApiError, retry: number, random: () => number = Math.random): number {
  const asked = (err.retryAfter ?? 1) * 1000
  const base = Math.min(MAX_WAIT_MS, Math.max(500, asked) * 2 ** (retry - 1))
  return Math.min(MAX_WAIT_MS, Math.round(base * (1 + random() / 2)))
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `call`, and again while the service answers BOOKING_BUSY, up to `tries` times in all. Any
 * other answer (success or another failure) ends it at once. */
export async function retryWhileBusy<T>(call: () => Promise<T>, { tries = 4, sleep = realSleep, random = Math.random, onWait }: BusyRetry = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== BUSY_CODE || attempt >= tries) throw err
      const ms = busyWaitMs(err, attempt, random)
      onWait?.(attempt, ms)
      await sleep(ms)
    }
  }
}
