// The rating and complaint forms as the API takes them (POST /orders/{id}/rating, /complaints).
import type { Schema } from '../api/client'

type Aspect = 'overall' | 'taste' | 'portion' | 'hygiene' | 'service'
export const RATING_ASPECTS: { key: Aspect; label: string }[] = [
  { key: 'overall', label: '总体' },
  { key: 'taste', label: '口味' },
  { key: 'portion', label: '分量' },
  { key: 'hygiene', label: '卫生' },
  { key: 'service', label: '服务' },
]

export function ratingBody(scores: Record<Aspect, number>, comment: string): Schema<'NewRatingBody'> {
  const body: Partial<Schema<'NewRatingBody'>> = {}
  for (const { key } of RATING_ASPECTS) {
    const n = Number(scores[key])
    if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error(`${key} must be 1..5`)
    body[key] = n
  }
  const text = (comment || '').trim()
  if (text) body.comment = text
  return body as Schema<'NewRatingBody'>
}

export const COMPLAINT_CATEGORIES: { code: Schema<'NewComplaintBody'>['category']; label: string }[] = [
  { code: 'food_safety', label: '食品安全' },
  { code: 'hygiene', label: '卫生' },
  { code: 'service_attitude', label: '服务态度' },
  { code: 'price', label: '价格' },
  { code: 'delivery', label: '送餐' },
  { code: 'other', label: '其他' },
]

export function complaintBody({ mealPointId, orderId, elderId, category, text }: { mealPointId: number; orderId?: string; elderId?: number | null; category: Schema<'NewComplaintBody'>['category']; text: string }): Schema<'NewComplaintBody'> {
  const body: Schema<'NewComplaintBody'> = { meal_point_id: Number(mealPointId), category, text: (text || '').trim() }
  if (orderId) body.order_id = orderId
  if (elderId) body.elder_id = Number(elderId)
  return body
}
