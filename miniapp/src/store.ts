// What every screen shares: who is signed in, for which elder they act, and 关怀 (large-text) mode.
import { reactive } from 'vue'
import { api, setToken, setUnauthorizedHandler, type Schema } from './api/client'

type Session = Pick<Schema<'SessionView'>, 'token' | 'account'>
type Role = Schema<'Role'>

const KEY_SESSION = 'zc.session'
const KEY_CARE = 'zc.care'
const KEY_ELDER = 'zc.elder'

export const STAFF_ROLES: Role[] = ['operator', 'district_clerk', 'city_admin']

export const store = reactive({
  session: null as Session | null,
  care: null as boolean | null, // null = not chosen: on, except for staff
  elders: [] as Schema<'MyElderView'>[],
  elderId: null as number | null,
})

function read(key: string): unknown {
  try { return uni.getStorageSync(key) || null } catch { return null }
}
function write(key: string, value: unknown) {
  try {
    if (value === null || value === undefined) uni.removeStorageSync(key)
    else uni.setStorageSync(key, value)
  } catch { /* storage full or unavailable: the setting lasts this visit */ }
}

export function restore() {
  const session = read(KEY_SESSION) as Session | null
  if (session && session.token) {
    store.session = session
    setToken(session.token)
  }
  const care = read(KEY_CARE)
  store.care = care === 'on' ? true : care === 'off' ? false : null
  const elder = read(KEY_ELDER)
  store.elderId = elder ? Number(elder) : null
}

export function role(): Role | '' { return store.session?.account?.role || '' }
export function isStaff() { const r = role(); return r !== '' && STAFF_ROLES.includes(r) }

/** 关怀 mode is on by default for elders and families (and before sign-in); staff start without. */
export function careOn(): boolean {
  if (store.care !== null) return store.care
  return !isStaff()
}
export function setCare(on: boolean) {
  store.care = on
  write(KEY_CARE, on ? 'on' : 'off')
}

/** The user's WeChat font size, where the platform says (px), else null. */
export function systemFontSize(): number | null {
  try {
    const info = typeof uni.getAppBaseInfo === 'function' ? uni.getAppBaseInfo() : uni.getSystemInfoSync()
    const size = Number(info && (info as { fontSizeSetting?: number }).fontSizeSetting)
    return size > 0 ? size : null
  } catch { return null }
}

/** The type scale: 关怀 mode never goes under 24 px body text (MIIT: ≥ 18 dp; 24 px at 375 wide
 * is the WeChat 关怀模式 size), and both modes follow a larger WeChat font setting. */
export function scale(care = careOn(), system = systemFontSize()) {
  const base = care ? 24 : 17
  const fs = Math.max(base, system ? Math.round(system * (care ? 24 / 17 : 1)) : base)
  return {
    fs,
    big: Math.round(fs * 1.25),
    huge: Math.round(fs * 2.2),
    tap: care ? Math.max(64, Math.round(fs * 2.6)) : 48,
  }
}

export function signedIn(session: Session) {
  store.session = { token: session.token, account: session.account }
  setToken(session.token)
  write(KEY_SESSION, store.session)
}

export function signOut() {
  store.session = null
  store.elders = []
  store.elderId = null
  setToken('')
  write(KEY_SESSION, null)
  write(KEY_ELDER, null)
}

export function chooseElder(id: number | null) {
  store.elderId = id
  write(KEY_ELDER, id)
}

export function currentElder() {
  return store.elders.find((e) => e.elder.id === store.elderId)?.elder || null
}

/** Loads the elders this account may act for and keeps the choice valid. */
export async function loadElders() {
  const list = await api.GET('/me/elders')
  store.elders = list
  const active = list.filter((e) => e.elder.status === 'active')
  if (!active.some((e) => e.elder.id === store.elderId)) {
    chooseElder(active[0]?.elder.id ?? null)
  }
  return list
}

setUnauthorizedHandler(() => {
  signOut()
  uni.reLaunch({ url: '/pages/login/login' })
})
