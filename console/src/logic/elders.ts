// The elder register's rules on the client: what a search box holds, and the form's request.
import type { components } from '../api/schema'

type NewElder = components['schemas']['NewElderRequest']

/** An ID-card number is searched by `POST /elders/find-by-id-card`, anything else by name. */
export function searchKind(text: string): 'id_card' | 'name' | 'empty' {
  const t = text.trim()
  if (!t) return 'empty'
  return /^\d{17}[\dXx]$/.test(t) ? 'id_card' : 'name'
}

export interface ElderForm {
  name: string
  id_card: string
  phone: string
  hukou_district_code: string
  residence_district_code: string
  residence_street_id: number | undefined
  address: string
  categories: string[]
}

export function newElderRequest(form: ElderForm): NewElder {
  return {
    name: form.name.trim(),
    id_card: form.id_card.trim().toUpperCase(),
    phone: form.phone.trim(),
    hukou_district_code: form.hukou_district_code,
    residence_district_code: form.residence_district_code,
    ...(form.residence_street_id ? { residence_street_id: form.residence_street_id } : {}),
    address: form.address.trim(),
    categories: form.categories as NewElder['categories'],
  }
}

export const ELDER_STATUS_LABELS: Record<string, string> = {
  active: '已登记',
  pending_review: '待审核',
  rejected: '已驳回',
}
