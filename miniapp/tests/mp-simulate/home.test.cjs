// Smoke test of the BUILT WeChat package: the home page asks for the location, calls the near
// search through wx.request and lists the meal points; a tap opens one.
const { renderBuiltPage, until, simulate } = require('./wechat.cjs')

const POINTS = [
  { id: 16, name: '南大街街道双桂坊社区助餐点', kind: { code: 'neighbourhood_point', label: '助餐点' }, address: '钟楼区南大街街道双桂坊社区55号', distance_m: 110, serves_today: true, status: { code: 'open', label: '营业中' }, labels: { demonstration: false, labels_zh: ['四星级'] }, service_modes: [], slots: [] },
  { id: 17, name: '化龙巷饭店（助餐挂牌）', kind: { code: 'merchant_listed', label: '商户挂牌' }, address: '钟楼区南大街街道化龙巷社区145号', distance_m: 180, serves_today: false, status: { code: 'open', label: '营业中' }, labels: { demonstration: false, labels_zh: [] }, service_modes: [], slots: [] },
]

test('the built mp-weixin home page renders the meal points near the elder', async () => {
  const { page, requests } = renderBuiltPage('pages/index/index', () => ({ statusCode: 200, data: { items: POINTS, total: 2, page: 1, page_size: 30 } }))
  if (page.instance.onLoad) page.instance.onLoad({})
  const text = await until(page, (t) => t.includes('化龙巷饭店'))

  expect(requests.length).toBeGreaterThan(0)
  expect(requests[0].url).toMatch(/\/meal-points\/near\?lat=31\.778&lng=119\.951/)
  expect(text).toContain('南大街街道双桂坊社区助餐点')
  expect(text).toContain('约 110 米')
  expect(text).toContain('今天供餐')
  expect(text).toContain('今天不供餐')
  expect(text).toContain('大字：开') // 关怀 mode is on by default

  page.querySelectorAll('.pointcard')[0].dispatchEvent('tap')
  await simulate.sleep(20)
  expect(wx.navigateTo).toHaveBeenCalled()
  expect(wx.navigateTo.mock.calls[0][0].url).toBe('/pages/point/point?id=16')
})
