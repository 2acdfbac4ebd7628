// The meal point profile form, and the PATCH it sends: only what changed, so an operator never
// sends a field only the city may change.
import type { components } from '../api/schema'

type MealPoint = components['schemas']['MealPointView']
type Changes = components['schemas']['MealPointChanges']

export interface SlotHoursForm {
  slot: string
  on: boolean
  opens: string
  closes: string
}

export interface ProfileForm {
  name: string
  phone: string
  address: string
  food_licence_no: string
  service_modes: string[]
  delivery_radius_m: number
  opening_days: number[]
  slot_hours: SlotHoursForm[]
  order_lead_minutes: number
  booking_days_ahead: number
  live_video_url: string
}

const sameSet = <T>(a: T[], b: T[]) => a.length === b.length && a.every((x) => b.includes(x))

export function profileChanges(point: MealPoint, form: ProfileForm): Changes {
  const changes: Changes = {}
  if (form.name.trim() !== point.name) changes.name = form.name.trim()
  if (form.phone.trim() !== point.phone) changes.phone = form.phone.trim()
  if (form.address.trim() !== point.address) changes.address = form.address.trim()
  if (form.food_licence_no.trim() !== point.food_licence_no) changes.food_licence_no = form.food_licence_no.trim()
  const modes = point.service_modes.map((m) => m.code)
  if (!sameSet(form.service_modes, modes)) changes.service_modes = [...form.service_modes]
  if (form.service_modes.includes('delivery') && form.delivery_radius_m !== point.delivery_radius_m) {
    changes.delivery_radius_m = form.delivery_radius_m
  }
  if (!sameSet(form.opening_days, point.opening_days)) changes.opening_days = [...form.opening_days].sort()
  const hours = form.slot_hours.filter((h) => h.on).map((h) => ({ slot: h.slot, opens: h.opens, closes: h.closes }))
  const before = point.slot_hours.map((h) => ({ slot: h.slot, opens: h.opens, closes: h.closes }))
  if (JSON.stringify(hours) !== JSON.stringify(before)) changes.slot_hours = hours
  if (form.order_lead_minutes !== point.order_lead_minutes) changes.order_lead_minutes = form.order_lead_minutes
  if (form.booking_days_ahead !== point.booking_days_ahead) changes.booking_days_ahead = form.booking_days_ahead
  const video = form.live_video_url.trim()
  // The API takes `null` to remove the link; the document types the field as a plain string.
  if (video !== (point.live_video_url ?? '')) changes.live_video_url = video === '' ? (null as unknown as string) : video
  return changes
}
