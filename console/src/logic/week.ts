// The week planner's grid: days × slots, each cell the offerings published there (with what is
// booked) and the drafts waiting to be published together. Publishing is all or nothing; the
// API names the draft at fault (`offerings[3].portions`), which lands on its cell.
import type { components } from '../api/schema'
import { weekDates } from '../lib/dates'

type Menu = components['schemas']['Menu']
type MenuItem = components['schemas']['MenuItem']

export interface Published {
  offeringId: number
  dishId: number
  dishName: string
  price: string
  portions: number
  booked: number
}

export interface Draft {
  dishId: number
  dishName: string
  date: string
  slot: string
  portions: number
  /** The API's amount string, or undefined for the dish's own price. */
  price?: string
}

export interface Cell {
  key: string
  date: string
  slot: string
  published: Published[]
  drafts: Array<Draft & { index: number }>
  /** The API's refusal that names this cell. */
  error?: string
}

export const cellKey = (date: string, slot: string) => `${date}|${slot}`

/** Portions already booked: the menu gives portions and portions left. */
export function bookedOf(item: Pick<MenuItem, 'portions' | 'portions_left'>): number {
  return Math.max(0, item.portions - item.portions_left)
}

/** The grid of a week, for the slots the meal point serves, in serving order. */
export function buildGrid(
  monday: string,
  slots: string[],
  menu: Menu | null,
  drafts: Draft[],
  errors: Record<string, string> = {},
): Cell[][] {
  const dates = weekDates(monday)
  const published = new Map<string, Published[]>()
  for (const day of menu?.days ?? []) {
    for (const slot of day.slots) {
      published.set(
        cellKey(day.date, slot.slot),
        slot.items.map((item) => ({
          offeringId: item.offering_id,
          dishId: item.dish_id,
          dishName: item.dish_name,
          price: item.price,
          portions: item.portions,
          booked: bookedOf(item),
        })),
      )
    }
  }
  return slots.map((slot) =>
    dates.map((date) => {
      const key = cellKey(date, slot)
      return {
        key,
        date,
        slot,
        published: published.get(key) ?? [],
        drafts: drafts.map((d, index) => ({ ...d, index })).filter((d) => d.date === date && d.slot === slot),
        error: errors[key],
      }
    }),
  )
}

/** The publish request for every draft, in draft order (the API's indexes are these). */
export function publishRequest(drafts: Draft[]) {
  return {
    offerings: drafts.map((d) => ({
      dish_id: d.dishId,
      date: d.date,
      slot: d.slot,
      portions: d.portions,
      ...(d.price ? { price: d.price } : {}),
    })),
  }
}

/** The cell a refusal names: `offerings[3]…` is draft 3's cell. */
export function cellOfError(field: string | undefined, drafts: Draft[]): string | null {
  const m = field ? /^offerings\[(\d+)\]/.exec(field) : null
  if (!m) return null
  const draft = drafts[Number(m[1])]
  return draft ? cellKey(draft.date, draft.slot) : null
}

/** A dish already on a cell (published or drafted) cannot be added again. */
export function alreadyOnCell(cell: Cell, dishId: number): boolean {
  return cell.published.some((p) => p.dishId === dishId) || cell.drafts.some((d) => d.dishId === dishId)
}

/** Why new portions would be refused before asking the API (it checks again). */
export function portionsProblem(portions: number, booked: number): string | null {
  if (!Number.isInteger(portions) || portions < 0 || portions > 10000) return '份数需为 0 到 10000 之间的整数'
  if (portions < booked) return `不能少于已订的 ${booked} 份`
  return null
}

/** The copy's outcome as one sentence: how many copied, how many skipped and why. */
export function copySummary(copy: components['schemas']['WeekCopy']): string {
  const reasons = new Map<string, number>()
  for (const s of copy.skipped) reasons.set(s.reason_label, (reasons.get(s.reason_label) ?? 0) + 1)
  const skipped = [...reasons].map(([label, n]) => `${label} ${n} 项`).join('，')
  return skipped ? `已复制 ${copy.created.length} 项；未复制：${skipped}` : `已复制 ${copy.created.length} 项`
}
