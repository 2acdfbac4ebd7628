// The city's new meal point form and its request.
import type { components } from '../api/schema'

type NewMealPoint = components['schemas']['NewMealPoint']

export interface MealPointForm {
  name: string
  kind: string
  district_code: string
  street_id: number | undefined
  address: string
  lat: string
  lng: string
  phone: string
  service_modes: string[]
  delivery_radius_m: number
  opening_days: number[]
  lunch_opens: string
  lunch_closes: string
  food_licence_no: string
}

export function blankMealPoint(): MealPointForm {
  return {
    name: '',
    kind: 'community_canteen',
    district_code: '',
    street_id: undefined,
    address: '',
    lat: '',
    lng: '',
    phone: '',
    service_modes: ['dine_in', 'pickup'],
    delivery_radius_m: 1000,
    opening_days: [1, 2, 3, 4, 5],
    lunch_opens: '11:00',
    lunch_closes: '12:30',
    food_licence_no: '',
  }
}

/** The request, or the first problem the form can see before asking the API. */
export function newMealPointRequest(f: MealPointForm): NewMealPoint | { problem: string; field: string } {
  const lat = Number(f.lat)
  const lng = Number(f.lng)
  if (!f.lat.trim() || !Number.isFinite(lat)) return { problem: '请填写纬度（GCJ-02，如 31.7768）', field: 'lat' }
  if (!f.lng.trim() || !Number.isFinite(lng)) return { problem: '请填写经度（GCJ-02，如 119.9530）', field: 'lng' }
  if (!f.street_id) return { problem: '请选择街道或镇', field: 'street_id' }
  return {
    name: f.name.trim(),
    kind: f.kind,
    district_code: f.district_code,
    street_id: f.street_id,
    address: f.address.trim(),
    lat,
    lng,
    phone: f.phone.trim(),
    service_modes: f.service_modes,
    ...(f.service_modes.includes('delivery') ? { delivery_radius_m: f.delivery_radius_m } : {}),
    opening_days: [...f.opening_days].sort(),
    slot_hours: [{ slot: 'lunch', opens: f.lunch_opens, closes: f.lunch_closes }],
    food_licence_no: f.food_licence_no.trim(),
  }
}
