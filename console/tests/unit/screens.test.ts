// Each screen's logic, apart from its template.
import { describe, expect, it } from 'vitest'
import type { components } from '../../src/api/schema'
import { activeSlots, byState, deliveries, kitchenLines, nextDeliveryStep, normaliseCode, noticeTag } from '../../src/logic/board'
import { complaintActions, nextDeadline, overdueFirst } from '../../src/logic/complaints'
import { dashboardKpis, monthsBack } from '../../src/logic/dashboard'
import { newElderRequest, searchKind } from '../../src/logic/elders'
import { blankMealPoint, newMealPointRequest } from '../../src/logic/mealPoints'
import { annotateLines, whatIfMeal } from '../../src/logic/policy'
import { profileChanges } from '../../src/logic/profile'
import { allConfirmed, defaultMonth, exportPath, runActions } from '../../src/logic/settlement'
import { problemsByRow, replaceRequest, rowsOf, toCsv } from '../../src/logic/targets'
import { visitRequest } from '../../src/logic/visits'
import { bookingLines } from '../../src/logic/walkin'
import { activeEntry, menuOf } from '../../src/lib/menu'
import { guard, homeOf } from '../../src/router'
import { yuan } from '../../src/lib/money'

type DayOrder = components['schemas']['DayOrder']
type Complaint = components['schemas']['ComplaintView']
type Run = components['schemas']['RunView']

const order = (id: string, slot: string, state: string, mode = 'pickup'): DayOrder => ({
  id,
  slot,
  slot_label: slot === 'lunch' ? '午餐' : '晚餐',
  mode,
  mode_label: mode,
  state,
  state_label: state,
  elder_name: '周淑贞',
  items: [{ dish_name: '清蒸鲈鱼', quantity: 1 }],
  gross: '16.00',
  subsidy: '3.00',
  elder_share: '13.00',
  payment_state: 'unpaid',
  payment_state_label: '到店付款',
  notice: 'reached',
  notice_label: '已通知',
})

describe("today's board", () => {
  const orders = [order('a', 'lunch', 'served'), order('b', 'lunch', 'booked'), order('c', 'lunch', 'booked', 'delivery'), order('d', 'dinner', 'cancelled'), order('e', 'lunch', 'out_for_delivery', 'delivery')]

  it('groups a slot\'s orders by state in the order the counter works', () => {
    expect(byState(orders, 'lunch').map((g) => [g.state, g.orders.map((o) => o.id)])).toEqual([
      ['booked', ['b', 'c']],
      ['out_for_delivery', ['e']],
      ['served', ['a']],
    ])
  })

  it('marks in red the orders whose elder side no WeChat message reached', () => {
    expect(noticeTag('not_reached')).toBe('danger')
    expect(noticeTag('pending')).toBe('info')
    expect(noticeTag('reached')).toBe('success')
  })

  it('lists the deliveries and their next step', () => {
    expect(deliveries(orders).map((o) => o.id)).toEqual(['c', 'e'])
    expect(nextDeliveryStep(orders[2])).toBe('out')
    expect(nextDeliveryStep(orders[4])).toBe('delivered')
    expect(nextDeliveryStep(orders[0])).toBeNull()
  })

  it('prints the dishes to cook per slot, leaving out empty slots', () => {
    const slots = [
      { slot: 'breakfast', slot_label: '早餐', dishes: [], booked: 0, out_for_delivery: 0, served: 0, cancelled: 0, no_show: 0 },
      { slot: 'lunch', slot_label: '午餐', dishes: [{ dish_name: '清蒸鲈鱼', portions: 12 }, { dish_name: '蒸南瓜', portions: 5 }], booked: 17, out_for_delivery: 0, served: 0, cancelled: 0, no_show: 0 },
    ]
    expect(activeSlots(slots).map((s) => s.slot)).toEqual(['lunch'])
    expect(kitchenLines(slots)).toEqual([{ slot: 'lunch', slotLabel: '午餐', dishes: [{ name: '清蒸鲈鱼', portions: 12 }, { name: '蒸南瓜', portions: 5 }], total: 17 }])
  })

  it('reads a typed code without spaces', () => {
    expect(normaliseCode(' 123 456 ')).toBe('123456')
  })
})

describe('complaints', () => {
  const c = (id: number, state: string, overdue: boolean, ack: string, resolve: string) => ({ id, state, overdue, ack_due_at: ack, resolve_due_at: resolve }) as Complaint

  it('offers each role the steps the API allows', () => {
    expect(complaintActions('operator', 'submitted')).toEqual(['acknowledge', 'escalate'])
    expect(complaintActions('operator', 'escalated')).toEqual([])
    expect(complaintActions('district_clerk', 'escalated')).toEqual(['resolve', 'close'])
    expect(complaintActions('city_admin', 'resolved')).toEqual(['close'])
    expect(complaintActions('operator', 'resolved')).toEqual([])
    expect(complaintActions('inspector', 'submitted')).toEqual([])
    expect(complaintActions('district_clerk', 'closed')).toEqual([])
  })

  it('puts overdue ones first, then the nearest deadline', () => {
    const list = [
      c(1, 'acknowledged', false, '2026-11-20T00:00:00Z', '2026-11-30T00:00:00Z'),
      c(2, 'submitted', false, '2026-11-25T00:00:00Z', '2026-12-05T00:00:00Z'),
      c(3, 'escalated', true, '2026-11-10T00:00:00Z', '2026-11-15T00:00:00Z'),
      c(4, 'closed', false, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
    ]
    expect(overdueFirst(list).map((x) => x.id)).toEqual([3, 2, 1, 4])
    expect(nextDeadline(list[1])).toBe('2026-11-25T00:00:00Z')
    expect(nextDeadline(list[3])).toBeNull()
  })
})

describe('settlement runs', () => {
  const run = (state: string, decisions: Array<[string, string]>) =>
    ({ state, reviews: decisions.map(([district_code, decision]) => ({ district_code, decision, district_name: '', decision_label: '' })) }) as unknown as Run
  const clerk = { id: 2, role: 'district_clerk' as const, display_name: '天宁区结算员', district_code: '320402' }
  const city = { id: 1, role: 'city_admin' as const, display_name: '常州市民政局' }

  it('offers each role its steps in each state', () => {
    expect(runActions(city, run('draft', []))).toEqual(['recompute', 'submit'])
    expect(runActions(clerk, run('draft', []))).toEqual(['recompute', 'submit'])
    expect(runActions(city, run('submitted', [['320402', 'pending']]))).toEqual(['reopen', 'approve'])
    expect(runActions(clerk, run('submitted', [['320402', 'pending']]))).toEqual(['confirm', 'dispute'])
    expect(runActions(clerk, run('submitted', [['320412', 'pending']]))).toEqual([])
    expect(runActions(city, run('locked', []))).toEqual([])
    expect(runActions({ id: 3, role: 'operator', display_name: 'x' }, run('draft', []))).toEqual([])
  })

  it('lets the city approve only once every involved district confirmed', () => {
    expect(allConfirmed(run('submitted', [['320402', 'confirmed'], ['320412', 'confirmed']]))).toBe(true)
    expect(allConfirmed(run('submitted', [['320402', 'confirmed'], ['320412', 'disputed']]))).toBe(false)
    expect(allConfirmed(run('submitted', []))).toBe(false)
  })

  it('exports a statement and settles last month by default', () => {
    expect(exportPath(3, 'matrix', 'xlsx')).toBe('/settlement-runs/3/export?statement=matrix&format=xlsx')
    expect(defaultMonth('2026-11-23')).toBe('2026-10')
    expect(defaultMonth('2027-01-05')).toBe('2026-12')
  })
})

describe('policies', () => {
  it('shows each problem under its line, and those without a line above', () => {
    const source = 'version = "2027-01"\n\n[[rule]]\namount = 2.50\n'
    const problems = [
      { location: 'rule[1]', field: 'amount', path: 'rule[1].amount', code: 'POLICY_MONEY_NOT_STRING', message: '金额必须是字符串', line: 4 },
      { location: 'policy', field: 'rule', path: 'policy.rule', code: 'X', message: '整体问题' },
      { location: 'rule[9]', path: 'rule[9]', code: 'Y', message: '行号超出文件', line: 99 },
    ]
    const { lines, unplaced } = annotateLines(source, problems)
    expect(lines).toHaveLength(4)
    expect(lines[3].problems.map((p) => p.message)).toEqual(['金额必须是字符串'])
    expect(lines[0].problems).toEqual([])
    expect(unplaced.map((p) => p.message)).toEqual(['整体问题', '行号超出文件'])
    expect(annotateLines('a\r\nb', []).lines.map((l) => l.text)).toEqual(['a', 'b'])
  })

  it('turns an age into a birth date on the meal\'s date for a what-if meal', () => {
    const form = { age: 80, categories: ['dibao' as const], hukou: '320402', service: '320412', date: '', slot: 'lunch', mode: 'dine_in', gross: '15.00' }
    expect(whatIfMeal(form, '2027-01-01')).toEqual({
      birth_date: '1947-01-01',
      categories: ['dibao'],
      hukou_district_code: '320402',
      meal_point_district_code: '320412',
      date: '2027-01-01',
      slot: 'lunch',
      mode: 'dine_in',
      gross: '15.00',
    })
    expect(whatIfMeal({ ...form, date: '2027-03-15' }, '2027-01-01').birth_date).toBe('1947-03-15')
  })
})

describe('plan targets', () => {
  const targets = [{ id: 1, scope: '320402', scope_name: '天宁区', from_year: 2024, to_year: 2026, target: 15, updated_at: '' }]

  it('edits rows and sends them all', () => {
    expect(replaceRequest(rowsOf(targets))).toEqual({ targets: [{ scope: '320402', from_year: 2024, to_year: 2026, target: 15 }] })
  })

  it('puts problems on their rows', () => {
    const p = (location: string, message: string) => ({ location, path: location, code: 'X', message })
    expect(problemsByRow([p('targets[1]', 'a'), p('targets[1]', 'b'), p('targets[0]', 'c'), p('line 3', 'd')])).toEqual({ 0: ['c'], 1: ['a', 'b'] })
  })

  it('writes the CSV the import reads', () => {
    expect(toCsv(targets)).toBe('scope,name,from_year,to_year,target\n320402,天宁区,2024,2026,15\n')
  })
})

describe('forms', () => {
  it('searches by ID-card number only when the text is one', () => {
    expect(searchKind('32040419450404076X')).toBe('id_card')
    expect(searchKind('320404194504040760')).toBe('id_card')
    expect(searchKind('周淑贞')).toBe('name')
    expect(searchKind('3204041945')).toBe('name')
    expect(searchKind('  ')).toBe('empty')
  })

  it('registers an elder with a trimmed, upper-case number and no empty street', () => {
    const req = newElderRequest({ name: ' 周淑贞 ', id_card: '32040419450404076x', phone: '1', hukou_district_code: '320404', residence_district_code: '320404', residence_street_id: undefined, address: ' 南大街 ', categories: ['dibao'] })
    expect(req.id_card).toBe('32040419450404076X')
    expect(req.name).toBe('周淑贞')
    expect(req).not.toHaveProperty('residence_street_id')
  })

  it('creates a meal point only with coordinates and a street', () => {
    const f = { ...blankMealPoint(), name: '新食堂', district_code: '320402', address: '路1号', phone: '0519-1', food_licence_no: 'JY1' }
    expect(newMealPointRequest(f)).toEqual({ problem: '请填写纬度（GCJ-02，如 31.7768）', field: 'lat' })
    expect(newMealPointRequest({ ...f, lat: '31.77', lng: '119.95' })).toEqual({ problem: '请选择街道或镇', field: 'street_id' })
    const ok = newMealPointRequest({ ...f, lat: '31.77', lng: '119.95', street_id: 4, service_modes: ['pickup', 'delivery'], delivery_radius_m: 2000 })
    expect(ok).toMatchObject({ lat: 31.77, lng: 119.95, street_id: 4, delivery_radius_m: 2000, slot_hours: [{ slot: 'lunch', opens: '11:00', closes: '12:30' }] })
  })

  it('sends only what changed on a meal point profile', () => {
    const point = {
      name: '双桂坊助餐点', phone: '0519-1', address: '南大街1号', food_licence_no: 'JY1', service_modes: [{ code: 'dine_in', label: '堂食' }],
      delivery_radius_m: undefined, opening_days: [1, 2, 3], slot_hours: [{ slot: 'lunch', slot_label: '午餐', opens: '11:00', closes: '12:30' }],
      order_lead_minutes: 90, booking_days_ahead: 7, live_video_url: 'https://v.example/1',
    } as unknown as components['schemas']['MealPointView']
    const form = {
      name: '双桂坊助餐点', phone: '0519-1', address: '南大街1号', food_licence_no: 'JY1', service_modes: ['dine_in'], delivery_radius_m: 1000,
      opening_days: [3, 2, 1], slot_hours: [{ slot: 'breakfast', on: false, opens: '07:00', closes: '08:00' }, { slot: 'lunch', on: true, opens: '11:00', closes: '12:30' }],
      order_lead_minutes: 90, booking_days_ahead: 7, live_video_url: 'https://v.example/1',
    }
    expect(profileChanges(point, form)).toEqual({})
    expect(profileChanges(point, { ...form, phone: '0519-2', service_modes: ['dine_in', 'delivery'], delivery_radius_m: 1500, live_video_url: '' })).toEqual({
      phone: '0519-2',
      service_modes: ['dine_in', 'delivery'],
      delivery_radius_m: 1500,
      live_video_url: null,
    })
    expect(profileChanges(point, { ...form, slot_hours: [{ slot: 'lunch', on: true, opens: '11:30', closes: '13:00' }] }).slot_hours).toEqual([{ slot: 'lunch', opens: '11:30', closes: '13:00' }])
  })

  it('asks an inspector for every score before sending a visit', () => {
    const f = { date: '2026-11-23', scores: { food_safety: 4, hygiene: 0, service: 5 }, withNutrition: false, nutrition: 0, sample: true, notes: ' 整洁 ' }
    expect(visitRequest(f)).toEqual({ problem: '请为“环境卫生”打分（1–5 分）', field: 'scores.hygiene' })
    expect(visitRequest({ ...f, scores: { ...f.scores, hygiene: 3 }, withNutrition: true })).toEqual({ problem: '请为“营养膳食”打分（1–5 分）', field: 'scores.nutrition' })
    expect(visitRequest({ ...f, scores: { ...f.scores, hygiene: 3 } })).toEqual({ date: '2026-11-23', scores: { food_safety: 4, hygiene: 3, service: 5 }, notes: '整洁', sample_retained: true })
  })

  it('books a walk-in order only for dishes with a quantity that can be booked now', () => {
    const it = (offering_id: number, bookable_now: boolean) => ({ offering_id, bookable_now }) as components['schemas']['MenuItem']
    expect(bookingLines([it(1, true), it(2, true), it(3, false)], { 1: 2, 2: 0, 3: 1 })).toEqual([{ offering_id: 1, quantity: 2 }])
  })
})

describe('the dashboard', () => {
  it('takes its headline figures from the API as they are', () => {
    const kpis = dashboardKpis(
      {
        plan: { years: [2026], targets: [{ scope: '320402', scope_name: '', from_year: 2024, to_year: 2026, target: 15, built: 16 }, { scope: 'city', scope_name: '', from_year: 2026, to_year: 2026, target: 32, built: 33 }], districts: [], city_by_year: [33] },
        daily: { total_meals: 552 } as components['schemas']['MealsPerDayView'],
        monthly: { sum: { total: '1888.00' } } as components['schemas']['SubsidyPerMonthView'],
        cross: { cross_percent: 39.3 } as components['schemas']['CrossDistrictView'],
        feedback: { total: { average_overall: 4.3, ack_met_percent: 100 } } as components['schemas']['FeedbackView'],
      },
      yuan,
    )
    expect(kpis.map((k) => [k.key, k.value])).toEqual([
      ['plan', '16 / 15'],
      ['meals', '552'],
      ['subsidy', '¥1,888.00'],
      ['cross', '39.3%'],
      ['rating', '4.3'],
      ['ack', '100%'],
    ])
  })

  it('counts months back across a year', () => {
    expect(monthsBack('2026-11', 11)).toBe('2025-12')
    expect(monthsBack('2026-01', 1)).toBe('2025-12')
    expect(monthsBack('2026-12', 0)).toBe('2026-12')
  })
})

describe('menus and routes per role', () => {
  it('gives each role its menu; an operator\'s screens follow the chosen meal point', () => {
    expect(menuOf('operator', null).map((m) => m.path)).toEqual(['/points', '/complaints', '/reconciliation'])
    expect(menuOf('operator', 7).map((m) => m.path)).toContain('/points/7/week')
    expect(menuOf('district_clerk', null).map((m) => m.label)).toEqual(['同城结算', '老人档案', '待审核', '投诉处理', '监管督查', '数据看板'])
    expect(menuOf('city_admin', null).map((m) => m.path)).toContain('/policies')
    expect(menuOf('city_admin', null).map((m) => m.path)).toContain('/reconciliation')
    expect(menuOf('inspector', null).map((m) => m.path)).toEqual(['/visits', '/visits/mine'])
    expect(menuOf('elder', null)).toEqual([])
    expect(activeEntry(menuOf('inspector', null), '/visits/mine')).toBe('/visits/mine')
    expect(activeEntry(menuOf('city_admin', null), '/settlement/3')).toBe('/settlement')
  })

  it('sends each role home and keeps it off other roles\' screens', () => {
    expect(homeOf('operator')).toBe('/points')
    expect(homeOf('city_admin')).toBe('/dashboard')
    expect(homeOf(undefined)).toBe('/login')
    const policies = { meta: { roles: ['city_admin' as const] }, fullPath: '/policies' }
    expect(guard(policies, 'city_admin')).toBe(true)
    expect(guard(policies, 'district_clerk')).toBe('/settlement')
    expect(guard(policies, undefined)).toBe('/login?next=%2Fpolicies')
    expect(guard({ meta: { public: true }, fullPath: '/login' }, undefined)).toBe(true)
  })
})
