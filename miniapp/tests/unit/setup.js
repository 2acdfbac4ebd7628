// A small `uni` for the source components: storage in memory, requests answered by each test.
import { vi, beforeEach } from 'vitest'

vi.mock('@dcloudio/uni-app', () => ({
  onLoad: (fn) => { globalThis.__onLoad = fn },
  onShow: (fn) => { globalThis.__onShow = fn },
}))

beforeEach(() => {
  const storage = new Map()
  globalThis.getCurrentPages = () => []
  globalThis.uni = {
    request: vi.fn(),
    getStorageSync: (k) => storage.get(k) ?? '',
    setStorageSync: (k, v) => storage.set(k, v),
    removeStorageSync: (k) => storage.delete(k),
    getAppBaseInfo: () => ({ fontSizeSetting: 17 }),
    navigateTo: vi.fn(),
    redirectTo: vi.fn(),
    reLaunch: vi.fn(),
    navigateBack: vi.fn(),
    getLocation: vi.fn(),
    showModal: vi.fn(),
    login: vi.fn(),
    scanCode: vi.fn(),
    makePhoneCall: vi.fn(),
  }
  globalThis.__onLoad = null
  globalThis.__onShow = null
})

/** Answers uni.request by `METHOD path` (path without the base and query). */
export function answer(routes) {
  uni.request.mockImplementation((o) => {
    const url = o.url.replace(/^\/api\/v1/, '').split('?')[0]
    const key = `${o.method} ${url}`
    const route = routes[key]
    setTimeout(() => {
      if (route === undefined) o.success({ statusCode: 404, data: { code: 'NOT_FOUND', message: `没有 ${key}` } })
      else if (route === 'offline') o.fail({ errMsg: 'request:fail' })
      else {
        const r = typeof route === 'function' ? route(o) : route
        if (r && r.__status) o.success({ statusCode: r.__status, data: r.body, header: r.__header || {} })
        else o.success({ statusCode: 200, data: r })
      }
      o.complete && o.complete()
    }, 0)
  })
}
