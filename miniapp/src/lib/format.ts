// Words and numbers as an elder reads them.
export function yuan(text: string | null | undefined): string {
  if (text === undefined || text === null || text === '') return '—'
  return `¥${text}`
}

/** Adds two-decimal yuan strings exactly (in fen). */
export function sumYuan(values: string[]): string {
  let fen = 0
  for (const v of values) {
    const [i, f = ''] = String(v).split('.')
    const sign = i.startsWith('-') ? -1 : 1
    fen += sign * (Math.abs(Number(i)) * 100 + Number((f + '00').slice(0, 2)))
  }
  const sign = fen < 0 ? '-' : ''
  fen = Math.abs(fen)
  return `${sign}${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

export function distance(m: number | null | undefined): string {
  if (m === undefined || m === null) return ''
  if (m < 1000) return `约 ${Math.max(10, Math.round(m / 10) * 10)} 米`
  return `约 ${(m / 1000).toFixed(1)} 公里`
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']

/** `2026-11-24` → `11月24日 周二`, with 今天 / 明天 when it is. */
export function dayLabel(date: string, today?: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  const text = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${WEEKDAYS[d.getUTCDay()]}`
  if (today) {
    const diff = Math.round((d.getTime() - new Date(`${today}T00:00:00Z`).getTime()) / 86400000)
    if (diff === 0) return `今天 ${text}`
    if (diff === 1) return `明天 ${text}`
  }
  return text
}

/** `今天` / `明天` / `11月25日`, for a button. */
export function shortDay(date: string, today?: string): string {
  const label = dayLabel(date, today)
  if (label.startsWith('今天') || label.startsWith('明天')) return label.slice(0, 2)
  return label.split(' ')[0]
}

/** Today's date in Changzhou (UTC+8), as `YYYY-MM-DD`. */
export function shanghaiToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

/** Six digits read aloud in two groups: `123 456`. */
export function pickupCode(code: string | null | undefined): string {
  return code && code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code || ''
}

export const SLOT_LABEL: Record<string, string> = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' }
export const MODE_LABEL: Record<string, string> = { dine_in: '堂食', pickup: '自取', delivery: '送餐' }

export function newClientKey(): string {
  const hex = '0123456789abcdef'
  let s = ''
  for (let i = 0; i < 32; i++) s += hex[Math.floor(Math.random() * 16)]
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20)}`
}

export function scoreStars(avg: number | null | undefined): string {
  if (avg === null || avg === undefined) return '暂无评分'
  return `${Number(avg).toFixed(1)} 分`
}
