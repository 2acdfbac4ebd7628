// Smoke test of the BUILT WeChat package (dist/build/mp-weixin, from `npx uni build -p mp-weixin`):
// miniprogram-simulate compiles its WXML with the official wcc and renders the home page, which
// asks for the location, calls the near search through wx.request and lists the meal points.
const path = require('path')
const fs = require('fs')
const simulate = require('miniprogram-simulate')

const DIST = process.env.MP_DIST || path.resolve(__dirname, '../../dist/build/mp-weixin')
const POINTS = [
  { id: 16, name: '南大街街道双桂坊社区助餐点', kind: { code: 'neighbourhood_point', label: '助餐点' }, address: '钟楼区南大街街道双桂坊社区55号', distance_m: 110, serves_today: true, status: { code: 'open', label: '营业中' }, labels: { demonstration: false, labels_zh: ['四星级'] }, service_modes: [], slots: [] },
  { id: 17, name: '化龙巷饭店（助餐挂牌）', kind: { code: 'merchant_listed', label: '商户挂牌' }, address: '钟楼区南大街街道化龙巷社区145号', distance_m: 180, serves_today: false, status: { code: 'open', label: '营业中' }, labels: { demonstration: false, labels_zh: [] }, service_modes: [], slots: [] },
]

test('the built mp-weixin home page renders the meal points near the elder', async () => {
  expect(fs.existsSync(path.join(DIST, 'app.json'))).toBe(true)
  let app = { globalData: {} }
  const sys = { windowWidth: 375, windowHeight: 812, pixelRatio: 2, platform: 'devtools', SDKVersion: '3.5.0', language: 'zh_CN', system: 'iOS 16', brand: 'devtools', model: 'iPhone', screenWidth: 375, screenHeight: 812, statusBarHeight: 20, fontSizeSetting: 17, safeArea: { top: 20, bottom: 812, left: 0, right: 375, width: 375, height: 792 } }
  const storage = {}
  global.App = (opts) => { app = Object.assign(opts, app); opts.onLaunch && opts.onLaunch.call(opts, { path: 'pages/index/index', query: {} }) }
  global.getApp = () => app
  global.Page = (o) => global.Component(o)
  global.getCurrentPages = () => []
  const requests = []
  global.wx = Object.assign(global.wx || {}, {
    getSystemInfoSync: () => sys, getWindowInfo: () => sys, getDeviceInfo: () => sys, getAppBaseInfo: () => sys,
    getMenuButtonBoundingClientRect: () => ({ left: 281, top: 24, width: 87, height: 32, right: 368, bottom: 56 }),
    getLaunchOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
    getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop' } }),
    onAppShow() {}, onAppHide() {}, canIUse: () => true,
    getStorageSync: (k) => storage[k] || '', setStorageSync: (k, v) => { storage[k] = v }, removeStorageSync: (k) => { delete storage[k] },
    getLocation: (o) => setTimeout(() => o.success({ latitude: 31.778, longitude: 119.951 }), 0),
    navigateTo: jest.fn(),
    request: jest.fn((o) => {
      requests.push(o)
      setTimeout(() => { o.success && o.success({ statusCode: 200, data: { items: POINTS, total: 2, page: 1, page_size: 30 }, errMsg: 'request:ok' }); o.complete && o.complete({}) }, 0)
      return { abort() {} }
    }),
  })
  require(path.join(DIST, 'app.js'))
  const id = simulate.load(path.join(DIST, 'pages/index/index'), { rootPath: DIST })
  const page = simulate.render(id)
  page.attach(document.createElement('parent-wrapper'))
  if (page.instance.onLoad) page.instance.onLoad({})
  await simulate.sleep(100)

  expect(requests.length).toBeGreaterThan(0)
  expect(requests[0].url).toMatch(/\/meal-points\/near\?lat=31\.778&lng=119\.951/)
  const text = page.dom.textContent
  expect(text).toContain('南大街街道双桂坊社区助餐点')
  expect(text).toContain('约 110 米')
  expect(text).toContain('今天供餐')
  expect(text).toContain('今天不供餐')
  expect(text).toContain('大字：开') // 关怀 mode is on by default

  page.querySelectorAll('.pointcard')[0].dispatchEvent('tap')
  await simulate.sleep(20)
  expect(wx.navigateTo).toHaveBeenCalled()
  expect(wx.navigateTo.mock.calls[0][0].url).toBe('/pages/point/point?id=16')
})
