// The whole story in headless Chromium against the REAL service (demo data, fake WeChat, a fresh
// SQLite database): an elder finds a meal point, books tomorrow's lunch, sees 补贴 / 自付 and the
// pickup code; a family member books for an elder; the next day the operator verifies that code;
// the operator delivers the family's order; the elder rates the meal, complains, and reads the
// operator's reply.
//
// The service runs twice on the same database: first with its clock at 08:00 on D (demo menus are
// published from D; D+1 lunch is open for booking), then restarted with its clock at 10:30 on
// D+1, when pickups for D+1 lunch may be verified (from an hour before 11:00). Each run's clock
// goes on at the real pace (ZHUCAN_CLOCK_START, a demo-only setting production refuses).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'

const D = h.testMonday()
const TOMORROW = h.addDays(D, 1)
let bin, dbDir, svc
const found = {}

before(() => {
  bin = h.zhucanBinary()
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-e2e-'))
})
after(async () => {
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
})

async function dearest(page) {
  const cards = page.locator('[data-testid^="pick-"]')
  let best = null
  let bestPrice = -1
  for (let i = 0; i < (await cards.count()); i++) {
    const price = Number(((await cards.nth(i).innerText()).match(/¥(\d+\.\d\d)/) || [])[1] || 0)
    if (price > bestPrice) { best = cards.nth(i); bestPrice = price }
  }
  return best
}

async function signInWeChat(page, base, openid) {
  await page.goto(`${base}/h5/#/pages/login/login`)
  await page.getByTestId(`demo-${openid}`).click()
  await page.getByTestId('near-title').or(page.getByTestId('pick-place')).first().waitFor({ timeout: 20000 })
}

test('run 1 (day D, 08:00): the elder finds a meal point, books tomorrow\'s lunch and sees the split and the code', async () => {
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '08:00'), bin })
  const op = await h.api(svc.base, 'POST', '/auth/login', { username: 'operator-demo', password: 'zhucan-demo' })
  const mine = await h.api(svc.base, 'GET', '/me/meal-points', null, op.token)
  const mp = mine.items.find((p) => p.service_modes.some((m) => m.code === 'pickup'))
  found.mp = mp

  // The elder stands 100 m from the operator's meal point and lets the page know where.
  const b = await h.browser({ geolocation: { latitude: mp.lat + 0.0009, longitude: mp.lng } })
  try {
    const { page } = b
    await page.goto(`${svc.base}/h5/`)
    await page.getByTestId(`point-${mp.id}`).waitFor({ timeout: 20000 })
    await signInWeChat(page, svc.base, 'demo-elder-2')
    await page.getByTestId(`point-${mp.id}`).waitFor()
    assert.match(await page.getByTestId('acting-for').innerText(), /吴国平/)
    // Nearest first, with today's status.
    const first = page.locator('[data-testid^="point-"]').first()
    assert.match(await first.innerText(), new RegExp(mp.name))
    assert.match(await first.innerText(), /今天供餐/)
    await h.shot(page, '01-home')

    await page.getByTestId(`point-${mp.id}`).click()
    await page.getByTestId('point-name').waitFor()
    assert.equal(await page.getByTestId('point-name').innerText(), mp.name)
    await page.getByTestId(`day-${TOMORROW}`).click()
    await page.getByTestId('slot-lunch').click()
    await h.shot(page, '02-meal-point')
    await page.getByTestId('book').click()

    await page.getByTestId('booking').waitFor()
    await page.getByTestId(`bday-${TOMORROW}`).click()
    await page.getByTestId('bslot-lunch').click()
    await page.getByTestId('mode-pickup').click()
    // The dearest dish: cheap ones fall under the policy's minimum meal price and get no subsidy.
    const dish = await dearest(page)
    await dish.click()
    await page.getByTestId('quote').waitFor()
    const subsidy = await page.getByTestId('q-subsidy').innerText()
    const share = await page.getByTestId('q-share').innerText()
    assert.match(subsidy, /^¥\d+\.\d\d$/)
    assert.notEqual(subsidy, '¥0.00', '吴国平 (73, 低保) gets a subsidy on a full meal')
    assert.match(share, /^¥\d+\.\d\d$/)
    assert.match(await page.getByTestId('confirm').innerText(), new RegExp(`自付 ${share.replace('¥', '¥')}`))
    await h.shot(page, '03-booking')
    await page.getByTestId('confirm').click()

    await page.getByTestId('pickup-code').waitFor({ timeout: 20000 })
    const code = (await page.getByTestId('pickup-code').innerText()).replace(/\s/g, '')
    assert.match(code, /^\d{6}$/)
    assert.equal(await page.getByTestId('o-subsidy').innerText(), subsidy)
    assert.equal(await page.getByTestId('o-share').innerText(), share)
    assert.ok(await page.getByTestId('qr').isVisible())
    found.code = code
    found.orderUrl = page.url()
    await h.shot(page, '04-pickup-code')

    // My orders lists it with its state and code.
    await page.goto(`${svc.base}/h5/#/pages/orders/orders`)
    await page.locator('[data-testid^="order-"]').first().waitFor()
    const listed = await page.locator('[data-testid^="order-"]').first().innerText()
    assert.match(listed, /已预订|待取餐|预订/)
    assert.match(listed.replace(/\s/g, ''), new RegExp(code))
    assert.deepEqual(b.errors, [])
  } finally {
    await b.close()
  }
})

test('run 1: a family member switches to one of their elders and books for them', async () => {
  const mp = found.mp
  const b = await h.browser() // location refused: picks the district and street instead
  try {
    const { page } = b
    await signInWeChat(page, svc.base, 'demo-family-1')
    await page.getByTestId('to-elders').click()
    const elders = page.locator('[data-testid^="elder-"]')
    await elders.first().waitFor()
    assert.ok((await elders.count()) >= 2, 'demo-family-1 is linked to two elders')
    const second = elders.nth(1)
    const name = (await second.locator('.name').innerText()).replace('✓ ', '').trim()
    await second.click()
    await page.getByTestId('acting-for').waitFor()
    assert.match(await page.getByTestId('acting-for').innerText(), new RegExp(`为 ${name} 订餐`))

    // No location: choose 钟楼区 and the meal point's street.
    await page.getByTestId('pick-place').waitFor()
    await page.getByTestId(`district-${mp.district_code}`).click()
    await page.getByTestId(`street-${mp.street_id}`).click()
    await page.getByTestId(`point-${mp.id}`).click()
    await page.getByTestId('book').click()
    await page.getByTestId('booking').waitFor()
    assert.match(await page.getByTestId('book-for').innerText(), new RegExp(name))
    await page.getByTestId(`bday-${TOMORROW}`).click()
    await page.getByTestId('bslot-lunch').click()
    // 送餐 to the elder's address.
    await page.getByTestId('mode-delivery').click()
    await page.locator('[data-testid^="pick-"]').last().click()
    await page.getByTestId('quote').waitFor()
    await page.getByTestId('confirm').click()
    await page.getByTestId('pickup-code').waitFor({ timeout: 20000 })
    assert.match((await page.getByTestId('pickup-code').innerText()).replace(/\s/g, ''), /^\d{6}$/)
    await h.shot(page, '05-family-booked')
    assert.deepEqual(b.errors, [])
  } finally {
    await b.close()
  }
})

test('run 2 (day D+1, 10:30): the operator delivers the family\'s order and verifies the elder\'s pickup code', async () => {
  await svc.stop()
  svc = await h.startService({ dbDir, clockStart: h.shanghai(TOMORROW, '10:30'), bin })
  const b = await h.browser()
  try {
    const { page } = b
    await page.goto(`${svc.base}/h5/#/pages/staff-login/staff-login`)
    await page.getByTestId('username').locator('input').fill('operator-demo')
    await page.getByTestId('password').locator('input').fill('zhucan-demo')
    await page.getByTestId('staff-login').click()
    await page.getByTestId(`op-point-${found.mp.id}`).or(page.getByTestId('op-point-name')).first().waitFor({ timeout: 20000 })
    if (await page.getByTestId(`op-point-${found.mp.id}`).isVisible()) await page.getByTestId(`op-point-${found.mp.id}`).click()
    await page.getByTestId('op-slot-lunch').waitFor()
    assert.match(await page.getByTestId('op-point-name').innerText(), new RegExp(`${found.mp.name}.*${TOMORROW}`))
    const lunch = await page.getByTestId('op-slot-lunch').innerText()
    assert.match(lunch, /已订 2/)
    assert.match(lunch, /做 \d+ 份/)
    await h.shot(page, '06-operator-day')

    // The family member's delivery: out for delivery, then delivered and signed for.
    await page.getByTestId('to-deliveries').click()
    const delivery = page.locator('[data-testid^="delivery-"]').first()
    await delivery.waitFor({ timeout: 20000 })
    const orderId = (await delivery.getAttribute('data-testid')).replace('delivery-', '')
    await page.getByTestId(`go-${orderId}`).click()
    await page.getByTestId(`signer-${orderId}`).locator('input').fill('李建国')
    await h.shot(page, '07-deliveries')
    await page.getByTestId(`done-${orderId}`).click()
    await page.getByTestId(`delivery-${orderId}`).getByText('已用餐').waitFor()
    await page.getByTestId('back').click()

    await page.getByTestId('to-verify').click()
    await page.getByTestId('code').locator('input').fill(found.code)
    await page.getByTestId('verify').click()
    await page.getByTestId('verified').waitFor()
    assert.match(await page.getByTestId('verified').innerText(), /核销成功/)
    await h.shot(page, '08-verified')

    // The same code again is refused with the API's Chinese message, not a status.
    await page.getByTestId('code').locator('input').fill(found.code)
    await page.getByTestId('verify').click()
    await page.getByTestId('error').waitFor()
    const message = await page.getByTestId('error').innerText()
    assert.match(message, /[\u4e00-\u9fa5]/)
    assert.doesNotMatch(message, /\b(409|404|400)\b/)
    assert.deepEqual(b.errors, [])
  } finally {
    await b.close()
  }
})

async function ratingsLanded(base) {
  const spec = await (await fetch(`${base}/api/openapi.json`)).json()
  return Boolean(spec.paths['/orders/{id}/rating'])
}

test('run 2: the elder sees the meal served and rates it', async (t) => {
  const b = await h.browser()
  try {
    const { page } = b
    await signInWeChat(page, svc.base, 'demo-elder-2')
    await page.goto(found.orderUrl.replace(/^http:\/\/127\.0\.0\.1:\d+/, svc.base))
    await page.getByTestId('state').waitFor()
    assert.match(await page.getByTestId('state').innerText(), /已用餐/)
    if (!(await ratingsLanded(svc.base))) {
      t.skip('the ratings API (branch feedback) is not merged yet')
      return
    }
    await page.getByTestId('to-rate').click()
    for (const key of ['overall', 'taste', 'portion', 'hygiene', 'service']) {
      await page.getByTestId(`score-${key}-5`).click()
    }
    await page.getByTestId('comment').locator('textarea').fill('饭菜软烂，很合口味')
    await h.shot(page, '09-rate')
    await page.getByTestId('submit-rating').click()
    await page.getByTestId('rated').waitFor()

    // The order now shows the rating; the elder also complains about the same meal.
    await page.goto(found.orderUrl.replace(/^http:\/\/127\.0\.0\.1:\d+/, svc.base))
    await page.getByTestId('my-rating').waitFor()
    assert.match(await page.getByTestId('my-rating').innerText(), /5 分，饭菜软烂/)
    await page.getByTestId('to-complain').click()
    await page.getByTestId('cat-service_attitude').click()
    await page.getByTestId('complaint-text').locator('textarea').fill('窗口排队太久')
    await page.getByTestId('submit-complaint').click()
    await page.getByTestId('complained').waitFor()
    assert.match(await page.getByTestId('complained').innerText(), /已收到/)
    found.rated = true
    assert.deepEqual(b.errors, [])
  } finally {
    await b.close()
  }
})

test('run 2: the operator replies to the rating and the elder reads the reply', async (t) => {
  if (!found.rated) {
    t.skip('no rating to reply to (the ratings API is not merged yet)')
    return
  }
  const op = await h.browser()
  try {
    const { page } = op
    await page.goto(`${svc.base}/h5/#/pages/staff-login/staff-login`)
    await page.getByTestId('username').locator('input').fill('operator-demo')
    await page.getByTestId('password').locator('input').fill('zhucan-demo')
    await page.getByTestId('staff-login').click()
    await page.getByTestId('to-replies').waitFor({ timeout: 20000 })
    if (await page.getByTestId(`op-point-${found.mp.id}`).isVisible()) {
      await page.getByTestId(`op-point-${found.mp.id}`).click()
      await page.getByTestId('to-replies').waitFor()
    }
    await page.getByTestId('to-replies').click()
    const card = page.locator('[data-testid^="rating-"]', { hasText: '饭菜软烂' })
    await card.waitFor({ timeout: 20000 })
    const ratingId = (await card.getAttribute('data-testid')).replace('rating-', '')
    await page.getByTestId(`reply-text-${ratingId}`).locator('textarea').fill('谢谢您的鼓励，我们会继续做好')
    await page.getByTestId(`reply-${ratingId}`).click()
    await page.getByTestId(`replied-${ratingId}`).waitFor()
    await h.shot(page, '10-replied')
    assert.deepEqual(op.errors, [])
  } finally {
    await op.close()
  }
  const b = await h.browser()
  try {
    const { page } = b
    await signInWeChat(page, svc.base, 'demo-elder-2')
    await page.goto(found.orderUrl.replace(/^http:\/\/127\.0\.0\.1:\d+/, svc.base))
    await page.getByTestId('my-rating').waitFor()
    assert.match(await page.getByTestId('my-rating').innerText(), /助餐点回复：谢谢您的鼓励/)
  } finally {
    await b.close()
  }
})
