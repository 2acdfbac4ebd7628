// A small WeChat for the BUILT package (dist/build/mp-weixin, from `npx uni build -p mp-weixin`):
// the globals the runtime expects, a phone at 375 × 812 that grants the location, storage in
// memory and wx.request answered by the test. miniprogram-simulate then compiles a page's WXML
// with the official wcc and renders it. One page per test file: simulate keeps state per file.
const path = require('path')
const fs = require('fs')
const simulate = require('miniprogram-simulate')

const DIST = process.env.MP_DIST || path.resolve(__dirname, '../../dist/build/mp-weixin')

/**
 * Starts the app and renders `page` (e.g. 'pages/index/index'). `answer(options)` gives each
 * wx.request its reply: `{ statusCode, data }`, or null for a lost connection.
 */
function renderBuiltPage(page, answer) {
  expect(fs.existsSync(path.join(DIST, 'app.json'))).toBe(true)
  let app = { globalData: {} }
  const sys = { windowWidth: 375, windowHeight: 812, pixelRatio: 2, platform: 'devtools', SDKVersion: '3.5.0', language: 'zh_CN', system: 'iOS 16', brand: 'devtools', model: 'iPhone', screenWidth: 375, screenHeight: 812, statusBarHeight: 20, fontSizeSetting: 17, safeArea: { top: 20, bottom: 812, left: 0, right: 375, width: 375, height: 792 } }
  const storage = {}
  global.App = (opts) => { app = Object.assign(opts, app); opts.onLaunch && opts.onLaunch.call(opts, { path: page, query: {} }) }
  global.getApp = () => app
  global.Page = (o) => global.Component(o)
  global.getCurrentPages = () => []
  const requests = []
  global.wx = Object.assign(global.wx || {}, {
    getSystemInfoSync: () => sys, getWindowInfo: () => sys, getDeviceInfo: () => sys, getAppBaseInfo: () => sys,
    getMenuButtonBoundingClientRect: () => ({ left: 281, top: 24, width: 87, height: 32, right: 368, bottom: 56 }),
    getLaunchOptionsSync: () => ({ path: page, query: {}, scene: 1001 }),
    getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop' } }),
    onAppShow() {}, onAppHide() {}, canIUse: () => true,
    getStorageSync: (k) => storage[k] || '', setStorageSync: (k, v) => { storage[k] = v }, removeStorageSync: (k) => { delete storage[k] },
    getLocation: (o) => setTimeout(() => o.success({ latitude: 31.778, longitude: 119.951 }), 0),
    navigateTo: jest.fn(),
    request: jest.fn((o) => {
      requests.push(o)
      setTimeout(() => {
        const reply = answer(o)
        if (reply) o.success && o.success({ ...reply, errMsg: 'request:ok' })
        else o.fail && o.fail({ errMsg: 'request:fail' })
        o.complete && o.complete({})
      }, 0)
      return { abort() {} }
    }),
  })
  require(path.join(DIST, 'app.js'))
  const rendered = simulate.render(simulate.load(path.join(DIST, page), { rootPath: DIST }))
  rendered.attach(document.createElement('parent-wrapper'))
  return { page: rendered, requests }
}

/** Waits (up to two seconds) until the page's text passes `check`; a loaded machine is slow. */
async function until(page, check) {
  for (let waited = 0; waited < 2000 && !check(page.dom.textContent); waited += 20) await simulate.sleep(20)
  return page.dom.textContent
}

/**
 * Taps an element a child component draws (ZPage's 重试): the page's querySelector stops at the
 * component's boundary, so the element is wrapped the way j-component wraps the page's own.
 */
function tapInside(page, testid) {
  const element = page.dom.querySelector(`[data-testid="${testid}"]`)
  expect(element).toBeTruthy()
  const Wrapper = Object.getPrototypeOf(page.constructor)
  new Wrapper(element.__wxElement).dispatchEvent('tap')
}

module.exports = { renderBuiltPage, until, tapInside, simulate }
