// The operations the screens use, named in the domain's words (see /api/openapi.json).
import { get, post } from './client.js'

export const api = {
  signInWeChat: (code) => post('/auth/wechat', { code }),
  signInStaff: (username, password) => post('/auth/login', { username, password }),
  signOut: () => post('/auth/logout'),
  me: () => get('/me'),
  myElders: () => get('/me/elders'),
  familyLinks: () => get('/family-links', { page_size: 50 }),
  askLink: (body) => post('/family-links', body),

  districts: () => get('/places/districts'),
  streets: (code) => get(`/places/districts/${code}/streets`),
  near: (lat, lng, radius_m = 2000) => get('/meal-points/near', { lat, lng, radius_m, page_size: 30 }),
  directory: (district_code) => get('/meal-points', { district_code, page_size: 100 }),
  mealPoint: (id) => get(`/meal-points/${id}`),
  menu: (id, from, to) => get(`/meal-points/${id}/menu`, { from, to }),

  quote: (elderId, q) => get(`/elders/${elderId}/quote`, q),
  book: (body) => post('/orders', body),
  order: (id) => get(`/orders/${encodeURIComponent(id)}`),
  elderOrders: (elderId) => get(`/elders/${elderId}/orders`),
  cancel: (id) => post(`/orders/${encodeURIComponent(id)}/cancel`, {}),

  rate: (orderId, body) => post(`/orders/${encodeURIComponent(orderId)}/rating`, body),
  rating: (orderId) => get(`/orders/${encodeURIComponent(orderId)}/rating`),
  ratings: (mealPointId) => get(`/meal-points/${mealPointId}/ratings`, { page_size: 50 }),
  reply: (ratingId, text) => post(`/ratings/${ratingId}/reply`, { text }),
  complain: (body) => post('/complaints', body),
  myComplaints: () => get('/me/complaints'),

  myMealPoints: () => get('/me/meal-points', { page_size: 50 }),
  day: (id, date) => get(`/meal-points/${id}/day`, { date }),
  verifyPickup: (id, code) => post(`/meal-points/${id}/pickups`, { code }),
  deliveries: (id, date, slot) => get(`/meal-points/${id}/deliveries`, { date, slot }),
  outForDelivery: (orderId) => post(`/orders/${encodeURIComponent(orderId)}/out-for-delivery`),
  delivered: (orderId, signed_by) => post(`/orders/${encodeURIComponent(orderId)}/delivered`, { signed_by }),
}
