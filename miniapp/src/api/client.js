// The one API client: base URL from build-time configuration, the bearer token, the API's Chinese
// error message on every failure (never a raw status), slow calls and offline reported to screens.
import { reactive } from 'vue'

/** Where the API lives. The H5 page is served by the service itself, so the same origin works;
 * the WeChat package needs an absolute https address, given at build time as VITE_API_BASE. */
export function apiBase(env = import.meta.env || {}, platform = process.env.UNI_PLATFORM) {
  if (env.VITE_API_BASE) return String(env.VITE_API_BASE).replace(/\/+$/, '')
  return platform === 'h5' ? '/api/v1' : 'http://127.0.0.1:8080/api/v1'
}

export const BASE = apiBase()

/** Calls slower than this show "正在加载" on the screen. */
export const SLOW_MS = 400

/** What the screens watch: `slow` while any call has taken longer than SLOW_MS. */
export const net = reactive({ pending: 0, slow: false })

export class ApiError extends Error {
  constructor({ code, message, status = 0, field, offline = false }) {
    super(message)
    this.code = code
    this.status = status
    this.field = field
    this.offline = offline
  }
}

const OFFLINE_MESSAGE = '网络连接不上，请检查网络后点“重试”'
const GENERIC = {
  401: '登录已过期，请重新登录',
  403: '您没有权限做这件事',
  404: '没有找到相关内容',
  409: '操作与当前状态冲突，请刷新后再试',
  429: '操作太频繁，请稍后再试',
}

/** Turns any failure into an ApiError with a Chinese message fit for an elder. */
export function toApiError(res) {
  if (res instanceof ApiError) return res
  if (!res || res.statusCode === undefined) {
    return new ApiError({ code: 'OFFLINE', message: OFFLINE_MESSAGE, offline: true })
  }
  const body = typeof res.data === 'string' ? safeJson(res.data) : res.data
  if (body && typeof body.message === 'string' && body.code) {
    return new ApiError({ code: body.code, message: body.message, status: res.statusCode, field: body.field })
  }
  const message = GENERIC[res.statusCode] || (res.statusCode >= 500 ? '服务暂时不可用，请稍后再试' : '请求没有成功，请稍后再试')
  return new ApiError({ code: `HTTP_${res.statusCode}`, message, status: res.statusCode })
}

function safeJson(text) {
  try { return JSON.parse(text) } catch { return null }
}

let token = ''
let onUnauthorized = () => {}
export function setToken(value) { token = value || '' }
export function getToken() { return token }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }

export function buildUrl(path, query) {
  const parts = []
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
  }
  return BASE + path + (parts.length ? `?${parts.join('&')}` : '')
}

/** One call. Resolves with the body; rejects with an ApiError. */
export function request(method, path, { query, body, timeout = 15000 } = {}) {
  const header = { 'Content-Type': 'application/json' }
  if (token) header.Authorization = `Bearer ${token}`
  net.pending += 1
  const timer = setTimeout(() => { net.slow = true }, SLOW_MS)
  return new Promise((resolve, reject) => {
    uni.request({
      url: buildUrl(path, query),
      method,
      header,
      data: body === undefined ? undefined : body,
      timeout,
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) return resolve(res.data)
        const err = toApiError(res)
        if (res.statusCode === 401 && token) onUnauthorized(err)
        reject(err)
      },
      fail: () => reject(toApiError(null)),
      complete: () => {
        clearTimeout(timer)
        net.pending = Math.max(0, net.pending - 1)
        if (net.pending === 0) net.slow = false
      },
    })
  })
}

export const get = (path, query) => request('GET', path, { query })
export const post = (path, body) => request('POST', path, { body: body || {} })
