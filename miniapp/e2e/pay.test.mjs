// Paying the elder's share in the browser (H5) against the REAL service and its fake WeChat Pay:
// the elder books tomorrow's lunch at a meal point that takes the share online or at the
// counter, pays through the fake's cashier page (the H5 stand-in for WeChat's), comes back to
// the order showing 已支付, cancels it and sees 已退款 once WeChat Pay's refund notification is in.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'

const D = h.testMonday()
const TOMORROW = h.addDays(D, 1)
let dbDir, svc

before(async () => {
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-e2e-pay-'))
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '08:00') })
})
after(async () => {
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
})

/** Reads the order page again until its payment line says `label` (a notification is on its way). */
async function paymentBecomes(page, label) {
  for (let i = 0; i < 50; i++) {
    const line = page.getByTestId('payment-state')
    const shown = (await line.count()) ? await line.innerText() : ''
    if (shown.includes(label)) return shown
    await new Promise((r) => setTimeout(r, 200))
    await page.reload()
    await page.getByTestId('state').waitFor({ timeout: 20000 })
  }
  throw new Error(`the order never showed 自付：${label}`)
}

test('the elder pays tomorrow\'s lunch in the browser, sees 已支付, cancels and sees 已退款', async () => {
  const op = await h.api(svc.base, 'POST', '/auth/login', { username: 'operator-demo', password: 'zhucan-demo' })
  const mine = await h.api(svc.base, 'GET', '/me/meal-points', null, op.token)
  const mp = mine.items.find((p) => p.service_modes.some((m) => m.code === 'pickup'))
  const methods = await h.api(svc.base, 'GET', `/meal-points/${mp.id}/payment-methods`, null, op.token)
  assert.notEqual(methods.methods, 'counter', 'the demo meal point takes the share online')

  const b = await h.browser()
  try {
    const { page } = b
    await page.goto(`${svc.base}/h5/#/pages/login/login`)
    await page.getByTestId('demo-demo-elder-2').click()
    await page.getByTestId('near-title').or(page.getByTestId('pick-place')).first().waitFor({ timeout: 20000 })
    await page.goto(`${svc.base}/h5/#/pages/book/book?mp=${mp.id}&date=${TOMORROW}&slot=lunch`)
    await page.getByTestId('booking').waitFor({ timeout: 20000 })
    await page.getByTestId(`bday-${TOMORROW}`).click()
    await page.getByTestId('bslot-lunch').click()
    await page.getByTestId('mode-pickup').click()
    // The dearest dish, so there is a share to pay whatever the subsidy.
    const cards = page.locator('[data-testid^="pick-"]')
    await cards.first().waitFor()
    let best = cards.first()
    let bestPrice = -1
    for (let i = 0; i < (await cards.count()); i++) {
      const price = Number(((await cards.nth(i).innerText()).match(/¥(\d+\.\d\d)/) || [])[1] || 0)
      if (price > bestPrice) { best = cards.nth(i); bestPrice = price }
    }
    await best.click()
    await page.getByTestId('quote').waitFor()
    const share = await page.getByTestId('q-share').innerText()
    assert.notEqual(share, '¥0.00')
    await page.getByTestId('confirm').click()
    await page.getByTestId('pickup-code').waitFor({ timeout: 20000 })
    // Online or at the counter: nothing is due yet, so no payment line; the elder may pay now.
    assert.equal(await page.getByTestId('payment-state').count(), 0)

    // 微信支付: in a browser the fake's cashier page, which comes back to the order when paid.
    const pay = page.getByTestId('pay')
    await pay.waitFor({ timeout: 20000 })
    assert.match(await pay.innerText(), new RegExp(share.replace('¥', '¥')))
    await pay.click()
    await page.locator('#pay').waitFor({ timeout: 20000 })
    assert.match(await page.content(), new RegExp(share.replace('¥', '').replace('.', '\\.')))
    await h.shot(page, 'pay-01-cashier')
    await page.locator('#pay').click()
    await page.getByTestId('state').waitFor({ timeout: 20000 })
    assert.match(await paymentBecomes(page, '已支付'), /自付：已支付/)
    assert.equal(await page.getByTestId('pay').count(), 0, 'nothing left to pay')
    await h.shot(page, 'pay-02-paid')

    await page.getByTestId('cancel').click()
    await page.getByTestId('cancel-yes').click()
    await page.getByTestId('state').getByText('已取消').waitFor({ timeout: 20000 })
    assert.match(await paymentBecomes(page, '已退款'), /自付：已退款/)
    await h.shot(page, 'pay-03-refunded')
    assert.deepEqual(b.errors, [])
  } finally {
    await b.close()
  }
})
