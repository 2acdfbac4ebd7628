// The city's story in headless Chromium against the real service (demo data): the dashboard
// draws every chart with non-empty series from the demo data; the city uploads a policy file with
// a mistake and sees it on its line, fixes it, tries a what-if meal and publishes; imports plan
// targets from CSV with a bad line and sees it; invites an inspector, who finds the meal points
// to visit, records a visit and sees it in their own visits. Every screen of the city, a district
// clerk and the inspector is checked with axe-core.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'

const D = '2026-11-23'
let svc, dbDir, b, work
const violations = {}

async function checkAxe(name) {
  violations[name] = await h.axe(b.page)
}

before(async () => {
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-console-e2e-'))
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-console-files-'))
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '10:00') })
  b = await h.browser()
})

after(async () => {
  await b?.close()
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
  fs.rmSync(work, { recursive: true, force: true })
})

const CHARTS = ['chart-plan-districts', 'chart-plan-years', 'chart-meals', 'chart-subsidy-levels', 'chart-subsidy-districts', 'chart-cross', 'chart-feedback']

test('the dashboard draws every chart with non-empty series from the demo data', async () => {
  await b.page.goto(`${svc.base}/console/login`)
  await b.page.getByTestId('sign-in').waitFor()
  await checkAxe('sign-in')
  await h.signIn(b.page, svc.base, 'admin')
  await b.page.getByTestId('kpi-plan').waitFor()
  for (const id of CHARTS) {
    const chart = b.page.getByTestId(id)
    await chart.waitFor()
    const series = Number(await chart.getAttribute('data-series'))
    const points = Number(await chart.getAttribute('data-points'))
    assert.ok(series > 0 && points > 0, `${id}: ${series} series, ${points} points`)
    const canvas = chart.locator('canvas').first()
    await canvas.waitFor()
    const box = await canvas.boundingBox()
    assert.ok(box.width > 200 && box.height > 200, `${id} is drawn (${box.width}×${box.height})`)
  }
  // The headline figures are the API's.
  const admin = await h.token(svc.base, 'admin')
  const plan = await h.api(svc.base, 'GET', '/dashboard/plan-progress', null, admin)
  const districtRows = plan.targets.filter((t) => t.scope !== 'city')
  assert.equal(districtRows.reduce((n, t) => n + t.target, 0), 165, 'the plan\'s 165 meal points')
  assert.equal(await b.page.getByTestId('kpi-plan').innerText(), `${districtRows.reduce((n, t) => n + t.built, 0)} / 165`)
  const monthly = await h.api(svc.base, 'GET', '/dashboard/subsidy-per-month', null, admin)
  assert.equal(await b.page.getByTestId('kpi-subsidy').innerText(), `¥${monthly.sum.total.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`)
  await h.shot(b.page, 'city-dashboard')
  await checkAxe('dashboard (city)')
})

const POLICY_WITH_A_MISTAKE = `city = "常州市"
version = "2027-01"
effective_from = "2027-01-01"
cross_district_standard = "hukou"
min_meal_price = "5.00"
max_subsidised_per_slot = 1

[[rule]]
name = "普惠·区级"
level = "district"
age_min = 60
amount = "2.00"

[[rule]]
name = "高龄·街道"
level = "street"
age_min = 80
amount = 2.50
`

test('the city uploads a policy with a mistake and sees it on its line; fixed, a what-if, published', async () => {
  await b.page.goto(`${svc.base}/console/policies`)
  await b.page.getByTestId('policy-versions').waitFor()
  const file = path.join(work, 'policy-2027.toml')
  fs.writeFileSync(file, POLICY_WITH_A_MISTAKE)
  await b.page.locator('#policy-file').setInputFiles(file)
  await b.page.getByTestId('publish-policy').click()
  // Line 18: `amount = 2.50`, a bare number where money must be a string.
  const problem = b.page.getByTestId('line-problem-18')
  await problem.waitFor()
  assert.match(await problem.innerText(), /第 18 行：.*amount/)
  assert.equal(await b.page.locator('[data-testid^="line-problem-"]').count(), 1, 'one mistake, on its line')
  const admin = await h.token(svc.base, 'admin')
  const versions = await h.api(svc.base, 'GET', '/subsidy-policies', null, admin)
  assert.ok(!versions.items.some((v) => v.version === '2027-01'), 'nothing was published')
  await h.shot(b.page, 'city-policy-problem')
  await checkAxe('policies with a problem')

  await h.fill(b.page, 'policy-source', POLICY_WITH_A_MISTAKE.replace('amount = 2.50', 'amount = "2.50"'))
  // An 81-year-old of 天宁 eating in 天宁: 2.00 + 2.50 under the draft.
  await b.page.getByTestId('what-if').click()
  await b.page.getByTestId('policy-ok').waitFor()
  assert.equal(await b.page.getByTestId('quote-subsidy').innerText(), '¥4.50')
  await b.page.getByTestId('publish-policy').click()
  await b.page.getByText('2027-01').first().waitFor()
  const after = await h.api(svc.base, 'GET', '/subsidy-policies', null, admin)
  const published = after.items.find((v) => v.version === '2027-01')
  assert.equal(published?.status, 'scheduled')
})

test('plan targets: a CSV with a bad line is refused on that line; the shipped figures stay', async () => {
  await b.page.goto(`${svc.base}/console/targets`)
  await b.page.getByTestId('targets').waitFor()
  await checkAxe('plan targets')
  await h.fill(b.page, 'targets-csv', 'scope,name,from_year,to_year,target\n320402,天宁区,2024,2026,15\n320499,不存在,2024,2026,3\n')
  await b.page.getByTestId('import-targets').click()
  const problems = b.page.getByTestId('problems')
  await problems.waitFor()
  assert.match(await problems.innerText(), /第 3 行：.*320499/)
  const admin = await h.token(svc.base, 'admin')
  assert.equal((await h.api(svc.base, 'GET', '/plan-targets', null, admin)).length, 10)
})

test('the city\'s other screens open', async () => {
  for (const [p, ready, name] of [
    ['/meal-points', 'meal-points', 'meal points'],
    ['/accounts', 'staff', 'accounts'],
    ['/settlement', 'runs', 'settlement runs (city)'],
    ['/elders', 'elders', 'elders (city)'],
    ['/reviews', 'registrations', 'reviews (city)'],
    ['/complaints', 'complaints', 'complaints (city)'],
    ['/supervision', 'scores', 'supervision (city)'],
  ]) {
    await b.page.goto(`${svc.base}/console${p}`)
    await b.page.getByTestId(ready).waitFor()
    await checkAxe(name)
  }
  await h.shot(b.page, 'city-supervision')
})

test('the city invites an inspector, who records a visit to a meal point never visited', async () => {
  await b.page.goto(`${svc.base}/console/accounts`)
  await b.page.getByRole('tab', { name: '督查员' }).click()
  await b.page.getByTestId('new-inspector').click()
  await b.page.locator('#acc-username').fill('inspector-xh')
  await b.page.locator('#acc-name').fill('顾敏')
  await b.page.locator('#acc-password').fill(h.PASSWORD)
  await b.page.locator('#acc-org').fill('常州市餐饮行业协会')
  await b.page.getByRole('button', { name: '创建' }).click()
  await b.page.getByTestId('inspectors').getByText('inspector-xh').waitFor()
  await h.signOut(b.page)

  await h.signIn(b.page, svc.base, 'inspector-xh')
  const due = b.page.getByTestId('visits-due')
  await due.waitFor()
  await due.getByText('从未走访').first().waitFor()
  await checkAxe('visits due')
  const first = due.locator('a[data-testid^="visit-"]').first()
  const mealPoint = Number((await first.getAttribute('data-testid')).replace('visit-', ''))
  await first.click()
  await b.page.getByTestId('save-visit').waitFor()
  await checkAxe('visit form')
  // Submitting without scores names the first one missing.
  await b.page.getByTestId('save-visit').click()
  await b.page.getByText('请为“食品安全”打分').waitFor()
  for (const label of ['食品安全', '环境卫生', '服务']) {
    await b.page.getByRole('slider', { name: label }).locator('.el-rate__item').nth(3).click()
  }
  await h.fill(b.page, 'visit-notes', '后厨整洁，留样柜温度正常，48 小时留样齐全。')
  await b.page.getByTestId('save-visit').click()
  await b.page.getByTestId('my-visits').getByText('后厨整洁').waitFor()
  await checkAxe('my visits')
  const inspector = await h.token(svc.base, 'inspector-xh')
  const mine = await h.api(svc.base, 'GET', '/me/inspections', null, inspector)
  assert.equal(mine.total, 1)
  assert.equal(mine.items[0].meal_point_id, mealPoint)
  assert.deepEqual([mine.items[0].scores.food_safety, mine.items[0].scores.hygiene, mine.items[0].scores.service], [4, 4, 4])
  assert.equal(mine.items[0].sample_retained, true)
  const next = await h.api(svc.base, 'GET', '/inspections/due?page_size=1', null, inspector)
  assert.notEqual(next.items[0].meal_point_id, mealPoint, 'the visited meal point leaves the head of the round')
  await h.signOut(b.page)
})

test('a district clerk\'s screens open, scoped to the district', async () => {
  await h.signIn(b.page, svc.base, 'clerk-wujin')
  for (const [p, ready, name] of [
    ['/settlement', 'runs', 'settlement runs (clerk)'],
    ['/elders', 'elders', 'elders (clerk)'],
    ['/reviews', 'links', 'reviews (clerk)'],
    ['/complaints', 'complaints', 'complaints (clerk)'],
    ['/supervision', 'scores', 'supervision (clerk)'],
  ]) {
    await b.page.goto(`${svc.base}/console${p}`)
    await b.page.getByTestId(ready).waitFor()
    await checkAxe(name)
  }
  await b.page.goto(`${svc.base}/console/elders`)
  await b.page.getByTestId('elders').locator('.el-table__body tr').first().click()
  await b.page.getByTestId('edit-elder').waitFor()
  await checkAxe('elder detail')

  await b.page.goto(`${svc.base}/console/dashboard`)
  const meals = b.page.getByTestId('chart-meals')
  await meals.waitFor()
  assert.equal(Number(await meals.getAttribute('data-series')), 1, 'one district: the clerk\'s own')
  assert.equal(await b.page.getByTestId('chart-plan-years').count(), 0, 'no city-wide plan for a clerk')
  await checkAxe('dashboard (clerk)')
  await h.signOut(b.page)
})

test('no serious or critical accessibility violations, and no script errors', () => {
  for (const [screen, found] of Object.entries(violations)) assert.deepEqual(found, [], screen)
  assert.deepEqual(b.errors, [])
})
