// Diets and allergens on the mini program's screens: the profile screen, and booking a dish with
// a listed allergen (the full-width warning in the page, then a booking that acknowledges it).
import { describe, it, expect } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { answer } from './setup.js'
import { store, signedIn } from '../../src/store.ts'

const tick = () => new Promise((r) => setTimeout(r, 5))
async function settle() { for (let i = 0; i < 6; i++) { await tick(); await flushPromises() } }

const VIEW = {
  id: 16, name: '双桂坊社区助餐点', district_code: '320404', service_modes: [{ code: 'pickup', label: '自取' }],
}
const item = (id, name, allergens = []) => ({ offering_id: 100 + id, dish_id: id, dish_name: name, tags: [], allergens, price: '12.00', portions: 50, portions_left: 40, cutoff_at: '2026-11-24T01:30:00Z', booking_opens_on: '2026-11-17', bookable_now: true })
const MENU = {
  meal_point_id: 16, from: '2026-11-24', to: '2026-11-24',
  days: [{ date: '2026-11-24', weekday_label: '周二', serving: true, slots: [{ slot: 'lunch', slot_label: '午餐', opens: '11:00', closes: '12:30', items: [
    item(1, '宫保鸡丁', [{ code: 'peanut', label: '花生' }]), item(2, '白米饭'), item(3, '清蒸豆腐'),
  ] }] }],
}
const PROFILE = { elder_id: 7, diets: [{ code: 'soft', label: '软烂' }], allergens: [{ code: 'peanut', label: '花生' }] }
const FIT = {
  profile: PROFILE,
  dishes: [
    { dish_id: 3, dish_name: '清蒸豆腐', suitable: true, met: [{ code: 'soft', label: '软烂' }], unmet: [], allergens: [] },
    { dish_id: 2, dish_name: '白米饭', suitable: false, met: [], unmet: [{ code: 'soft', label: '软烂' }], allergens: [] },
    { dish_id: 1, dish_name: '宫保鸡丁', suitable: false, met: [], unmet: [{ code: 'soft', label: '软烂' }], allergens: [{ code: 'peanut', label: '花生' }] },
  ],
}

function asElder() {
  signedIn({ token: 't', account: { id: 1, role: 'elder', display_name: '吴国平' } })
  store.elders = [{ relation: 'own', elder: { id: 7, name: '吴国平', status: 'active', age: 73, address: '钟楼区某路1号' } }]
  store.elderId = 7
}

describe('diet profile screen', () => {
  it('shows what is kept and saves the whole profile', async () => {
    asElder()
    let saved = null
    answer({
      'GET /diets': [{ code: 'low_salt', label: '低盐' }, { code: 'soft', label: '软烂' }],
      'GET /allergens': [{ code: 'peanut', label: '花生' }, { code: 'milk', label: '乳制品' }],
      'GET /elders/7/diet': PROFILE,
      'PUT /elders/7/diet': (o) => { saved = o.data; return { elder_id: 7, diets: [{ code: 'low_salt', label: '低盐' }, { code: 'soft', label: '软烂' }], allergens: [{ code: 'peanut', label: '花生' }] } },
    })
    const Page = (await import('../../src/pages/diet/diet.vue')).default
    const w = mount(Page)
    globalThis.__onShow()
    await settle()
    expect(w.get('[data-testid="diet-for"]').text()).toContain('吴国平')
    expect(w.get('[data-testid="diet-soft"]').classes()).toContain('on')
    expect(w.get('[data-testid="allergen-peanut"]').text()).toBe('✓ 花生')
    expect(w.get('[data-testid="diet-low_salt"]').classes()).not.toContain('on')
    await w.get('[data-testid="diet-low_salt"]').trigger('click')
    await w.get('[data-testid="save-diet"]').trigger('click')
    await settle()
    expect(saved.diets.sort()).toEqual(['low_salt', 'soft'])
    expect(saved.allergens).toEqual(['peanut'])
    expect(w.get('[data-testid="diet-saved"]').text()).toBe('已保存')
    expect(w.findAll('.primary')).toHaveLength(1)
  })
})

describe('booking with diets and allergens', () => {
  it('lists suitable dishes first, marks the allergen, and asks in the page before booking it', async () => {
    asElder()
    const booked = []
    answer({
      'GET /meal-points/16': VIEW,
      'GET /meal-points/16/menu': MENU,
      'GET /elders/7/dish-fit': FIT,
      'GET /elders/7/quote': { gross: '12.00', subsidy_total: '6.00', elder_share: '6.00' },
      'POST /orders': (o) => { booked.push(o.data); return { __status: 201, body: { id: '01JORDER' } } },
    })
    const Page = (await import('../../src/pages/book/book.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ mp: '16', date: '2026-11-24', slot: 'lunch' })
    await settle()
    expect(w.get('[data-testid="diet-line"]').text()).toBe('饮食：软烂；过敏：花生')
    const order = w.findAll('[data-testid^="pick-"]').map((b) => b.attributes('data-testid'))
    expect(order).toEqual(['pick-103', 'pick-102', 'pick-101'])
    expect(w.get('[data-testid="suits-103"]').text()).toBe('适合您：软烂')
    expect(w.get('[data-testid="allergy-101"]').text()).toContain('含花生')

    await w.get('[data-testid="pick-101"]').trigger('click')
    await settle()
    await w.get('[data-testid="confirm"]').trigger('click')
    await settle()
    expect(booked).toHaveLength(0) // nothing sent before the elder confirms
    expect(w.get('[data-testid="allergen-warning"]').text()).toContain('宫保鸡丁含花生')
    expect(w.find('[data-testid="confirm"]').exists()).toBe(false)
    await w.get('[data-testid="allergen-yes"]').trigger('click')
    await settle()
    expect(booked).toHaveLength(1)
    expect(booked[0].allergen_acknowledged).toBe(true)
    expect(uni.redirectTo).toHaveBeenCalledWith({ url: '/pages/order/order?id=01JORDER&new=1' })
  })

  it('books a dish without a listed allergen at once, and shows the service\'s warning if the profile changed', async () => {
    asElder()
    const booked = []
    answer({
      'GET /meal-points/16': VIEW,
      'GET /meal-points/16/menu': MENU,
      'GET /elders/7/dish-fit': { profile: { elder_id: 7, diets: [], allergens: [] }, dishes: [] },
      'GET /elders/7/quote': { gross: '12.00', subsidy_total: '6.00', elder_share: '6.00' },
      'POST /orders': (o) => {
        booked.push(o.data)
        return o.data.allergen_acknowledged
          ? { __status: 201, body: { id: '01JORDER' } }
          : { __status: 409, body: { code: 'ALLERGEN_ACK_REQUIRED', message: '注意：宫保鸡丁含花生，是老人登记过的过敏食物。确定仍要预订，请再确认一次', field: 'allergen_acknowledged' } }
      },
    })
    const Page = (await import('../../src/pages/book/book.vue')).default
    const w = mount(Page)
    globalThis.__onLoad({ mp: '16', date: '2026-11-24', slot: 'lunch' })
    await settle()
    expect(w.find('[data-testid="diet-line"]').exists()).toBe(false)
    await w.get('[data-testid="pick-101"]').trigger('click')
    await settle()
    await w.get('[data-testid="confirm"]').trigger('click')
    await settle()
    expect(booked[0].allergen_acknowledged).toBe(false)
    expect(w.get('[data-testid="allergen-warning"]').text()).toContain('宫保鸡丁含花生')
    expect(w.find('[data-testid="error"]').exists()).toBe(false)
    await w.get('[data-testid="allergen-yes"]').trigger('click')
    await settle()
    expect(booked).toHaveLength(2)
    expect(booked[1].allergen_acknowledged).toBe(true)
    expect(booked[1].client_key).not.toBe(booked[0].client_key)
  })
})
