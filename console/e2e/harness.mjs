// Starts the REAL zhucan service (demo data, a fresh SQLite database, its clock where the test
// puts it) serving the built console, and a headless Debian Chromium for the browser tests.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const CONSOLE = path.resolve(here, '..')
export const REPO = path.resolve(CONSOLE, '..')
export const DIST = path.join(CONSOLE, 'dist')
export const SHOTS = path.join(here, 'screenshots')
export const PASSWORD = 'zhucan-demo'

/** The zhucan binary: ZHUCAN_BIN, or what `cargo build --bin zhucan` makes (built if needed). */
export function zhucanBinary() {
  if (process.env.ZHUCAN_BIN) return process.env.ZHUCAN_BIN
  const out = execFileSync('cargo', ['build', '--bin', 'zhucan', '--message-format=json'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  })
  for (const line of out.split('\n').reverse()) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line)
    if (msg.reason === 'compiler-artifact' && msg.target?.name === 'zhucan' && msg.executable) return msg.executable
  }
  throw new Error('cargo did not report the zhucan binary')
}

export function requireBuiltConsole() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error('console/dist is not built: run `npm run build` in console/ first')
  }
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/** Shanghai wall-clock `date` (YYYY-MM-DD) at `hhmm` as an RFC 3339 instant. */
export const shanghai = (date, hhmm) => `${date}T${hhmm}:00+08:00`

export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** One run of the service on a fresh SQLite database in `dbDir`, its clock at `clockStart`. */
export async function startService({ dbDir, clockStart, bin = zhucanBinary() }) {
  requireBuiltConsole()
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawn(bin, [], {
    cwd: REPO,
    env: {
      ...process.env,
      ZHUCAN_MODE: 'demo',
      ZHUCAN_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dbDir}/z.db?mode=rwc`,
      ZHUCAN_CONSOLE_DIR: DIST,
      ZHUCAN_CLOCK_START: clockStart,
      ZHUCAN_DOCS: 'false',
      REDIS_URL: '',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (d) => (log += d))
  child.stderr.on('data', (d) => (log += d))
  const deadline = Date.now() + 90000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`zhucan exited: ${log}`)
    try {
      const res = await fetch(`${base}/readyz`)
      if (res.ok) break
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill()
      throw new Error(`zhucan did not get ready: ${log}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    base,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return
      const done = new Promise((r) => child.once('exit', r))
      child.kill('SIGINT')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000)
      await done
      clearTimeout(timer)
    },
  }
}

/** The API directly, for what a test checks against (never to do a story's steps). */
export async function api(base, method, p, body, token) {
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const data = await res.json().catch(() => null)
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(data)}`)
  return data
}

export async function token(base, username) {
  return (await api(base, 'POST', '/auth/login', { username, password: PASSWORD })).token
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

/** A fresh browser profile at a desktop size, Chinese, Shanghai time, downloads allowed. */
export async function browser({ width = 1366, height = 900 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-console-pw-'))
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width, height },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    // The theme drops its fades for people who ask for less motion; axe then measures settled colours
    // rather than a tag halfway through fading in.
    reducedMotion: 'reduce',
  })
  const page = ctx.pages()[0] || (await ctx.newPage())
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  return {
    ctx,
    page,
    errors,
    async close() {
      await ctx.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Signs in through the login screen and waits for the role's first screen. */
export async function signIn(page, base, username) {
  await page.goto(`${base}/console/login`)
  await fill(page, 'username', username)
  await fill(page, 'password', PASSWORD)
  await page.getByTestId('sign-in').click()
  await page.getByTestId('who').waitFor()
}

/** The input of a test id (Element Plus puts attributes on the input, or on its wrapper). */
export function input(page, testid) {
  return page.locator(`input[data-testid="${testid}"], textarea[data-testid="${testid}"], [data-testid="${testid}"] input, [data-testid="${testid}"] textarea`).first()
}

export async function fill(page, testid, value) {
  await input(page, testid).fill(value)
}

export async function signOut(page) {
  await page.getByTestId('sign-out').click()
  await page.getByTestId('sign-in').waitFor()
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true })
  const file = path.join(SHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

const require = createRequire(import.meta.url)
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/**
 * axe-core on the page as drawn (WCAG 2.0/2.1 A and AA rules and best practices): the serious and
 * critical violations, each with where it is. Loading spinners are waited out first.
 */
export async function axe(page) {
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: 15000 }).catch(() => {})
  // A toast fades in and out over the page: check the page once it has gone (it is checked
  // itself where it stays, in an error's alert).
  await page.waitForFunction(() => !document.querySelector('.el-message'), null, { timeout: 8000 }).catch(() => {})
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: AXE })
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`))
  })
}
