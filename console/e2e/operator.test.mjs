// The operator's story in headless Chromium against the real service (demo data, a fresh SQLite
// database): `operator-demo` publishes next week's menu by copying this week, raises a dish's
// portions, has a publish refused (a price typed with a zero too many) shown on the cell at
// fault with nothing published, fixes it and publishes; books a walk-in lunch for an elder
// without a phone by her ID card and name; then, the service restarted with its clock at 10:40
// the same day, verifies her pickup code on today's board (a second try is refused), records her
// share taken at the counter as a scan, and exports the day's orders as XLSX.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'
import { idNumber } from './ids.mjs'
import { readXlsx } from './xlsx.mjs'

// A Monday: the demo publishes this week's menus (seven days from the service's today).
const D = '2026-11-23'
// An elder without a phone, registered by the district for the test; 81 on D.
const QIAN = { name: '钱桂芳', id_card: idNumber('320404', '1945-06-02', '302') }
const NEXT_MONDAY = h.addDays(D, 7)
let bin, dbDir, svc, b, mealPoint, pickupCode
const violations = {}

async function checkAxe(name) {
  violations[name] = await h.axe(b.page)
}

async function menuOf(from, to) {
  const res = await fetch(`${svc.base}/api/v1/meal-points/${mealPoint}/menu?from=${from}&to=${to}`)
  return res.json()
}

const items = (menu, date, slot) => menu.days.find((d) => d.date === date)?.slots.find((s) => s.slot === slot)?.items ?? []

before(async () => {
  bin = h.zhucanBinary()
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-console-e2e-'))
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '09:00'), bin })
  b = await h.browser()
})

after(async () => {
  await b?.close()
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
})

test('the operator copies this week into next week', async () => {
  const admin = await h.token(svc.base, 'admin')
  await h.api(svc.base, 'POST', '/elders', { name: QIAN.name, id_card: QIAN.id_card, hukou_district_code: '320404', residence_district_code: '320404', address: '常州市南大街 8 号', phone: '051988001234' }, admin)
  await h.signIn(b.page, svc.base, 'operator-demo')
  const operator = await h.token(svc.base, 'operator-demo')
  const mine = await h.api(svc.base, 'GET', '/me/meal-points', null, operator)
  mealPoint = mine.items[0].id
  await b.page.getByTestId(`point-${mealPoint}`).waitFor()
  await checkAxe('my meal points')
  await b.page.getByTestId(`open-week-${mealPoint}`).click()
  await b.page.getByTestId('week-label').getByText('11月23日').waitFor()
  await checkAxe('week planner')

  assert.equal((await menuOf(NEXT_MONDAY, h.addDays(NEXT_MONDAY, 6))).days.length, 0, 'next week starts empty')
  await b.page.getByTestId('next-week').click()
  await b.page.getByTestId('week-label').getByText('11月30日').waitFor()
  await b.page.getByTestId('copy-last-week').click()
  const result = await b.page.getByTestId('copy-result').innerText()
  const copied = Number(/已复制 (\d+) 项/.exec(result)?.[1])
  assert.ok(copied > 0, result)
  const next = await menuOf(NEXT_MONDAY, h.addDays(NEXT_MONDAY, 6))
  const published = next.days.flatMap((d) => d.slots.flatMap((s) => s.items))
  assert.equal(published.length, copied, 'the grid says what the API published')
  await b.page.waitForFunction((n) => document.querySelectorAll('[data-testid^="offering-"]').length === n, copied)
  await h.shot(b.page, 'operator-week-copied')
})

test('the operator raises a dish\'s portions, seeing what is booked', async () => {
  const next = await menuOf(NEXT_MONDAY, h.addDays(NEXT_MONDAY, 6))
  const day = next.days[0]
  const item = day.slots[0].items[0]
  const card = b.page.getByTestId(`offering-${item.offering_id}`)
  assert.match(await card.getByTestId('booked').innerText(), /^0$/)
  await card.getByTestId('edit-portions').click()
  const raised = item.portions + 25
  await b.page.locator('input#edit-portions, #edit-portions input').fill(String(raised))
  await b.page.getByTestId('save-portions').click()
  await card.getByTestId('portions').getByText(`${raised} 份`).waitFor()
  const after = await menuOf(day.date, day.date)
  assert.equal(items(after, day.date, day.slots[0].slot).find((i) => i.offering_id === item.offering_id).portions, raised)
})

test('a refused publish shows on the cell at fault and publishes nothing; fixed, it publishes', async () => {
  const next = await menuOf(NEXT_MONDAY, h.addDays(NEXT_MONDAY, 6))
  const lunchDays = next.days.filter((d) => d.slots.some((s) => s.slot === 'lunch')).map((d) => d.date)
  assert.ok(lunchDays.length >= 2, 'two open days with lunch next week')
  const [good, bad] = lunchDays
  const before = { good: items(next, good, 'lunch').length, bad: items(next, bad, 'lunch').length }

  async function addDraft(date, price) {
    await b.page.getByTestId(`cell-${date}-lunch`).getByTestId('add').click()
    await b.page.getByTestId('draft-dish').click()
    await b.page.locator('.el-select-dropdown__item:visible').first().click()
    await b.page.locator('input#draft-portions, #draft-portions input').fill('30')
    await b.page.locator('#draft-price').fill(price)
    await b.page.getByTestId('add-draft').click()
    await b.page.getByTestId(`cell-${date}-lunch`).getByTestId('draft').waitFor()
  }
  await addDraft(good, '12')
  await addDraft(bad, '1200')
  await b.page.getByTestId('publish').click()
  const fault = b.page.getByTestId(`cell-${bad}-lunch`).getByTestId('cell-error')
  await fault.waitFor()
  assert.match(await fault.innerText(), /999\.99|价格/)
  assert.equal(await b.page.getByTestId(`cell-${good}-lunch`).getByTestId('cell-error').count(), 0, 'only the cell at fault')
  assert.match(await b.page.getByTestId('publish-error').innerText(), /全部未发布/)
  let now = await menuOf(NEXT_MONDAY, h.addDays(NEXT_MONDAY, 6))
  assert.equal(items(now, good, 'lunch').length, before.good, 'all or nothing: the good draft was not published either')
  await h.shot(b.page, 'operator-week-refused')

  await b.page.getByTestId(`cell-${bad}-lunch`).getByTestId('draft').getByRole('button').click()
  await addDraft(bad, '12.5')
  await b.page.getByTestId('publish').click()
  await b.page.getByTestId('copy-result').getByText('已发布').waitFor()
  now = await menuOf(NEXT_MONDAY, h.addDays(NEXT_MONDAY, 6))
  assert.equal(items(now, good, 'lunch').length, before.good + 1)
  assert.equal(items(now, bad, 'lunch').length, before.bad + 1)
  assert.ok(items(now, bad, 'lunch').some((i) => i.price === '12.50'), 'the price as typed, two decimals')
})

test('a walk-in lunch for an elder without a phone, by her ID card and name', async () => {
  await b.page.goto(`${svc.base}/console/points/${mealPoint}/walk-in`)
  await h.fill(b.page, 'walkin-idcard', QIAN.id_card)
  await h.fill(b.page, 'walkin-name', '钱桂英')
  await b.page.getByTestId('walkin-find').click()
  await b.page.getByTestId('walkin-error').waitFor()
  assert.match(await b.page.getByTestId('walkin-error').innerText(), /没有找到/)

  await h.fill(b.page, 'walkin-name', QIAN.name)
  await b.page.getByTestId('walkin-find').click()
  const elder = b.page.getByTestId('walkin-elder')
  await elder.waitFor()
  const shown = await elder.innerText()
  assert.ok(shown.includes(`3204************${QIAN.id_card.slice(-2)}`), shown)
  assert.ok(shown.includes('81 岁'), shown)
  assert.ok(!shown.includes(QIAN.id_card), 'the number is never shown in full')

  await b.page.getByRole('radio', { name: '午餐' }).click({ force: true })
  await b.page.locator('.el-table__body tr').first().locator('.el-input-number__increase').click()
  await b.page.getByTestId('walkin-book').click()
  const order = b.page.getByTestId('walkin-order')
  await order.waitFor()
  pickupCode = /\b(\d{6})\b/.exec(await order.innerText())[1]
  assert.match(await order.getByTestId('elder-share').innerText(), /^¥\d+\.\d{2}$/)
  await checkAxe('walk-in booking')
  await h.shot(b.page, 'operator-walk-in')
})

test('at 10:40 the board verifies her code once, and the day exports as XLSX', async () => {
  await svc.stop()
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '10:40'), bin })
  // A new port is a new origin to the browser: sign in again.
  await h.signIn(b.page, svc.base, 'operator-demo')
  await b.page.goto(`${svc.base}/console/points/${mealPoint}/board`)
  await h.fill(b.page, 'pickup-code', pickupCode)
  await b.page.getByTestId('verify').click()
  await b.page.getByTestId('verify-ok').waitFor()
  assert.match(await b.page.getByTestId('verify-ok').innerText(), /核销成功：午餐/)
  // Her share is still to take: the board offers to record it at once (现金 or 扫码).
  await b.page.getByTestId('counter-amount').waitFor()
  assert.match(await b.page.getByTestId('counter-amount').innerText(), /^¥\d+\.\d{2}$/)
  await checkAxe('counter payment')
  await b.page.getByTestId('counter-scan').click()
  await b.page.getByTestId('counter-record').click()
  await b.page.getByTestId('slot-lunch').getByText('已到店付款').waitFor()
  await b.page.getByTestId('slot-lunch').getByText(QIAN.name).waitFor()
  await h.shot(b.page, 'operator-board')
  await checkAxe('today\'s board')

  await h.fill(b.page, 'pickup-code', pickupCode)
  await b.page.getByTestId('verify').click()
  await b.page.getByTestId('verify-error').waitFor()

  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByTestId('export-orders').click()])
  assert.equal(download.suggestedFilename(), `orders-${mealPoint}-20261123.xlsx`)
  const rows = readXlsx(fs.readFileSync(await download.path()))
  assert.equal(rows[0][4], '老人')
  const hers = rows.find((r) => r[4] === QIAN.name)
  assert.ok(hers, 'her order is on the list')
  assert.equal(hers[3], '已用餐')
  assert.equal(rows[rows.length - 1][0], '合计')
})

test('the other operator screens open', async () => {
  for (const [screen, name] of [
    ['dishes', 'dishes'],
    ['profile', 'meal point profile'],
    ['ratings', 'ratings'],
  ]) {
    await b.page.goto(`${svc.base}/console/points/${mealPoint}/${screen}`)
    await b.page.getByRole('heading', { level: 2 }).waitFor()
    await checkAxe(name)
  }
  await b.page.goto(`${svc.base}/console/complaints`)
  await b.page.getByTestId('complaints').waitFor()
  await checkAxe('complaints (operator)')
})

test('no serious or critical accessibility violations, and no script errors', () => {
  for (const [screen, found] of Object.entries(violations)) assert.deepEqual(found, [], screen)
  assert.deepEqual(b.errors, [])
})
