// Today's board: the day's orders grouped for the counter, the kitchen and the delivery round.
import type { components } from '../api/schema'

type DayOrder = components['schemas']['DayOrder']
type SlotDay = components['schemas']['SlotDay']

export const STATE_ORDER = ['booked', 'out_for_delivery', 'served', 'no_show', 'cancelled'] as const

/** Orders of one slot, by state in the order the counter works through them. */
export function byState(orders: DayOrder[], slot: string): Array<{ state: string; label: string; orders: DayOrder[] }> {
  const inSlot = orders.filter((o) => o.slot === slot)
  return STATE_ORDER.map((state) => {
    const matching = inSlot.filter((o) => o.state === state)
    return { state, label: matching[0]?.state_label ?? '', orders: matching }
  }).filter((g) => g.orders.length > 0)
}

/** The deliveries of the day still to do or done, by slot: waiting, out, delivered. */
export function deliveries(orders: DayOrder[]): DayOrder[] {
  return orders.filter((o) => o.mode === 'delivery' && ['booked', 'out_for_delivery', 'served'].includes(o.state))
}

/** What a delivery's next step is, if any. */
export function nextDeliveryStep(order: DayOrder): 'out' | 'delivered' | null {
  if (order.mode !== 'delivery') return null
  if (order.state === 'booked') return 'out'
  if (order.state === 'out_for_delivery') return 'delivered'
  return null
}

/** Slots with anything to cook or any order, in serving order. */
export function activeSlots(slots: SlotDay[]): SlotDay[] {
  return slots.filter((s) => s.dishes.length > 0 || s.booked + s.out_for_delivery + s.served + s.cancelled + s.no_show > 0)
}

/** The kitchen sheet's lines: dish and portions to cook, per slot. */
export function kitchenLines(slots: SlotDay[]): Array<{ slot: string; slotLabel: string; dishes: Array<{ name: string; portions: number }>; total: number }> {
  return activeSlots(slots).map((s) => ({
    slot: s.slot,
    slotLabel: s.slot_label,
    dishes: s.dishes.map((d) => ({ name: d.dish_name, portions: d.portions })),
    total: s.dishes.reduce((n, d) => n + d.portions, 0),
  }))
}

/** A typed code or a scanned QR payload, trimmed; the API checks it. */
export function normaliseCode(text: string): string {
  return text.trim().replace(/\s+/g, '')
}

/** How the notice column shows whether the elder's side was told: no one reached is the one to
 * call before the meal. */
export function noticeTag(notice: DayOrder['notice']): 'success' | 'info' | 'danger' {
  if (notice === 'reached') return 'success'
  if (notice === 'pending') return 'info'
  return 'danger'
}
