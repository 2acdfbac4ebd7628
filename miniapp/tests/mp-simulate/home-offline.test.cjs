// The built WeChat package when the connection drops: the page's request (useRequest, handed to
// ZPage) shows the Chinese message and 重试, and 重试 runs the failed search again.
const { renderBuiltPage, until, tapInside } = require('./wechat.cjs')

const POINT = { id: 16, name: '南大街街道双桂坊社区助餐点', kind: { code: 'neighbourhood_point', label: '助餐点' }, address: '钟楼区南大街街道双桂坊社区55号', distance_m: 110, serves_today: true, status: { code: 'open', label: '营业中' }, labels: { demonstration: false, labels_zh: [] }, service_modes: [], slots: [] }

test('the built home page offers 重试 after a lost connection, and 重试 searches again', async () => {
  let online = false
  const { page, requests } = renderBuiltPage('pages/index/index', () => (online ? { statusCode: 200, data: { items: [POINT], total: 1, page: 1, page_size: 30 } } : null))
  if (page.instance.onLoad) page.instance.onLoad({})
  const offline = await until(page, (t) => t.includes('网络连接不上'))
  expect(offline).toContain('网络连接不上，请检查网络后点“重试”')
  expect(requests).toHaveLength(1)

  online = true
  tapInside(page, 'retry')
  const back = await until(page, (t) => t.includes('南大街街道双桂坊社区助餐点'))
  expect(requests).toHaveLength(2)
  expect(requests[1].url).toBe(requests[0].url)
  expect(back).not.toContain('网络连接不上')
})
