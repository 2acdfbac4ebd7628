// Chart options built from the API's figures. Amounts stay strings for every label and tooltip;
// only a bar's height or a cell's colour is a number.
import type { EChartsOption } from 'echarts'
import type { components } from '../api/schema'
import { chartValue, yuan } from '../lib/money'
import { shortDate } from '../lib/dates'

type Matrix = components['schemas']['Matrix']

/** How many series have data, and how many non-empty data points they hold. */
export function countPoints(option: EChartsOption): { series: number; points: number } {
  const list = Array.isArray(option.series) ? option.series : option.series ? [option.series] : []
  let series = 0
  let points = 0
  for (const s of list) {
    const data = (s as { data?: unknown[] }).data ?? []
    const filled = data.filter((d) => {
      const v = Array.isArray(d) ? d[d.length - 1] : d && typeof d === 'object' && 'value' in d ? (d as { value: unknown }).value : d
      const last = Array.isArray(v) ? v[v.length - 1] : v
      return last !== null && last !== undefined && last !== 0 && last !== '-'
    }).length
    if (filled > 0) series += 1
    points += filled
  }
  return { series, points }
}

/** The settlement matrix as a heat map: rows = funding district, columns = service district. */
export function matrixHeatmap(m: Matrix): EChartsOption {
  const names = m.districts.map((d) => d.name)
  const index = new Map(m.districts.map((d, i) => [d.code, i]))
  const cells = m.cells.map((c) => ({
    value: [index.get(c.service_district_code) ?? 0, index.get(c.funding_district_code) ?? 0, chartValue(c.amount)],
    text: yuan(c.amount),
    meals: c.meals,
    cityAmount: yuan(c.city_amount),
  }))
  const max = Math.max(1, ...cells.map((c) => c.value[2] as number))
  return {
    tooltip: {
      formatter: (p: unknown) => {
        const d = (p as { data: (typeof cells)[number] }).data
        return `${names[d.value[1] as number]} → ${names[d.value[0] as number]}<br/>${d.meals} 餐，应付 ${d.text}（市级 ${d.cityAmount}）`
      },
    },
    grid: { left: 100, right: 30, top: 30, bottom: 80 },
    xAxis: { type: 'category', data: names, name: '就餐区', nameLocation: 'middle', nameGap: 50, splitArea: { show: true } },
    yAxis: { type: 'category', data: names, name: '出资区（户籍）', inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 200, inRange: { color: ['#e8f0fb', '#1a5fb4'] }, text: ['多', '少'] },
    series: [
      {
        name: '应付金额',
        type: 'heatmap',
        data: cells,
        label: { show: true, formatter: (p: unknown) => (p as { data: (typeof cells)[number] }).data.text, color: '#1f2328', backgroundColor: 'rgba(255,255,255,0.85)', padding: [2, 4] },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
  }
}

type Daily = components['schemas']['MealsPerDayView']
type Monthly = components['schemas']['SubsidyPerMonthView']
type Cross = components['schemas']['CrossDistrictView']
type Feedback = components['schemas']['FeedbackView']
type Plan = components['schemas']['PlanProgressView']

/** Meals served per day, one line per district. */
export function mealsPerDayOption(d: Daily): EChartsOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: d.dates.map(shortDate) },
    yAxis: { type: 'value', name: '餐数', minInterval: 1 },
    series: d.districts.map((s) => ({ name: s.district_name, type: 'line', stack: 'meals', areaStyle: {}, data: s.meals, symbol: 'none' })),
  }
}

/** An axis tooltip listing each series' amount as the API wrote it (kept in the point's name). */
function amountsTooltip(params: unknown): string {
  const list = params as Array<{ seriesName: string; axisValue: string; data: { name: string } }>
  return [list[0]?.axisValue, ...list.map((p) => `${p.seriesName}：${p.data.name}`)].join('<br/>')
}

/** Subsidy per month, stacked by funder level (the city's totals). */
export function subsidyByLevelOption(m: Monthly): EChartsOption {
  const level = (name: string, amounts: string[]) => ({
    name,
    type: 'bar' as const,
    stack: 'subsidy',
    data: amounts.map((a) => ({ value: chartValue(a), name: yuan(a) })),
  })
  return {
    tooltip: { trigger: 'axis', formatter: amountsTooltip },
    legend: { top: 0 },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: m.months },
    yAxis: { type: 'value', name: '元' },
    series: [level('市级', m.totals.city), level('区级', m.totals.district), level('街道级', m.totals.street)],
  }
}

/** Subsidy per district (the elders' hukou district) over the whole span, by level. */
export function subsidyByDistrictOption(m: Monthly): EChartsOption {
  const names = m.districts.map((d) => d.district_name)
  const level = (name: string, pick: (d: Monthly['districts'][number]) => string) => ({
    name,
    type: 'bar' as const,
    stack: 'level',
    data: m.districts.map((d) => ({ value: chartValue(pick(d)), name: yuan(pick(d)) })),
  })
  return {
    tooltip: { trigger: 'axis', formatter: amountsTooltip },
    legend: { top: 0 },
    grid: { left: 70, right: 20, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: 'value', name: '元' },
    series: [level('市级', (d) => d.sum.city), level('区级', (d) => d.sum.district), level('街道级', (d) => d.sum.street)],
  }
}

/** 同城共享: per district, the share of its elders' meals eaten elsewhere and of its meal points' meals served to others. */
export function crossDistrictOption(c: Cross): EChartsOption {
  const names = c.districts.map((d) => d.district_name)
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: 'value', name: '%', max: 100 },
    series: [
      { name: '本区老人在外区就餐', type: 'bar', data: c.districts.map((d) => d.eaten_elsewhere_percent ?? 0) },
      { name: '本区助餐点服务外区老人', type: 'bar', data: c.districts.map((d) => d.served_for_others_percent ?? 0) },
    ],
  }
}

/** Ratings and complaint deadlines met, per district. */
export function feedbackOption(f: Feedback): EChartsOption {
  const rows = f.districts
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 50, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: rows.map((r) => r.district_name), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: [
      { type: 'value', name: '平均分', min: 0, max: 5 },
      { type: 'value', name: '按时率 %', min: 0, max: 100 },
    ],
    series: [
      { name: '评价平均分', type: 'bar', data: rows.map((r) => r.average_overall ?? 0) },
      { name: '按时受理率', type: 'line', yAxisIndex: 1, data: rows.map((r) => r.ack_met_percent ?? null) },
      { name: '按时办结率', type: 'line', yAxisIndex: 1, data: rows.map((r) => r.resolve_met_percent ?? null) },
    ],
  }
}

/** Meal points built per district and year, against each district's target. */
export function planByDistrictOption(p: Plan): EChartsOption {
  const districts = p.districts
  const targetOf = (code: string) =>
    p.targets.filter((t) => t.scope === code).reduce((n, t) => n + t.target, 0)
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: districts.map((d) => d.district_name), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: 'value', name: '个', minInterval: 1 },
    series: [
      ...p.years.map((year, i) => ({ name: `${year} 年建成`, type: 'bar' as const, stack: 'built', data: districts.map((d) => d.by_year[i]) })),
      { name: '规划目标', type: 'line' as const, symbol: 'diamond', symbolSize: 12, lineStyle: { type: 'dashed' as const }, data: districts.map((d) => targetOf(d.district_code)) },
    ],
  }
}

/** City-wide: meal points built per year against the year's target. */
export function planByYearOption(p: Plan): EChartsOption {
  const targetOf = (year: number) =>
    p.targets.filter((t) => t.scope === 'city' && t.from_year === year && t.to_year === year).reduce((n, t) => n + t.target, 0)
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: p.years.map((y) => `${y}`) },
    yAxis: { type: 'value', name: '个', minInterval: 1 },
    series: [
      { name: '建成', type: 'bar', data: p.city_by_year },
      { name: '年度目标', type: 'bar', data: p.years.map(targetOf) },
    ],
  }
}
