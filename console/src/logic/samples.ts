// The 留样 log's screen logic: the kept time typed as HH:mm on the meal's day (Shanghai), whether a
// sample may be discarded yet (48 h after it was kept), and the day's counts in words.
export interface SampleRow {
  slot: string
  slot_label: string
  dish_id: number
  dish_name: string
  recorded: boolean
  kept?: boolean | null
  kept_at?: string | null
  photo_url?: string | null
  discarded_at?: string | null
  discard_from?: string | null
}

/** `2026-11-23` and `11:20` → the instant, written with Shanghai's offset. */
export function keptAtInstant(date: string, hhmm: string): string {
  return `${date}T${hhmm}:00+08:00`
}

/** The HH:mm (Shanghai) of an instant the API wrote. */
export function shanghaiTime(instant: string | null | undefined): string {
  if (!instant) return ''
  const t = new Date(new Date(instant).getTime() + 8 * 3600 * 1000)
  return `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`
}

/** A kept, not yet discarded sample whose 48 hours have passed at `now`. */
export function mayDiscard(row: SampleRow, now: string): boolean {
  if (!row.kept || row.discarded_at || !row.discard_from) return false
  return new Date(now).getTime() >= new Date(row.discard_from).getTime()
}

export function summaryText(s: { dishes: number; recorded: number; kept: number; discarded: number }): string {
  if (!s.dishes) return '这一天没有供应的菜'
  const missing = s.dishes - s.recorded
  return `共 ${s.dishes} 道菜：已记录 ${s.recorded}，留样 ${s.kept}，已处理 ${s.discarded}${missing ? `，还有 ${missing} 道未记录` : ''}`
}
