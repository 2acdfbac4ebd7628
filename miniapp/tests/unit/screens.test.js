import { describe, it, expect, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { answer } from './setup.js'
import { store, signedIn, signOut, setCare } from '../../src/store.ts'
import { api } from '../../src/api/client.ts'

const tick = () => new Promise((r) => setTimeout(r, 5))
async function settle() { for (let i = 0; i < 6; i++) { await tick(); await flushPromises() } }

const POINT = {
  id: 16, name: '南大街街道双桂坊社区助餐点', kind: { code: 'neighbourhood_point', label: '助餐点' }, district_code: '320404', street_id: 5,
  address: '常州市钟楼区南大街街道双桂坊社区55号', lat: 31.777, lng: 119.951, phone: '0519-88886666',
  service_modes: [{ code: 'dine_in', label: '堂食' }, { code: 'pickup', label: '自取' }],
  slots: [{ code: 'lunch', label: '午餐' }], status: { code: 'open', label: '营业中' }, labels: { demonstration: false, labels_zh: ['四星级'] },
  distance_m: 110, serves_today: true,
}
const VIEW = { ...POINT, opening_days_label: '每天', slot_hours: [{ slot: 'lunch', slot_label: '午餐', opens: '11:00', closes: '12:30' }], rating_summary: { count: 3, overall: 4.33 } }
const item = (id, name, price, bookable = true) => ({ offering_id: id, dish_id: id, dish_name: name, tags: [{ code: 'low_salt', label: '低盐' }], allergens: [], price, portions: 50, portions_left: 40, cutoff_at: '2026-11-24T01:30:00Z', booking_opens_on: '2026-11-17', bookable_now: bookable })
const MENU = {
  meal_point_id: 16, from: '2026-11-23', to: '2026-11-29',
  days: [
    { date: '2026-11-23', weekday_label: '周一', serving: true, slots: [{ slot: 'lunch', slot_label: '午餐', opens: '11:00', closes: '12:30', items: [item(1, '红烧肉', '12.00', false)] }] },
    { date: '2026-11-24', weekday_label: '周二', serving: true, slots: [{ slot: 'lunch', slot_label: '午餐', opens: '11:00', closes: '12:30', items: [item(2, '清蒸鲈鱼', '16.00'), item(3, '清炒青菜', '3.00')] }] },
  ],
}
const ELDER = { relation: 'own', elder: { id: 7, name: '吴国平', status: 'active', age: 73, address: '钟楼区某路1号' } }
const ORDER = {
  id: '01JORDER', elder_id: 7, meal_point_id: 16, date: '2026-11-24', slot: 'lunch', slot_label: '午餐', mode: 'pickup', mode_label: '自取',
  state: 'booked', state_label: '已预订', pickup_code: '669974', qr_payload: 'ZC1:01JORDER:669974',
  items: [{ offering_id: 2, dish_name: '清蒸鲈鱼', quantity: 1, unit_price: '16.00' }],
  price: { gross: '16.00', subsidy: '6.00', elder_share: '10.00', subsidy_city: '3.00', subsidy_district: '3.00', subsidy_street: '0.00', funding_district_code: '320404' },
  created_at: '2026-11-23T00:10:00Z', history: [],
}

function asElder() {
  signedIn({ token: 't', account: { id: 1, role: 'elder', display_name: '吴国平' } })
  store.elders = [ELDER]
  store.elderId = 7
}

describe('ZPage (every screen\'s frame)', () => {
  it('is in 关怀 mode by default for elders, switchable with one tap, and shows errors with a retry when offline', async () => {
    signOut()
    store.care = null
    const ZPage = (await import('../../src/components/ZPage.vue')).default
    const { useRequest } = await import('../../src/api/useRequest.ts')
    const request = useRequest()
    let tries = 0
    answer({ 'GET /me': () => { tries += 1; return { id: 1 } } })
    uni.request.mockImplementationOnce((o) => setTimeout(() => { tries += 1; o.fail({ errMsg: 'request:fail' }); o.complete() }, 0))
    await request.run(() => api.GET('/me'))
    const w = mount(ZPage, { props: { title: '测试', request } })
    expect(w.get('[data-testid="page"]').classes()).toContain('care')
    expect(w.get('[data-testid="page"]').attributes('style')).toMatch(/--fs: ?24px/)
    expect(w.get('[data-testid="error"]').text()).toContain('网络连接不上')
    await w.get('[data-testid="retry"]').trigger('click')
    await settle()
    expect(tries).toBe(2)
    expect(w.find('[data-testid="error"]').exists()).toBe(false)
    await w.get('[data-testid="toggle-care"]').trigger('click')
    expect(w.get('[data-testid="page"]').classes()).toContain('std')
    setCare(true)
  })
})

describe('home', () => {
  it('lists meal points near the elder, nearest first, with today\'s status', async () => {
    asElder()
    uni.getLocation.mockImplementation((o) => o.success({ latitude: 31.778, longitude: 119.951 }))
    answer({ 'GET /meal-points/near': { items: [POINT, { ...POINT, id: 17, name: '化龙巷饭店', distance_m: 1840, serves_today: false }], total: 2, page: 1, page_size: 30 }, 'GET /me/elders': [ELDER] })
    const Page = (await import('../../src/pages/index/index.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({})
    await settle()
    const cards = w.findAll('[data-testid^="point-"]')
    expect(cards).toHaveLength(2)
    expect(cards[0].text()).toContain('约 110 米')
    expect(cards[0].text()).toContain('今天供餐')
    expect(cards[1].text()).toContain('今天不供餐')
    expect(w.get('[data-testid="acting-for"]').text()).toContain('吴国平')
    await cards[0].trigger('click')
    expect(uni.navigateTo).toHaveBeenCalledWith({ url: '/pages/point/point?id=16' })
  })

  it('asks for the district and street when location is refused', async () => {
    asElder()
    uni.getLocation.mockImplementation((o) => o.fail({ errMsg: 'getLocation:fail auth deny' }))
    answer({ 'GET /places/districts': [{ code: '320404', name: '钟楼区', kind: '区', city: '常州市' }], 'GET /places/districts/320404/streets': [{ id: 5, district_code: '320404', name: '南大街街道' }], 'GET /meal-points': { items: [POINT], total: 1, page: 1, page_size: 100 }, 'GET /meal-points/near': { items: [POINT], total: 1, page: 1, page_size: 30 } })
    const Page = (await import('../../src/pages/index/index.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({})
    await settle()
    expect(w.get('[data-testid="pick-place"]').text()).toContain('请选择您所在的区')
    await w.get('[data-testid="district-320404"]').trigger('click')
    await settle()
    await w.get('[data-testid="street-5"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="near-title"]').text()).toContain('南大街街道')
    expect(w.find('[data-testid="point-16"]').exists()).toBe(true)
  })
})

describe('booking', () => {
  it('shows 补贴 and 自付 from the quote before one big confirm, and books with a client key', async () => {
    asElder()
    const quotes = []
    let booked = null
    answer({
      'GET /meal-points/16': VIEW,
      'GET /meal-points/16/menu': MENU,
      'GET /elders/7/dish-fit': { profile: { elder_id: 7, diets: [], allergens: [] }, dishes: [] },
      'GET /elders/7/quote': (o) => { quotes.push(o.url); return { gross: '16.00', subsidy_total: '6.00', elder_share: '10.00' } },
      'POST /orders': (o) => { booked = o.data; return { __status: 201, body: ORDER } },
    })
    const Page = (await import('../../src/pages/book/book.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ mp: '16', date: '2026-11-24', slot: 'lunch' })
    await settle()
    expect(w.get('[data-testid="book-for"]').text()).toContain('吴国平')
    expect(w.find('[data-testid="bday-2026-11-23"]').exists()).toBe(false) // nothing bookable that day
    expect(w.get('[data-testid="confirm"]').text()).toBe('请先选菜')
    await w.get('[data-testid="pick-2"]').trigger('click')
    await settle()
    expect(quotes[0]).toContain('gross=16.00')
    expect(quotes[0]).toContain('mode=pickup')
    expect(w.get('[data-testid="q-subsidy"]').text()).toBe('¥6.00')
    expect(w.get('[data-testid="q-share"]').text()).toBe('¥10.00')
    expect(w.get('[data-testid="confirm"]').text()).toBe('确认预订（自付 ¥10.00）')
    expect(w.findAll('.primary')).toHaveLength(1)
    await w.get('[data-testid="confirm"]').trigger('click')
    await settle()
    expect(booked).toMatchObject({ elder_id: 7, meal_point_id: 16, date: '2026-11-24', slot: 'lunch', mode: 'pickup', items: [{ offering_id: 2, quantity: 1 }] })
    expect(booked.client_key).toMatch(/^[0-9a-f-]{36}$/)
    expect(uni.redirectTo).toHaveBeenCalledWith({ url: '/pages/order/order?id=01JORDER&new=1' })
  })

  it('says 人多，请稍候 and books again by itself, with the same key, when the service is busy', async () => {
    asElder()
    const keys = []
    answer({
      'GET /meal-points/16': VIEW, 'GET /meal-points/16/menu': MENU,
      'GET /elders/7/dish-fit': { profile: { elder_id: 7, diets: [], allergens: [] }, dishes: [] },
      'GET /elders/7/quote': { gross: '16.00', subsidy_total: '6.00', elder_share: '10.00' },
      'POST /orders': (o) => {
        keys.push(o.data.client_key)
        return keys.length === 1
          ? { __status: 503, __header: { 'Retry-After': '0' }, body: { code: 'BOOKING_BUSY', message: '人多，请稍候再试' } }
          : { __status: 201, body: ORDER }
      },
    })
    const Page = (await import('../../src/pages/book/book.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ mp: '16', date: '2026-11-24', slot: 'lunch' })
    await settle()
    await w.get('[data-testid="pick-2"]').trigger('click')
    await settle()
    await w.get('[data-testid="confirm"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="queueing"]').text()).toContain('人多，请稍候')
    expect(w.find('[data-testid="error"]').exists()).toBe(false)
    await vi.waitFor(() => expect(uni.redirectTo).toHaveBeenCalledWith({ url: '/pages/order/order?id=01JORDER&new=1' }), { timeout: 3000 })
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
  })

  it('shows the API\'s message when booking is refused', async () => {
    asElder()
    answer({
      'GET /meal-points/16': VIEW, 'GET /meal-points/16/menu': MENU,
      'GET /elders/7/dish-fit': { profile: { elder_id: 7, diets: [], allergens: [] }, dishes: [] },
      'GET /elders/7/quote': { gross: '16.00', subsidy_total: '6.00', elder_share: '10.00' },
      'POST /orders': { __status: 409, body: { code: 'SOLD_OUT', message: '清蒸鲈鱼已经订完了' } },
    })
    const Page = (await import('../../src/pages/book/book.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ mp: '16', date: '2026-11-24', slot: 'lunch' })
    await settle()
    await w.get('[data-testid="pick-2"]').trigger('click')
    await settle()
    await w.get('[data-testid="confirm"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="error"]').text()).toBe('清蒸鲈鱼已经订完了')
    expect(w.find('[data-testid="retry"]').exists()).toBe(false)
  })
})

describe('order', () => {
  it('shows the pickup code large, its QR code and the price split', async () => {
    asElder()
    answer({ 'GET /orders/01JORDER': ORDER, 'GET /meal-points/16': VIEW })
    const Page = (await import('../../src/pages/order/order.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER', new: '1' })
    globalThis.__onShow()
    await settle()
    expect(w.get('[data-testid="pickup-code"]').text()).toBe('669 974')
    expect(w.find('[data-testid="qr"]').exists()).toBe(true)
    expect(w.get('[data-testid="o-subsidy"]').text()).toBe('¥6.00')
    expect(w.get('[data-testid="o-share"]').text()).toBe('¥10.00')
    expect(w.find('[data-testid="cancel"]').exists()).toBe(true)
  })

  it('cancels after a confirmation in the page, not a pop-up', async () => {
    asElder()
    let cancelled = 0
    answer({ 'GET /orders/01JORDER': ORDER, 'GET /meal-points/16': VIEW, 'POST /orders/01JORDER/cancel': () => { cancelled += 1; return { ...ORDER, state: 'cancelled', state_label: '已取消' } } })
    const Page = (await import('../../src/pages/order/order.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER' })
    globalThis.__onShow()
    await settle()
    await w.get('[data-testid="cancel"]').trigger('click')
    expect(cancelled).toBe(0)
    await w.get('[data-testid="cancel-no"]').trigger('click')
    await w.get('[data-testid="cancel"]').trigger('click')
    await w.get('[data-testid="cancel-yes"]').trigger('click')
    await settle()
    expect(cancelled).toBe(1)
    expect(uni.showModal).not.toHaveBeenCalled()
    expect(w.get('[data-testid="state"]').text()).toBe('已取消')
    expect(w.find('[data-testid="pickup-code"]').exists()).toBe(false)
  })

  it('offers WeChat Pay for a share still unpaid where the meal point takes it online, not where only the counter does', async () => {
    asElder()
    const unpaid = { ...ORDER, payment_state: 'unpaid', payment_state_label: '到店付款' }
    answer({ 'GET /orders/01JORDER': unpaid, 'GET /meal-points/16': VIEW, 'GET /meal-points/16/payment-methods': { meal_point_id: 16, methods: 'both', methods_label: '线上或到店' } })
    const Page = (await import('../../src/pages/order/order.vue')).default
    let w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER' })
    globalThis.__onShow()
    await settle()
    expect(w.get('[data-testid="pay"]').text()).toBe('微信支付 ¥10.00')
    w.unmount()
    answer({ 'GET /orders/01JORDER': unpaid, 'GET /meal-points/16': VIEW, 'GET /meal-points/16/payment-methods': { meal_point_id: 16, methods: 'counter', methods_label: '到店付款' } })
    w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER' })
    globalThis.__onShow()
    await settle()
    expect(w.find('[data-testid="pay"]').exists()).toBe(false)
  })

  it('offers to rate once served', async () => {
    asElder()
    answer({ 'GET /orders/01JORDER': { ...ORDER, state: 'served', state_label: '已用餐' }, 'GET /meal-points/16': VIEW })
    const Page = (await import('../../src/pages/order/order.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER' })
    globalThis.__onShow()
    await settle()
    expect(w.find('[data-testid="pickup-code"]').exists()).toBe(false)
    expect(w.get('[data-testid="to-rate"]').text()).toBe('评价这一餐')
  })
})

describe('rating', () => {
  it('posts the five scores and the comment to the order\'s rating', async () => {
    asElder()
    let body = null
    answer({ 'POST /orders/01JORDER/rating': (o) => { body = o.data; return { __status: 201, body: { id: 1, overall: 5 } } } })
    const Page = (await import('../../src/pages/rate/rate.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER' })
    expect(w.get('[data-testid="submit-rating"]').attributes('disabled')).toBeDefined()
    for (const k of ['overall', 'taste', 'portion', 'hygiene', 'service']) await w.get(`[data-testid="score-${k}-4"]`).trigger('click')
    await w.get('[data-testid="submit-rating"]').trigger('click')
    await settle()
    expect(body).toEqual({ overall: 4, taste: 4, portion: 4, hygiene: 4, service: 4 })
    expect(w.get('[data-testid="rated"]').text()).toContain('谢谢')
  })

  it('shows ALREADY_RATED as the API says it', async () => {
    asElder()
    answer({ 'POST /orders/01JORDER/rating': { __status: 409, body: { code: 'ALREADY_RATED', message: '这一餐已经评价过了' } } })
    const Page = (await import('../../src/pages/rate/rate.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ id: '01JORDER' })
    for (const k of ['overall', 'taste', 'portion', 'hygiene', 'service']) await w.get(`[data-testid="score-${k}-5"]`).trigger('click')
    await w.get('[data-testid="submit-rating"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="error"]').text()).toBe('这一餐已经评价过了')
  })
})

describe('complaint', () => {
  it('posts the category and text for the meal point and order', async () => {
    asElder()
    let body = null
    const listed = []
    answer({
      'POST /complaints': (o) => { body = o.data; listed.push({ id: 9, meal_point_name: '双桂坊', category_label: '卫生', state_label: '待受理', text: o.data.text, overdue: false, steps: [{ note: '已转助餐点处理' }] }); return { __status: 201, body: { id: 9 } } },
      'GET /me/complaints': () => ({ items: listed, total: listed.length, page: 1, page_size: 20 }),
    })
    const Page = (await import('../../src/pages/complain/complain.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ mp: '16', order: '01JORDER' })
    await w.get('[data-testid="cat-hygiene"]').trigger('click')
    w.vm.$.setupState.text = '桌子不干净'
    await flushPromises()
    await w.get('[data-testid="submit-complaint"]').trigger('click')
    await settle()
    expect(body).toEqual({ meal_point_id: 16, order_id: '01JORDER', category: 'hygiene', text: '桌子不干净' })
    expect(w.get('[data-testid="complained"]').text()).toContain('编号：9')
    const mine = w.get('[data-testid="my-complaints"]').text()
    expect(mine).toContain('待受理')
    expect(mine).toContain('处理情况：已转助餐点处理')
  })
})

describe('operator', () => {
  it('verifies a typed pickup code at the operator\'s meal point', async () => {
    signedIn({ token: 't', account: { id: 5, role: 'operator', display_name: '运营方' } })
    uni.setStorageSync('zc.op', { id: 16, name: '双桂坊' })
    let sent = null
    answer({ 'POST /meal-points/16/pickups': (o) => { sent = o.data; return { ...ORDER, state: 'served', state_label: '已用餐' } } })
    const Page = (await import('../../src/pages/verify/verify.vue')).default
    const w = mount(Page)
    w.vm.$.setupState.code = '669974'
    await flushPromises()
    await w.get('[data-testid="verify"]').trigger('click')
    await settle()
    expect(sent).toEqual({ code: '669974' })
    expect(w.get('[data-testid="verified"]').text()).toContain('核销成功')
  })

  it('shows today\'s slots with dishes to cook and counts', async () => {
    signedIn({ token: 't', account: { id: 5, role: 'operator', display_name: '运营方' } })
    answer({
      'GET /me/meal-points': { items: [POINT], total: 1, page: 1, page_size: 50 },
      'GET /meal-points/16/day': { meal_point_id: 16, date: '2026-11-24', slots: [{ slot: 'lunch', slot_label: '午餐', dishes: [{ dish_name: '清蒸鲈鱼', portions: 12 }], booked: 10, out_for_delivery: 0, served: 2, cancelled: 1, no_show: 0 }] },
    })
    const Page = (await import('../../src/pages/operator/operator.vue')).default
    const w = mount(Page)
    globalThis.__onShow()
    await settle()
    const lunch = w.get('[data-testid="op-slot-lunch"]').text()
    expect(lunch).toContain('已订 10')
    expect(lunch).toContain('已取 2')
    expect(lunch).toContain('清蒸鲈鱼：做 12 份')
  })
})
