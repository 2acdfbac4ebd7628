import { beforeEach, describe, expect, it, vi } from 'vitest'
import { call, client, download, filenameOf } from '../../src/api/client'
import { ApiError, NETWORK_ERROR_MESSAGE, messageOf, toApiError } from '../../src/api/errors'
import { onSessionExpired, session, signedIn, signedOut } from '../../src/api/session'

const account = { id: 1, role: 'district_clerk' as const, display_name: '天宁区结算员', district_code: '320402' }

function reply(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers },
  })
}

describe('the API client', () => {
  beforeEach(() => signedOut())

  it('sends the session token as the bearer token and returns the data', async () => {
    signedIn('tok-123', account, '2026-12-08T00:00:00Z')
    const fetch = vi.fn(async (_req: Request) => reply(200, { today: '2026-11-23', now: '2026-11-23T01:00:00Z' }))
    vi.stubGlobal('fetch', fetch)
    const clock = await call(client.GET('/clock'))
    expect(clock.today).toBe('2026-11-23')
    const request = fetch.mock.calls[0][0]
    expect(request.url).toMatch(/\/api\/v1\/clock$/)
    expect(request.headers.get('Authorization')).toBe('Bearer tok-123')
  })

  it('sends no token when signed out', async () => {
    const fetch = vi.fn(async (_req: Request) => reply(200, []))
    vi.stubGlobal('fetch', fetch)
    await call(client.GET('/places/districts'))
    expect(fetch.mock.calls[0][0].headers.get('Authorization')).toBeNull()
  })

  it('surfaces the API\'s code, Chinese message, field and problems', async () => {
    vi.stubGlobal('fetch', async () =>
      reply(400, {
        code: 'POLICY_INVALID',
        message: '补贴政策有 1 处问题，请逐条修改后重新上传',
        field: 'toml',
        problems: [{ location: 'rule[1]', field: 'amount', path: 'rule[1].amount', code: 'POLICY_MONEY_NOT_STRING', message: '金额必须写成字符串', line: 7 }],
      }),
    )
    const err = await call(client.POST('/subsidy-policies', { body: { toml: 'x' } })).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(400)
    expect(err.code).toBe('POLICY_INVALID')
    expect(err.message).toBe('补贴政策有 1 处问题，请逐条修改后重新上传')
    expect(err.field).toBe('toml')
    expect(err.problems[0].line).toBe(7)
    expect(messageOf(err)).toBe(err.message)
  })

  it('gives a Chinese message for a reply that is not the API\'s (a proxy\'s page)', async () => {
    vi.stubGlobal('fetch', async () => reply(502, '<html>Bad Gateway</html>'))
    const err = await call(client.GET('/clock')).catch((e) => e)
    expect(err.code).toBe('HTTP_502')
    expect(err.message).toBe('上游服务出错，请稍后再试')
    expect(toApiError(418, null).message).toBe('请求失败（418）')
  })

  it('gives a Chinese message when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const err = await call(client.GET('/clock')).catch((e) => e)
    expect(err.code).toBe('NETWORK')
    expect(err.message).toBe(NETWORK_ERROR_MESSAGE)
  })

  it('ends the session on a 401 and tells the app, but not for a failed sign-in', async () => {
    signedIn('tok-old', account, '2026-12-08T00:00:00Z')
    const expired = vi.fn()
    onSessionExpired(expired)
    vi.stubGlobal('fetch', async (req: Request) =>
      Object.defineProperty(reply(401, { code: 'UNAUTHENTICATED', message: '请先登录' }), 'url', { value: req.url }),
    )
    await call(client.GET('/me')).catch(() => undefined)
    expect(session.token).toBeNull()
    expect(localStorage.getItem('zhucan.console.session')).toBeNull()
    expect(expired).toHaveBeenCalledTimes(1)

    signedIn('tok-new', account, '2026-12-08T00:00:00Z')
    vi.stubGlobal('fetch', async (req: Request) =>
      Object.defineProperty(reply(401, { code: 'LOGIN_FAILED', message: '用户名或密码不正确' }), 'url', { value: req.url }),
    )
    const err = await call(client.POST('/auth/login', { body: { username: 'a', password: 'b' } })).catch((e) => e)
    expect(err.message).toBe('用户名或密码不正确')
    expect(session.token).toBe('tok-new')
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('keeps the session across a reload (localStorage)', () => {
    signedIn('tok-keep', account, '2026-12-08T00:00:00Z')
    const stored = JSON.parse(localStorage.getItem('zhucan.console.session') ?? '{}')
    expect(stored.token).toBe('tok-keep')
    expect(stored.account.district_code).toBe('320402')
  })

  it('downloads a file with the token and the server\'s file name', async () => {
    signedIn('tok-dl', account, '2026-12-08T00:00:00Z')
    const fetch = vi.fn(async () => reply(200, 'PK…', { 'Content-Disposition': 'attachment; filename="settlement-3-20261001-matrix.xlsx"' }))
    vi.stubGlobal('fetch', fetch)
    URL.createObjectURL = vi.fn(() => 'blob:x')
    URL.revokeObjectURL = vi.fn()
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const name = await download('/settlement-runs/3/export?statement=matrix&format=xlsx', 'fallback.xlsx')
    expect(name).toBe('settlement-3-20261001-matrix.xlsx')
    expect(fetch).toHaveBeenCalledWith('/api/v1/settlement-runs/3/export?statement=matrix&format=xlsx', { headers: { Authorization: 'Bearer tok-dl' } })
    expect(click).toHaveBeenCalled()
  })

  it('turns a failed download into the API\'s error', async () => {
    vi.stubGlobal('fetch', async () => reply(403, { code: 'ROLE_FORBIDDEN', message: '助餐点运营方账号无权进行此操作' }))
    const err = await download('/settlement-runs/3/export?statement=matrix&format=xlsx', 'x.xlsx').catch((e) => e)
    expect(err.code).toBe('ROLE_FORBIDDEN')
  })

  it('reads the file name of a Content-Disposition', () => {
    expect(filenameOf('attachment; filename="a b.csv"')).toBe('a b.csv')
    expect(filenameOf('attachment; filename=x.xlsx')).toBe('x.xlsx')
    expect(filenameOf(null)).toBeNull()
  })
})
