// What a settlement run's page offers each role in each state (the API checks again), and the
// statements it can export.
import type { components } from '../api/schema'
import type { Account } from '../api/session'

type Run = components['schemas']['RunView']

export type RunAction = 'recompute' | 'submit' | 'confirm' | 'dispute' | 'reopen' | 'approve'

export const RUN_ACTION_LABELS: Record<RunAction, string> = {
  recompute: '重新计算',
  submit: '提交各区确认',
  confirm: '确认本区数据',
  dispute: '提出异议',
  reopen: '退回草稿',
  approve: '审批并锁定',
}

/** Actions that need a comment: a dispute always, a reopen to say why. */
export const COMMENT_REQUIRED: RunAction[] = ['dispute']

export function runActions(account: Account | null | undefined, run: Run): RunAction[] {
  const role = account?.role
  if (role !== 'city_admin' && role !== 'district_clerk') return []
  switch (run.state) {
    case 'draft':
      return ['recompute', 'submit']
    case 'submitted':
      if (role === 'city_admin') return ['reopen', 'approve']
      return run.reviews.some((r) => r.district_code === account?.district_code) ? ['confirm', 'dispute'] : []
    default:
      return []
  }
}

/** Every involved district has confirmed: the city may approve. */
export function allConfirmed(run: Run): boolean {
  return run.reviews.length > 0 && run.reviews.every((r) => r.decision === 'confirmed')
}

export const STATEMENTS = [
  { code: 'meal_points', label: '助餐点明细' },
  { code: 'districts', label: '各区汇总' },
  { code: 'matrix', label: '区间矩阵' },
  { code: 'net', label: '轧差' },
] as const

export function exportPath(runId: number, statement: string, format: 'csv' | 'xlsx'): string {
  return `/settlement-runs/${runId}/export?statement=${statement}&format=${format}`
}

/** A month the city would usually settle: the one before the service's today. */
export function defaultMonth(today: string): string {
  const [y, m] = today.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}
