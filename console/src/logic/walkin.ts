// A walk-in order's lines: the dishes with a quantity, bookable now.
import type { components } from '../api/schema'

type MenuItem = components['schemas']['MenuItem']

export function bookingLines(items: MenuItem[], quantities: Record<number, number>) {
  return items
    .filter((item) => item.bookable_now && (quantities[item.offering_id] ?? 0) > 0)
    .map((item) => ({ offering_id: item.offering_id, quantity: quantities[item.offering_id] }))
}
