// An inspector's visit form and its request: every score 1–5 (0 means not yet given).
export interface VisitForm {
  date: string
  scores: { food_safety: number; hygiene: number; service: number }
  withNutrition: boolean
  nutrition: number
  sample: boolean
  notes: string
}

const NAMES: Record<string, string> = { food_safety: '食品安全', hygiene: '环境卫生', service: '服务', nutrition: '营养膳食' }

export type VisitRequest = {
  date: string
  scores: { food_safety: number; hygiene: number; service: number; nutrition?: number }
  notes: string
  sample_retained: boolean
}

export function visitRequest(f: VisitForm): VisitRequest | { problem: string; field: string } {
  for (const [key, value] of Object.entries(f.scores)) {
    if (!(value >= 1 && value <= 5)) return { problem: `请为“${NAMES[key]}”打分（1–5 分）`, field: `scores.${key}` }
  }
  if (f.withNutrition && !(f.nutrition >= 1 && f.nutrition <= 5)) return { problem: '请为“营养膳食”打分（1–5 分）', field: 'scores.nutrition' }
  return {
    date: f.date,
    scores: { ...f.scores, ...(f.withNutrition ? { nutrition: f.nutrition } : {}) },
    notes: f.notes.trim(),
    sample_retained: f.sample,
  }
}
