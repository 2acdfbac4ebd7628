// The service's today (GET /clock), fetched once: weeks and "today" follow the service, whose
// clock a demo may start elsewhere, not the browser's.
import { call, client } from '../api/client'
import { shanghaiDate } from './dates'

let today: Promise<string> | null = null

export function serviceToday(): Promise<string> {
  today ??= call(client.GET('/clock'))
    .then((c) => c.today)
    .catch(() => {
      today = null
      return shanghaiDate(new Date())
    })
  return today
}
