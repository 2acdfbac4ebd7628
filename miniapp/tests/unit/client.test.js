import { describe, it, expect } from 'vitest'
import { answer } from './setup.js'
import { apiBase, buildUrl, request, toApiError, setToken, net, ApiError } from '../../src/api/client.ts'

describe('API client', () => {
  it('takes the base URL from build-time configuration, same origin for H5', () => {
    expect(apiBase({}, 'h5')).toBe('/api/v1')
    expect(apiBase({ VITE_API_BASE: 'https://zhucan.example.cn/api/v1/' }, 'mp-weixin')).toBe('https://zhucan.example.cn/api/v1')
    expect(apiBase({}, 'mp-weixin')).toMatch(/^http:\/\/127\.0\.0\.1:8080\/api\/v1$/)
  })

  it('builds query strings and leaves out empty values', () => {
    expect(buildUrl('/meal-points/near', { lat: 31.7, lng: 119.9, radius_m: 2000, kind: '', x: null })).toBe('/api/v1/meal-points/near?lat=31.7&lng=119.9&radius_m=2000')
  })

  it('sends the bearer token and resolves with the body', async () => {
    setToken('tok-1')
    answer({ 'GET /me': { id: 1, role: 'elder', display_name: '吴国平' } })
    const me = await request('GET', '/me')
    expect(me.display_name).toBe('吴国平')
    expect(uni.request.mock.calls[0][0].header.Authorization).toBe('Bearer tok-1')
    setToken('')
  })

  it('shows the API\'s Chinese message, never a status', async () => {
    answer({ 'POST /orders': { __status: 409, body: { code: 'ORDER_CUTOFF_PASSED', message: '已过预订截止时间' } } })
    const err = await request('POST', '/orders', { body: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('ORDER_CUTOFF_PASSED')
    expect(err.message).toBe('已过预订截止时间')
    expect(err.offline).toBe(false)
  })

  it('gives a Chinese message for a bare status and marks offline for a retry', async () => {
    expect(toApiError({ statusCode: 502, data: '<html>bad gateway</html>' }).message).toBe('服务暂时不可用，请稍后再试')
    expect(toApiError({ statusCode: 404, data: '' }).message).not.toMatch(/404/)
    answer({ 'GET /meal-points/1': 'offline' })
    const err = await request('GET', '/meal-points/1').catch((e) => e)
    expect(err.offline).toBe(true)
    expect(err.message).toMatch(/网络/)
  })

  it('reports a slow call while it lasts', async () => {
    uni.request.mockImplementation((o) => setTimeout(() => { o.success({ statusCode: 200, data: {} }); o.complete() }, 600))
    const p = request('GET', '/slow')
    expect(net.pending).toBe(1)
    await new Promise((r) => setTimeout(r, 450))
    expect(net.slow).toBe(true)
    await p
    expect(net.slow).toBe(false)
    expect(net.pending).toBe(0)
  })
})
