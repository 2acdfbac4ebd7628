// Every screen in 关怀 (large-text) mode, measured against the MIIT numbers (see miit.mjs); any
// breach fails. Figures go to screenshots/miit-report.json and the test's output.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'
import { measure, LIMITS } from './miit.mjs'

const D = h.testMonday()
const TOMORROW = h.addDays(D, 1)
let svc, dbDir, b, mp, orderId, servedId, elderToken, elderId, allergic
const report = {}

before(async () => {
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-miit-'))
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '08:00') })
  const op = await h.api(svc.base, 'POST', '/auth/login', { username: 'operator-demo', password: 'zhucan-demo' })
  mp = (await h.api(svc.base, 'GET', '/me/meal-points', null, op.token)).items[0]
  // An order to show on the order screens, booked through the API.
  const elder = await h.api(svc.base, 'POST', '/auth/wechat', { code: `dev.demo-elder-2.${Date.now()}` })
  const [me] = await h.api(svc.base, 'GET', '/me/elders', null, elder.token)
  const menu = await h.api(svc.base, 'GET', `/meal-points/${mp.id}/menu?from=${TOMORROW}&to=${TOMORROW}`)
  const item = menu.days[0].slots.find((s) => s.slot === 'lunch').items.find((i) => i.bookable_now)
  const order = await h.api(svc.base, 'POST', '/orders', {
    elder_id: me.elder.id, meal_point_id: mp.id, date: TOMORROW, slot: 'lunch', mode: 'delivery',
    items: [{ offering_id: item.offering_id, quantity: 1 }], client_key: `miit-${Date.now()}`,
  }, elder.token)
  orderId = order.id
  elderToken = elder.token
  elderId = me.elder.id
  // A dish on tomorrow's lunch with an allergen, for the booking screen's warning.
  allergic = menu.days[0].slots.find((s) => s.slot === 'lunch').items.find((i) => i.bookable_now && i.allergens.length)
  // A served order from the demo's meal history, when there is one (rated or to rate).
  const history = await h.api(svc.base, 'GET', `/elders/${me.elder.id}/orders`, null, elder.token)
  servedId = history.find((o) => o.state === 'served')?.id
  b = await h.browser({ geolocation: { latitude: mp.lat, longitude: mp.lng } })
})

after(async () => {
  fs.mkdirSync(h.SHOTS, { recursive: true })
  fs.writeFileSync(path.join(h.SHOTS, 'miit-report.json'), JSON.stringify({ limits: LIMITS, viewport: '375x812', screens: report }, null, 2))
  await b?.close()
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
})

async function check(t, name, { url, ready, before: prepare } = {}) {
  const { page } = b
  if (url) {
    // A fresh load: uni's router may keep a page when only the hash's query changes.
    await page.goto(`${svc.base}/h5/#${url}`)
    await page.reload()
  }
  if (prepare) await prepare(page)
  await page.getByTestId(ready).first().waitFor({ timeout: 20000 })
  await page.waitForTimeout(300)
  // 关怀 mode is on for this screen (it is the default for elders; staff switch it on).
  assert.match(await page.getByTestId('toggle-care').innerText(), /大字：开/)
  await h.shot(page, `miit-${name}`)
  const f = await measure(page)
  report[name] = { fontMin: f.fontMin, texts: f.texts, tapMin: f.tapMin, taps: f.taps, contrastMin: f.contrastMin, contrastChecked: f.contrastChecked, primaries: f.primaries, breaches: f.breaches }
  t.diagnostic(`${name}: font min ${f.fontMin}px over ${f.texts} texts; touch min ${f.tapMin}px over ${f.taps} targets; contrast min ${f.contrastMin}:1 over ${f.contrastChecked}; main actions ${f.primaries}`)
  assert.deepEqual(f.breaches, [], `${name} breaks the MIIT numbers`)
  assert.ok(f.texts > 0 && f.taps > 0)
}

const wechat = (openid) => async (page) => {
  await page.goto(`${svc.base}/h5/#/pages/login/login`)
  await page.getByTestId(`demo-${openid}`).click()
  await page.getByTestId('acting-for').waitFor({ timeout: 20000 })
}

test('sign-in screens', async (t) => {
  await check(t, 'login', { url: '/pages/login/login', ready: 'demo-demo-elder-2' })
  await check(t, 'staff-login', { url: '/pages/staff-login/staff-login', ready: 'staff-login' })
})

test('elder screens', async (t) => {
  await check(t, 'home', { before: wechat('demo-elder-2'), ready: `point-${mp.id}` })
  await check(t, 'meal-point', { url: `/pages/point/point?id=${mp.id}`, ready: 'book' })
  await check(t, 'booking', {
    url: `/pages/book/book?mp=${mp.id}&date=${TOMORROW}&slot=lunch`, ready: 'quote',
    before: async (page) => { await page.locator('[data-testid^="pick-"]').first().click({ timeout: 20000 }) },
  })
  // Diets and allergens: the profile screen, then booking a dish with a listed allergen stops at
  // the full-width warning in the page.
  await check(t, 'diet', { url: '/pages/diet/diet', ready: 'save-diet' })
  assert.ok(allergic, 'a demo dish on tomorrow\'s lunch carries an allergen')
  await h.api(svc.base, 'PUT', `/elders/${elderId}/diet`, { diets: ['soft'], allergens: [allergic.allergens[0].code] }, elderToken)
  await check(t, 'booking-allergen-warning', {
    url: `/pages/book/book?mp=${mp.id}&date=${TOMORROW}&slot=lunch`,
    before: async (page) => {
      await page.getByTestId(`allergy-${allergic.offering_id}`).waitFor({ timeout: 20000 })
      await page.getByTestId(`pick-${allergic.offering_id}`).click()
      await page.getByTestId('quote').waitFor({ timeout: 20000 })
      await page.getByTestId('confirm').click()
    },
    ready: 'allergen-warning',
  })
  await h.api(svc.base, 'PUT', `/elders/${elderId}/diet`, { diets: [], allergens: [] }, elderToken)
  await check(t, 'order', { url: `/pages/order/order?id=${encodeURIComponent(orderId)}`, ready: 'pickup-code' })
  if (servedId) {
    await check(t, 'order-served', { url: `/pages/order/order?id=${encodeURIComponent(servedId)}`, ready: 'to-complain' })
  }
  await check(t, 'orders', { url: '/pages/orders/orders', ready: `order-${orderId}` })
  await check(t, 'rate', { url: `/pages/rate/rate?id=${encodeURIComponent(orderId)}`, ready: 'submit-rating' })
  await check(t, 'complain', { url: `/pages/complain/complain?mp=${mp.id}&order=${encodeURIComponent(orderId)}`, ready: 'submit-complaint' })
  // Cancelling asks in the page, with big buttons (no pop-up), then the order shows 已取消.
  await check(t, 'order-cancel-confirm', {
    url: `/pages/order/order?id=${encodeURIComponent(orderId)}`,
    before: async (page) => page.getByTestId('cancel').click({ timeout: 20000 }),
    ready: 'cancel-yes',
  })
  await b.page.getByTestId('cancel-yes').click()
  await b.page.getByText('已取消').first().waitFor()
  await check(t, 'home-no-location', {
    before: async (page) => { await b.ctx.clearPermissions(); await page.goto(`${svc.base}/h5/#/pages/index/index`); await page.reload() },
    ready: 'pick-place',
  })
  await check(t, 'pick-street', { before: async (page) => page.getByTestId(`district-${mp.district_code}`).click(), ready: `street-${mp.street_id}` })
})

test('family screens', async (t) => {
  await check(t, 'family-home', { before: wechat('demo-family-1'), ready: 'to-elders' })
  await check(t, 'elders', { url: '/pages/elders/elders', ready: 'to-link' })
  await check(t, 'link', { url: '/pages/link/link', ready: 'submit-link' })
  await check(t, 'family-diet', { url: '/pages/diet/diet', ready: 'save-diet' })
})

test('operator screens', async (t) => {
  await check(t, 'operator', {
    before: async (page) => {
      await page.goto(`${svc.base}/h5/#/pages/staff-login/staff-login`)
      await page.getByTestId('username').locator('input').fill('operator-demo')
      await page.getByTestId('password').locator('input').fill('zhucan-demo')
      await page.getByTestId('staff-login').click()
      await page.getByTestId('to-verify').waitFor({ timeout: 20000 })
      // Staff start in standard mode; 关怀 mode is one tap away on every screen.
      if (/关/.test(await page.getByTestId('toggle-care').innerText())) await page.getByTestId('toggle-care').click()
    },
    ready: 'to-verify',
  })
  await check(t, 'verify', { url: '/pages/verify/verify', ready: 'verify' })
  await check(t, 'verify-error', {
    before: async (page) => {
      await page.getByTestId('code').locator('input').fill('000000')
      await page.getByTestId('verify').click()
    },
    ready: 'error',
  })
  await check(t, 'deliveries', { url: '/pages/deliveries/deliveries', ready: 'dslot-lunch' })
  await check(t, 'replies', { url: '/pages/replies/replies', ready: 'page' })
})
