// What every screen does with its calls, in one place: busy while a step runs (its buttons wait),
// 正在加载 when it is slow, the API's Chinese message when it fails, and 重试 when trying the same
// step again may help (a lost connection, the service stumbling; a refusal would only be refused
// again). A screen hands its request to ZPage, which shows all of it.
//
// A step is any async work: API calls, and the platform's own callbacks through `uniStep` (sign-in,
// scanning, later payment), so an action such as "pay" is one `run` — create the payment, open
// uni.requestPayment, read the order back — with the same busy state, message and retry.
import { computed, reactive, ref, shallowRef } from 'vue'
import { ApiError, net } from './client'

export interface Request {
  /** A step of this screen is running. */
  readonly busy: boolean
  /** …and has taken long enough to say so. */
  readonly slow: boolean
  /** The last failure, with a message for the screen. */
  readonly error: ApiError | null
  /** The failed step may work when tried again: the screen offers 重试. */
  readonly canRetry: boolean
  /** Runs a step; resolves with its result, or with undefined when it failed (see `error`). */
  run<T>(step: () => Promise<T>): Promise<T | undefined>
  /** Runs the failed step again. */
  retry(): Promise<void>
  /** Forgets the last failure. */
  clear(): void
}

const UNEXPECTED = '出了点问题，请稍后再试'

export function useRequest(): Request {
  const pending = ref(0)
  const error = shallowRef<ApiError | null>(null)
  let failedStep: (() => Promise<unknown>) | null = null

  async function run<T>(step: () => Promise<T>): Promise<T | undefined> {
    pending.value += 1
    error.value = null
    failedStep = null
    try {
      return await step()
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(err)
      const failure = err instanceof ApiError ? err : new ApiError({ code: 'UNEXPECTED', message: UNEXPECTED })
      error.value = failure
      failedStep = failure.retryable ? step : null
      return undefined
    } finally {
      pending.value -= 1
    }
  }

  const request = reactive({
    busy: computed(() => pending.value > 0),
    slow: computed(() => pending.value > 0 && net.slow),
    error,
    canRetry: computed(() => !!error.value && error.value.retryable),
    run,
    async retry() {
      const step = failedStep
      if (step) await run(step)
    },
    clear() {
      error.value = null
      failedStep = null
    },
  })
  return request
}

/**
 * A platform call with success / fail callbacks (uni.login, uni.scanCode, uni.requestPayment…) as
 * a step: resolves with what `success` gets; a failure becomes `message`, for the screen.
 */
export function uniStep<T>(start: (success: (result: T) => void, fail: () => void) => void, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    start(resolve, () => reject(new ApiError({ code: 'DEVICE', message })))
  })
}
