import { describe, expect, it } from 'vitest'
import type { components } from '../../src/api/schema'
import { countPoints, crossDistrictOption, matrixHeatmap, mealsPerDayOption, planByDistrictOption, subsidyByLevelOption } from '../../src/logic/charts'

const matrix: components['schemas']['Matrix'] = {
  districts: [
    { code: '320402', name: '天宁区' },
    { code: '320412', name: '武进区' },
  ],
  cells: [
    { funding_district_code: '320402', funding_district_name: '天宁区', service_district_code: '320412', service_district_name: '武进区', meals: 3, amount: '9.10', city_amount: '0.00', gross: '45.00', subsidy: '9.10' },
    { funding_district_code: '320412', funding_district_name: '武进区', service_district_code: '320402', service_district_name: '天宁区', meals: 1, amount: '1234.50', city_amount: '1.00', gross: '15.00', subsidy: '4.00' },
  ],
  total_meals: 4,
  total_amount: '1243.60',
  total_city_amount: '1.00',
}

describe('charts', () => {
  it('draws the matrix as a heat map: rows fund, columns serve, labels are the API\'s amounts', () => {
    const option = matrixHeatmap(matrix) as { series: Array<{ data: Array<{ value: number[]; text: string }> }>; xAxis: { data: string[] }; yAxis: { data: string[] } }
    expect(option.xAxis.data).toEqual(['天宁区', '武进区'])
    expect(option.yAxis.data).toEqual(['天宁区', '武进区'])
    const cells = option.series[0].data
    expect(cells[0].value).toEqual([1, 0, 9.1])
    expect(cells[0].text).toBe('¥9.10')
    expect(cells[1].text).toBe('¥1,234.50')
    expect(countPoints(option as never)).toEqual({ series: 1, points: 2 })
  })

  it('counts only series that have something to draw', () => {
    expect(countPoints({ series: [{ type: 'bar', data: [0, 0] }, { type: 'line', data: [0, 3, null] }] })).toEqual({ series: 1, points: 1 })
    expect(countPoints({})).toEqual({ series: 0, points: 0 })
  })

  it('draws one line per district of meals served per day', () => {
    const option = mealsPerDayOption({
      from: '2026-11-23', to: '2026-11-24', dates: ['2026-11-23', '2026-11-24'], totals: [0, 4], total_meals: 4,
      districts: [
        { district_code: '320402', district_name: '天宁区', meals: [0, 3], total: 3 },
        { district_code: '320412', district_name: '武进区', meals: [0, 1], total: 1 },
      ],
    }) as { xAxis: { data: string[] } }
    expect(option.xAxis.data).toEqual(['11月23日', '11月24日'])
    expect(countPoints(option as never)).toEqual({ series: 2, points: 2 })
  })

  it('stacks the subsidy by funder level, tooltips with the API\'s strings', () => {
    const series = (v: string[]) => v
    const option = subsidyByLevelOption({
      months: ['2026-10', '2026-11'],
      districts: [],
      totals: { meals: [0, 6], city: series(['0.00', '0.00']), district: series(['0.00', '12.00']), street: series(['0.00', '10.00']), total: series(['0.00', '22.00']) },
      sum: { meals: 6, city: '0.00', district: '12.00', street: '10.00', total: '22.00' },
    }) as { series: Array<{ name: string; data: Array<{ value: number; name: string }> }> }
    expect(option.series.map((s) => s.name)).toEqual(['市级', '区级', '街道级'])
    expect(option.series[1].data[1]).toEqual({ value: 12, name: '¥12.00' })
    expect(countPoints(option as never)).toEqual({ series: 2, points: 2 })
  })

  it('shows both sides of 同城共享 and the plan against its targets', () => {
    const cross = crossDistrictOption({
      from: '', to: '', meals: 6, cross_meals: 5, cross_percent: 83.3, flows: [],
      districts: [{ district_code: '320402', district_name: '天宁区', elders_meals: 2, eaten_elsewhere: 1, eaten_elsewhere_percent: 50, served_meals: 3, served_for_others: 2, served_for_others_percent: 66.7 }],
    }) as { series: Array<{ data: number[] }> }
    expect(cross.series.map((s) => s.data)).toEqual([[50], [66.7]])
    const plan = planByDistrictOption({
      years: [2024, 2025],
      targets: [{ scope: '320402', scope_name: '天宁区', from_year: 2024, to_year: 2026, target: 15, built: 12 }],
      districts: [{ district_code: '320402', district_name: '天宁区', by_year: [8, 4], total: 12 }],
      city_by_year: [8, 4],
    }) as { series: Array<{ name: string; data: number[] }> }
    expect(plan.series.map((s) => [s.name, s.data])).toEqual([
      ['2024 年建成', [8]],
      ['2025 年建成', [4]],
      ['规划目标', [15]],
    ])
  })
})
