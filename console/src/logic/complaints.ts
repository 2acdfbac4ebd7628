// Which steps a staff member may take on a complaint, as the API allows them (the API checks
// again), and the order the list shows: overdue ones first, then the nearest deadline.
import type { components } from '../api/schema'
import type { Role } from '../api/session'

type Complaint = components['schemas']['ComplaintView']

export type ComplaintAction = 'acknowledge' | 'resolve' | 'escalate' | 'close'

export const ACTION_LABELS: Record<ComplaintAction, string> = {
  acknowledge: '受理',
  resolve: '处理完毕',
  escalate: '转区督办',
  close: '办结',
}

/** Actions that need a note (the API refuses them without one). */
export const NOTE_REQUIRED: ComplaintAction[] = ['resolve', 'close']

export function complaintActions(role: Role | undefined, state: string): ComplaintAction[] {
  const district = role === 'district_clerk' || role === 'city_admin'
  const staff = district || role === 'operator'
  if (!staff) return []
  switch (state) {
    case 'submitted':
      return ['acknowledge', 'escalate']
    case 'acknowledged':
      return ['resolve', 'escalate']
    case 'escalated':
      return district ? ['resolve', 'close'] : []
    case 'resolved':
      return district ? ['close'] : []
    default:
      return []
  }
}

/** The deadline that matters now: acknowledge while submitted, resolve after. */
export function nextDeadline(c: Complaint): string | null {
  if (c.state === 'submitted') return c.ack_due_at
  if (c.state === 'acknowledged' || c.state === 'escalated') return c.resolve_due_at
  return null
}

export function overdueFirst(list: Complaint[]): Complaint[] {
  return [...list].sort((a, b) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1
    const da = nextDeadline(a) ?? '9999'
    const db = nextDeadline(b) ?? '9999'
    return da < db ? -1 : da > db ? 1 : b.id - a.id
  })
}
