// The settlement story in headless Chromium against the real service (demo data: last month's
// lunches across all seven districts): the city creates and submits October's run; the 天宁
// clerk opens it, reads the matrix (heat map and table) and disputes it with a comment; the city
// sends it back to draft and submits it again; the clerk confirms (the other districts' clerks
// confirm through the API, they are not this story); the city approves and the run is locked;
// the clerk downloads the XLSX statement, and the test opens the file and checks its totals row
// equals the API's totals.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as h from './harness.mjs'
import { readXlsx } from './xlsx.mjs'

const D = '2026-11-23'
const TIANNING = '320402'
let svc, dbDir, b, runId
const violations = {}

async function checkAxe(name) {
  violations[name] = await h.axe(b.page)
}

before(async () => {
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-console-e2e-'))
  svc = await h.startService({ dbDir, clockStart: h.shanghai(D, '10:00') })
  b = await h.browser()
})

after(async () => {
  await b?.close()
  await svc?.stop()
  fs.rmSync(dbDir, { recursive: true, force: true })
})

const stateText = () => b.page.getByTestId('run-state').innerText()

test('the city creates October\'s run and submits it for review', async () => {
  await h.signIn(b.page, svc.base, 'admin')
  await b.page.goto(`${svc.base}/console/settlement`)
  await checkAxe('runs')
  await b.page.getByTestId('create-run').click()
  await b.page.waitForURL(/\/console\/settlement\/\d+$/)
  runId = Number(b.page.url().split('/').pop())
  await b.page.getByTestId('run-submit').waitFor()
  assert.match(await stateText(), /草稿/)
  const admin = await h.token(svc.base, 'admin')
  const run = await h.api(svc.base, 'GET', `/settlement-runs/${runId}`, null, admin)
  assert.equal(run.period_from, '2026-10-01')
  assert.equal(run.period_to, '2026-10-31')
  await b.page.getByTestId('run-submit').click()
  await b.page.getByTestId('run-approve').waitFor()
  assert.match(await stateText(), /待各区确认/)
  await h.shot(b.page, 'settlement-city-submitted')
  await h.signOut(b.page)
})

test('the 天宁 clerk opens the run, reads the matrix and disputes it with a comment', async () => {
  await h.signIn(b.page, svc.base, 'clerk-tianning')
  await b.page.getByTestId(`open-run-${runId}`).click()
  const heatmap = b.page.getByTestId('matrix-heatmap')
  await heatmap.waitFor()
  assert.ok(Number(await heatmap.getAttribute('data-points')) > 0, 'the heat map draws cells')
  assert.ok(await heatmap.locator('canvas').count(), 'the heat map is drawn on a canvas')

  // Every cell the API shows this clerk is a row of the table, with the API's amount.
  const clerk = await h.token(svc.base, 'clerk-tianning')
  const matrix = await h.api(svc.base, 'GET', `/settlement-runs/${runId}/matrix`, null, clerk)
  assert.ok(matrix.cells.length > 1)
  assert.ok(matrix.cells.every((c) => c.funding_district_code === TIANNING || c.service_district_code === TIANNING))
  const rows = b.page.getByTestId('matrix-cells').locator('.el-table__body tr')
  assert.equal(await rows.count(), matrix.cells.length)
  const first = matrix.cells[0]
  const firstRow = await rows.nth(0).innerText()
  assert.ok(firstRow.includes(first.funding_district_name) && firstRow.includes(first.service_district_name), firstRow)
  assert.ok(firstRow.includes(first.amount.replace(/\B(?=(\d{3})+(?!\d))/g, ',')), `${firstRow} shows ${first.amount}`)
  // The totals row is the API's.
  const footer = await b.page.getByTestId('matrix-cells').locator('.el-table__footer').innerText()
  assert.ok(footer.includes(String(matrix.total_meals)), footer)
  await h.shot(b.page, 'settlement-clerk-matrix')
  await checkAxe('run (clerk)')

  await b.page.getByTestId('run-dispute').click()
  await h.fill(b.page, 'run-comment', '天宁区10月有两笔送餐订单的签收人存疑，请核实后重算')
  await b.page.getByTestId('run-comment-ok').click()
  await b.page.getByTestId('reviews').getByText('请核实后重算').waitFor()
  const run = await h.api(svc.base, 'GET', `/settlement-runs/${runId}`, null, clerk)
  const review = run.reviews.find((r) => r.district_code === TIANNING)
  assert.equal(review.decision, 'disputed')
  assert.match(review.comment, /签收人存疑/)
  await h.signOut(b.page)
})

test('the city reopens the run and submits it again; the clerk confirms; the city approves and it is locked', async () => {
  await h.signIn(b.page, svc.base, 'admin')
  await b.page.goto(`${svc.base}/console/settlement/${runId}`)
  await b.page.getByTestId('run-reopen').click()
  await h.fill(b.page, 'run-comment', '已核实，退回重新提交')
  await b.page.getByTestId('run-comment-ok').click()
  await b.page.getByTestId('run-submit').waitFor()
  assert.match(await stateText(), /草稿/)
  await b.page.getByTestId('run-submit').click()
  await b.page.getByTestId('run-approve').waitFor()
  // Approval waits for every involved district.
  assert.equal(await b.page.getByTestId('run-approve').isDisabled(), true)
  await h.signOut(b.page)

  // The other involved districts' clerks confirm through the API (four districts have no demo
  // clerk: the city creates them).
  const admin = await h.token(svc.base, 'admin')
  const run = await h.api(svc.base, 'GET', `/settlement-runs/${runId}`, null, admin)
  const demoClerks = { '320404': 'clerk-zhonglou', '320412': 'clerk-wujin' }
  for (const { district_code: code } of run.reviews) {
    if (code === TIANNING) continue
    let username = demoClerks[code]
    if (!username) {
      username = `clerk-${code.toLowerCase()}`
      await h.api(svc.base, 'POST', '/staff-accounts', { username, password: h.PASSWORD, role: 'district_clerk', display_name: `${code}结算员`, district_code: code }, admin)
    }
    const t = await h.token(svc.base, username)
    await h.api(svc.base, 'POST', `/settlement-runs/${runId}/confirm`, {}, t)
  }

  await h.signIn(b.page, svc.base, 'clerk-tianning')
  await b.page.goto(`${svc.base}/console/settlement/${runId}`)
  await b.page.getByTestId('run-confirm').click()
  await b.page.getByTestId('run-confirm').waitFor({ state: 'visible' })
  await b.page.waitForFunction(() => document.querySelector('[data-testid=reviews]')?.innerText.includes('确认'))
  await h.signOut(b.page)

  await h.signIn(b.page, svc.base, 'admin')
  await b.page.goto(`${svc.base}/console/settlement/${runId}`)
  const approve = b.page.getByTestId('run-approve')
  await approve.waitFor()
  assert.equal(await approve.isDisabled(), false)
  await approve.click()
  await b.page.waitForFunction(() => document.querySelector('[data-testid=run-state]')?.innerText.includes('锁定'))
  assert.equal(await b.page.getByTestId('run-approve').count(), 0, 'a locked run offers no action')
  const locked = await h.api(svc.base, 'GET', `/settlement-runs/${runId}`, null, admin)
  assert.equal(locked.state, 'locked')
  await h.shot(b.page, 'settlement-city-locked')
  await checkAxe('run (city, locked)')
  await h.signOut(b.page)
})

test('the clerk downloads the XLSX statement: its totals row is the API\'s', async () => {
  await h.signIn(b.page, svc.base, 'clerk-tianning')
  await b.page.goto(`${svc.base}/console/settlement/${runId}`)
  await b.page.getByTestId('export-meal_points-xlsx').waitFor()
  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByTestId('export-meal_points-xlsx').click()])
  assert.match(download.suggestedFilename(), /^settlement-\d+-20261001-meal_points\.xlsx$/)
  const file = await download.path()
  const rows = readXlsx(fs.readFileSync(file))
  const header = rows[0]
  const totals = rows[rows.length - 1]
  assert.equal(totals[0], '合计')
  const clerk = await h.token(svc.base, 'clerk-tianning')
  const statement = await h.api(svc.base, 'GET', `/settlement-runs/${runId}/meal-points`, null, clerk)
  assert.equal(rows.length - 2, statement.lines.length, 'one row per line the clerk may see, then the totals')
  const at = (name) => header.indexOf(name)
  const t = statement.totals
  assert.equal(totals[at('餐数')], t.meals)
  for (const [column, amount] of [
    ['餐费合计（元）', t.gross],
    ['个人自付（元）', t.elder_paid],
    ['补贴合计（元）', t.subsidy],
    ['市级补贴（元）', t.subsidy_city],
    ['区级补贴（元）', t.subsidy_district],
    ['街道补贴（元）', t.subsidy_street],
  ]) {
    assert.ok(at(column) > 0, `the file has a ${column} column`)
    assert.equal(totals[at(column)].toFixed(2), amount, column)
  }
  await h.signOut(b.page)
})

test('no serious or critical accessibility violations, and no script errors', () => {
  for (const [screen, found] of Object.entries(violations)) assert.deepEqual(found, [], screen)
  assert.deepEqual(b.errors, [])
})
