// WeChat subscribe messages (订阅消息): the mini program asks, on a tap, for the templates the
// service names for the screen (`GET /me/notice-subscriptions`), and reports WeChat's answers so
// the service counts each account's one-time subscriptions. H5 has no such API: nothing is asked
// there, and the screens work the same.
import { api } from '../api/client'

export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter'

/** Templates per screen, loaded once per sign-in (`null` when not signed in as elder/family). */
let screens: { booking: string[]; complaint: string[] } | null = null

/** What `wx.requestSubscribeMessage` answered, in the shape the service takes: one entry per
 * asked template that has a known answer. */
export function answersOf(result: Record<string, unknown>, asked: string[]): { template_id: string; answer: SubscribeAnswer }[] {
  const known: SubscribeAnswer[] = ['accept', 'reject', 'ban', 'filter']
  return asked
    .filter((id) => known.includes(result[id] as SubscribeAnswer))
    .map((id) => ({ template_id: id, answer: result[id] as SubscribeAnswer }))
}

/** Whether this platform can ask (the WeChat mini program; not the H5 page). */
export function canAsk(u: { requestSubscribeMessage?: unknown } = uni as never): boolean {
  return typeof u.requestSubscribeMessage === 'function' && process.env.UNI_PLATFORM === 'mp-weixin'
}

/** Loads the screens' templates; failures leave the screens as they are (messages are a help). */
export async function loadTemplates(): Promise<void> {
  if (!canAsk()) return
  try {
    const mine = await api.GET('/me/notice-subscriptions')
    screens = { booking: mine.booking_screen, complaint: mine.complaint_screen }
  } catch {
    screens = null
  }
}

/** Asks for the screen's templates. Call it first thing in a tap handler (WeChat shows the
 * dialog only for a tap), without awaiting; the answer is reported in the background. */
export function askOnTap(screen: 'booking' | 'complaint'): void {
  const asked = screens?.[screen]?.slice(0, 3) || []
  if (!asked.length || !canAsk()) return
  uni.requestSubscribeMessage({
    tmplIds: asked,
    success(result: Record<string, unknown>) {
      const answers = answersOf(result, asked)
      if (answers.length) api.POST('/me/notice-subscriptions', { body: { answers } }).catch(() => {})
    },
    fail() {},
  } as never)
}
