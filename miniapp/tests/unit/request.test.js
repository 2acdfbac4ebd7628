import { describe, it, expect } from 'vitest'
import { answer } from './setup.js'
import { api, ApiError, net } from '../../src/api/client.ts'
import { useRequest, uniStep } from '../../src/api/useRequest.ts'

describe('typed calls', () => {
  it('fill the path from params, send the query, and resolve with the body', async () => {
    answer({ 'GET /orders/01J%2FX': (o) => ({ id: '01J/X', url: o.url }) })
    const order = await api.GET('/orders/{id}', { params: { path: { id: '01J/X' } } })
    expect(order.id).toBe('01J/X')
    answer({ 'GET /meal-points/near': (o) => ({ items: [], url: o.url }) })
    const page = await api.GET('/meal-points/near', { params: { query: { lat: 31.7, lng: 119.9, page_size: 30 } } })
    expect(page.url).toBe('/api/v1/meal-points/near?lat=31.7&lng=119.9&page_size=30')
  })

  it('send `{}` for a POST without a body, and the body when there is one', async () => {
    const sent = []
    answer({ 'POST /orders/A1/out-for-delivery': (o) => { sent.push(o.data); return {} }, 'POST /ratings/3/reply': (o) => { sent.push(o.data); return {} } })
    await api.POST('/orders/{id}/out-for-delivery', { params: { path: { id: 'A1' } } })
    await api.POST('/ratings/{id}/reply', { params: { path: { id: 3 } }, body: { text: '谢谢' } })
    expect(sent).toEqual([{}, { text: '谢谢' }])
    expect(uni.request.mock.calls.map((c) => c[0].method)).toEqual(['POST', 'POST'])
  })
})

describe('useRequest (every screen\'s busy state, message and retry)', () => {
  it('is busy while a step runs and resolves with its result', async () => {
    const req = useRequest()
    let release
    const running = req.run(() => new Promise((r) => { release = r }))
    expect(req.busy).toBe(true)
    release(42)
    expect(await running).toBe(42)
    expect(req.busy).toBe(false)
    expect(req.error).toBe(null)
  })

  it('shows the API\'s Chinese message for a refusal and offers no retry (it would be refused again)', async () => {
    answer({ 'POST /orders': { __status: 409, body: { code: 'SOLD_OUT', message: '清蒸鲈鱼已经订完了' } } })
    const req = useRequest()
    expect(await req.run(() => api.POST('/orders', { body: {} }))).toBe(undefined)
    expect(req.error.message).toBe('清蒸鲈鱼已经订完了')
    expect(req.canRetry).toBe(false)
    await req.retry()
    expect(uni.request).toHaveBeenCalledTimes(1)
  })

  it('offers 重试 after a lost connection or a server failure, and 重试 runs the same step again', async () => {
    let tries = 0
    answer({ 'GET /me/elders': () => { tries += 1; return tries === 1 ? { __status: 503, body: '' } : [] } })
    const req = useRequest()
    await req.run(() => api.GET('/me/elders'))
    expect(req.error.message).toBe('服务暂时不可用，请稍后再试')
    expect(req.canRetry).toBe(true)
    await req.retry()
    expect(tries).toBe(2)
    expect(req.error).toBe(null)
    expect(req.canRetry).toBe(false)

    answer({ 'GET /me/elders': 'offline' })
    await req.run(() => api.GET('/me/elders'))
    expect(req.error.offline).toBe(true)
    expect(req.canRetry).toBe(true)
  })

  it('says 正在加载 only while one of its steps is slow', async () => {
    uni.request.mockImplementation((o) => setTimeout(() => { o.success({ statusCode: 200, data: {} }); o.complete() }, 600))
    const req = useRequest()
    const idle = useRequest()
    const running = req.run(() => api.GET('/me'))
    await new Promise((r) => setTimeout(r, 450))
    expect(net.slow).toBe(true)
    expect(req.slow).toBe(true)
    expect(idle.slow).toBe(false)
    await running
    expect(req.slow).toBe(false)
  })

  it('stays busy until every nested step is done', async () => {
    const req = useRequest()
    let inner
    const outer = req.run(async () => { await req.run(() => new Promise((r) => { inner = r })); return 'done' })
    await Promise.resolve()
    expect(req.busy).toBe(true)
    inner()
    expect(await outer).toBe('done')
    expect(req.busy).toBe(false)
  })

  it('turns a platform failure (sign-in, scan, payment) into the screen\'s message, and a bug into a Chinese one', async () => {
    const req = useRequest()
    uni.scanCode.mockImplementation((o) => o.fail({ errMsg: 'scanCode:fail cancel' }))
    await req.run(() => uniStep((success, fail) => uni.scanCode({ success, fail }), '没有扫到二维码，可以输入六位取餐码'))
    expect(req.error).toBeInstanceOf(ApiError)
    expect(req.error.message).toBe('没有扫到二维码，可以输入六位取餐码')
    expect(req.canRetry).toBe(false)

    const logged = console.error
    console.error = () => {}
    try {
      await req.run(async () => { throw new TypeError('x is undefined') })
    } finally {
      console.error = logged
    }
    expect(req.error.message).toBe('出了点问题，请稍后再试')
    req.clear()
    expect(req.error).toBe(null)
  })
})
