// The dashboard's headline figures, each taken from the API as it is (sums come from the API).
import type { components } from '../api/schema'

export interface Kpi {
  key: string
  label: string
  value: string
}

interface Figures {
  plan: components['schemas']['PlanProgressView'] | null
  daily: components['schemas']['MealsPerDayView'] | null
  monthly: components['schemas']['SubsidyPerMonthView'] | null
  cross: components['schemas']['CrossDistrictView'] | null
  feedback: components['schemas']['FeedbackView'] | null
}

export function dashboardKpis(f: Figures, yuan: (amount: string) => string): Kpi[] {
  const out: Kpi[] = []
  if (f.plan) {
    // The plan's whole span for the scope: the widest target (a district's plan, or the city's years).
    const districtTargets = f.plan.targets.filter((t) => t.scope !== 'city')
    const target = districtTargets.reduce((n, t) => n + t.target, 0)
    const built = districtTargets.reduce((n, t) => n + t.built, 0)
    out.push({ key: 'plan', label: '规划助餐点 已建成/目标', value: `${built} / ${target}` })
  }
  if (f.daily) out.push({ key: 'meals', label: '期间用餐人次', value: String(f.daily.total_meals) })
  if (f.monthly) out.push({ key: 'subsidy', label: '期间补贴合计', value: yuan(f.monthly.sum.total) })
  if (f.cross) out.push({ key: 'cross', label: '跨区就餐占比', value: f.cross.cross_percent !== undefined ? `${f.cross.cross_percent}%` : '—' })
  if (f.feedback) {
    const t = f.feedback.total
    out.push({ key: 'rating', label: '评价平均分', value: t.average_overall !== undefined ? `${t.average_overall}` : '—' })
    out.push({ key: 'ack', label: '投诉按时受理率', value: t.ack_met_percent !== undefined ? `${t.ack_met_percent}%` : '—' })
  }
  return out
}

/** `YYYY-MM` n months before another. */
export function monthsBack(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  const total = y * 12 + (m - 1) - n
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`
}
