// Money in the console, headless Chromium against the real service (demo data, its fake WeChat
// Pay, a fresh SQLite database). Day D, 08:00: an elder books today's lunch and pays online (set
// up through the API and the fake's cashier, as the mini program would); the operator opens the
// order's refund form on today's board, is told an amount beyond what was paid is too much, and
// refunds part of it with a reason. Day D+1, 10:30, the service restarted: the lunch was never
// collected (a no-show) and the morning job has imported D's WeChat Pay bill; the city's and the
// operator's reconciliation screens list what it found. The restarted fake WeChat Pay has
// forgotten D (it keeps trades in memory), so its bill for D is empty: the payment and the refund
// the service recorded show as missing from the bill, beside the meal paid and not served.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'

const D = '2026-11-23'
let bin, dbDir, svc, b, mealPoint, order, share
const violations = {}

async function checkAxe(name) {
  violations[name] = await h.axe(b.page)
}

before(async () => {
  bin = h.zhucanBinary()
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-console-pay-'))
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '08:00'), bin })
  b = await h.browser()
})

after(async () => {
  await b?.close()
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
})

test('an elder pays today\'s lunch online; the operator refunds part of it with a reason', async () => {
  const operator = await h.token(svc.base, 'operator-demo')
  const mine = await h.api(svc.base, 'GET', '/me/meal-points', null, operator)
  mealPoint = mine.items.find((p) => p.service_modes.some((m) => m.code === 'pickup')).id
  // The elder's side, as the mini program does it.
  const elder = (await h.api(svc.base, 'POST', '/auth/wechat', { code: `dev.demo-elder-2.${Date.now()}` })).token
  const [own] = await h.api(svc.base, 'GET', '/me/elders', null, elder)
  const elderId = own.elder?.id ?? own.id
  const menu = await (await fetch(`${svc.base}/api/v1/meal-points/${mealPoint}/menu?from=${D}&to=${D}`)).json()
  const lunch = menu.days[0].slots.find((s) => s.slot === 'lunch').items
  const dearest = lunch.reduce((a, c) => (Number(c.price) > Number(a.price) ? c : a))
  order = await h.api(svc.base, 'POST', '/orders', { elder_id: elderId, meal_point_id: mealPoint, date: D, slot: 'lunch', mode: 'pickup', items: [{ offering_id: dearest.offering_id, quantity: 1 }], client_key: `pay-${Date.now()}` }, elder)
  share = order.price.elder_share
  assert.notEqual(share, '0.00')
  const launch = await h.api(svc.base, 'POST', `/orders/${order.id}/payment`, {}, elder)
  const cashier = new URL(launch.confirm_url)
  const paid = await fetch(`${cashier.origin}/fake/pay/confirm`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prepay_id: cashier.searchParams.get('prepay_id') }) })
  assert.equal(paid.status, 200)
  assert.equal((await h.api(svc.base, 'GET', `/orders/${order.id}/payment`, null, elder)).payment_state, 'paid_wechat')

  await h.signIn(b.page, svc.base, 'operator-demo')
  await b.page.goto(`${svc.base}/console/points/${mealPoint}/board`)
  await b.page.getByTestId(`refund-${order.id}`).click()
  await b.page.getByTestId('refund-left').waitFor()
  assert.equal(await b.page.getByTestId('refund-left').innerText(), `¥${share}`)
  await checkAxe('refund form')

  // More than was paid: refused in the form, nothing sent.
  const tooMuch = `${Number(share.split('.')[0]) + 1}.${share.split('.')[1]}`
  await h.fill(b.page, 'refund-amount', tooMuch)
  await h.fill(b.page, 'refund-reason', '少了一个菜')
  await b.page.getByTestId('refund-submit').click()
  await b.page.getByText(`不能超过可退金额 ${share} 元`).waitFor()
  // No reason: refused too.
  await h.fill(b.page, 'refund-amount', '1.00')
  await h.fill(b.page, 'refund-reason', '')
  await b.page.getByTestId('refund-submit').click()
  await b.page.getByTestId('refund-dialog').getByText('请填写退款原因', { exact: true }).waitFor()
  assert.equal((await h.api(svc.base, 'GET', `/orders/${order.id}/payment`, null, operator)).refunds.length, 0)

  await h.fill(b.page, 'refund-reason', '少了一个菜')
  await b.page.getByTestId('refund-submit').click()
  await b.page.locator('[data-testid="refunds"] .el-table__row').first().waitFor()
  assert.match(await b.page.getByTestId('refunds').innerText(), /¥1\.00[\s\S]*少了一个菜/)
  await h.shot(b.page, 'operator-refund')
  const payment = await h.api(svc.base, 'GET', `/orders/${order.id}/payment`, null, operator)
  assert.equal(payment.refunds.length, 1)
  assert.equal(payment.refunds[0].amount, '1.00')
  await checkAxe('refund made')
  // The dialog keeps the refunds list open until the operator closes it.
  await b.page.keyboard.press('Escape')
  await b.page.getByTestId('refund-dialog').waitFor({ state: 'hidden' })
  await h.signOut(b.page)
})

test('the next morning the city and the operator see the reconciliation of D', async () => {
  await svc.stop()
  svc = await h.startService({ dbDir, clockStart: h.shanghai(h.addDays(D, 1), '10:30'), bin })
  const admin = await h.token(svc.base, 'admin')
  // The morning job (first pass at start) and the no-show sweep run by themselves; wait for both.
  let found
  for (let i = 0; i < 100; i++) {
    found = await h.api(svc.base, 'GET', `/reconciliation?from=${D}&to=${D}`, null, admin)
    if (found.findings.some((f) => f.kind === 'paid_not_served')) break
    await h.api(svc.base, 'POST', '/reconciliation/imports', { date: D }, admin)
    await new Promise((r) => setTimeout(r, 300))
  }
  assert.deepEqual(found.findings.map((f) => f.kind).sort(), ['missing_from_bill', 'missing_from_bill', 'paid_not_served'])

  await h.signIn(b.page, svc.base, 'admin')
  await b.page.goto(`${svc.base}/console/reconciliation`)
  await b.page.getByTestId('kind-paid_not_served').waitFor()
  const rows = await b.page.getByTestId('rec-findings').innerText()
  assert.match(rows, new RegExp(order.id))
  const kept = `${Number(share.split('.')[0]) - 1}.${share.split('.')[1]}`
  assert.match(rows, new RegExp(`¥${kept.replace('.', '\\.')}`), 'the share less the 1.00 refunded, kept for a meal not served')
  assert.match(await b.page.getByTestId('rec-bills').innerText(), /3 项/)
  await checkAxe('reconciliation (city)')
  // Again: the same findings, not twice as many.
  await b.page.getByTestId('rec-import').click()
  await b.page.getByText('已重新对账').waitFor()
  await b.page.waitForFunction(() => document.querySelectorAll('[data-testid="rec-findings"] .el-table__row').length === 3)
  await h.shot(b.page, 'city-reconciliation')
  await h.signOut(b.page)

  await h.signIn(b.page, svc.base, 'operator-demo')
  await b.page.goto(`${svc.base}/console/reconciliation`)
  await b.page.getByTestId('kind-paid_not_served').waitFor()
  await checkAxe('reconciliation (operator)')
})

test('every screen of the story is axe-clean', () => {
  assert.deepEqual(violations, Object.fromEntries(Object.keys(violations).map((k) => [k, []])))
})
