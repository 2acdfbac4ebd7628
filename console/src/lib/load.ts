// Loading and acting with the API's errors shown in Chinese.
import { ref, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, messageOf } from '../api/errors'

export interface Loaded<T> {
  data: Ref<T | null>
  loading: Ref<boolean>
  error: Ref<string>
  run: () => Promise<void>
}

/** Loads `fn` now (and again on `run()`), keeping its data, whether it runs and its error. */
export function useLoad<T>(fn: () => Promise<T>, immediate = true): Loaded<T> {
  const data = ref<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref('')
  async function run() {
    loading.value = true
    error.value = ''
    try {
      data.value = await fn()
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }
  if (immediate) void run()
  return { data, loading, error, run }
}

/**
 * Runs an action; on success shows `done` (if given) and returns the result, on failure shows the
 * API's message and returns undefined (the caller reads `lastError` for a field or problems).
 */
export async function act<T>(fn: () => Promise<T>, done?: string): Promise<T | undefined> {
  try {
    const result = await fn()
    if (done) ElMessage.success(done)
    return result
  } catch (err) {
    lastError.value = err instanceof ApiError ? err : null
    ElMessage.error({ message: messageOf(err), duration: 6000 })
    return undefined
  }
}

/** The error of the last failed {@link act}. */
export const lastError = ref<ApiError | null>(null)

/** A fresh client key for a create that must never happen twice on a retry. */
export function clientKey(): string {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID()
  return `k-${Date.now()}-${Math.random().toString(16).slice(2)}`
}
