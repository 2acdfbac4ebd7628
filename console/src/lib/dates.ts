// Dates in Shanghai time. The API sends instants in UTC (RFC 3339) and business dates as
// `YYYY-MM-DD` in Shanghai; the console shows instants in Shanghai time whatever the browser's
// zone, and works out weeks from the service's own today (GET /clock), not the browser's.

const TZ = 'Asia/Shanghai'

const dateTimeParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

function parts(instant: string | Date): Record<string, string> {
  const d = typeof instant === 'string' ? new Date(instant) : instant
  const out: Record<string, string> = {}
  for (const p of dateTimeParts.formatToParts(d)) out[p.type] = p.value
  return out
}

/** `2026-11-30T16:05:00+00:00` → `2026-12-01 00:05` (Shanghai). */
export function dateTime(instant: string | null | undefined): string {
  if (!instant) return '—'
  const d = new Date(instant)
  if (Number.isNaN(d.getTime())) return instant
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** The Shanghai date of an instant, `YYYY-MM-DD`. */
export function shanghaiDate(instant: string | Date): string {
  const p = parts(instant)
  return `${p.year}-${p.month}-${p.day}`
}

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`)
}

export function addDays(date: string, n: number): string {
  const d = utc(date)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const day = utc(date).getUTCDay()
  return day === 0 ? 7 : day
}

/** The Monday of the week a date is in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date))
}

export function weekDates(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i))
}

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

export function weekdayLabel(date: string): string {
  return WEEKDAYS[isoWeekday(date) - 1]
}

/** `2026-12-01` → `12月1日`. */
export function shortDate(date: string): string {
  const [, m, d] = date.split('-')
  return `${Number(m)}月${Number(d)}日`
}

/** `YYYY-MM` of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7)
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** Whole years between a birth date and another date (age bands count on the meal date). */
export function birthDateForAge(age: number, on: string): string {
  const [y, m, d] = on.split('-')
  const year = Number(y) - age
  // 29 February in a year without one: the day before the birthday would be 28 February.
  const candidate = `${String(year).padStart(4, '0')}-${m}-${d}`
  return utc(candidate).toISOString().slice(0, 10) === candidate ? candidate : `${year}-02-28`
}
