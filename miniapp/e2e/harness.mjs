// Starts the REAL zhucan service (demo data, bundled fake WeChat, a fresh SQLite database) and a
// headless Chromium for the browser tests.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const MINIAPP = path.resolve(here, '..')
export const REPO = path.resolve(MINIAPP, '..')
export const H5_DIR = path.join(MINIAPP, 'dist/build/h5')
export const SHOTS = path.join(here, 'screenshots')

/** The zhucan binary: ZHUCAN_BIN, or what `cargo build --bin zhucan` makes (built if needed). */
export function zhucanBinary() {
  if (process.env.ZHUCAN_BIN) return process.env.ZHUCAN_BIN
  const out = execFileSync('cargo', ['build', '--bin', 'zhucan', '--message-format=json'], {
    cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
  })
  for (const line of out.split('\n').reverse()) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line)
    if (msg.reason === 'compiler-artifact' && msg.target?.name === 'zhucan' && msg.executable) return msg.executable
  }
  throw new Error('cargo did not report the zhucan binary')
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)) })
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

/**
 * The day the browser tests run the service on: the Monday on or after today in Shanghai (or on
 * or after E2E_START, YYYY-MM-DD), so no test depends on the date it runs and the demo menus
 * (published Monday to Friday) are always there.
 */
export function testMonday(from = process.env.E2E_START) {
  const start = from || new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
  const weekday = new Date(`${start}T00:00:00Z`).getUTCDay() // 0 = Sunday
  return addDays(start, (8 - weekday) % 7)
}

/** One run of the service; `clockStart` moves its clock (demo mode's ZHUCAN_CLOCK_START). */
export async function startService({ dbDir, clockStart, bin = zhucanBinary() }) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawn(bin, [], {
    cwd: REPO,
    env: {
      ...process.env,
      ZHUCAN_MODE: 'demo',
      ZHUCAN_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dbDir}/z.db?mode=rwc`,
      ZHUCAN_H5_DIR: H5_DIR,
      ZHUCAN_CLOCK_START: clockStart,
      ZHUCAN_DOCS: 'false',
      REDIS_URL: '',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (d) => { log += d })
  child.stderr.on('data', (d) => { log += d })
  const deadline = Date.now() + 60000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`zhucan exited: ${log}`)
    try {
      const res = await fetch(`${base}/readyz`)
      if (res.ok) break
    } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`zhucan did not get ready: ${log}`) }
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

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

/** A fresh browser profile: phone-sized (375 wide), Chinese, location as given (or refused). */
export async function browser({ geolocation } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zc-pw-'))
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    geolocation,
    permissions: geolocation ? ['geolocation'] : [],
  })
  const page = ctx.pages()[0] || (await ctx.newPage())
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  return {
    ctx, page, errors,
    async close() { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }) },
  }
}

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}
