// Who is signed in: the API's bearer token and account, kept in localStorage so a reload keeps
// the session (the API expires it; a 401 anywhere signs out here too).
import { reactive, readonly } from 'vue'
import type { components } from './schema'

export type Account = components['schemas']['AccountView']
export type Role = components['schemas']['Role']

const KEY = 'zhucan.console.session'

interface Stored {
  token: string
  account: Account
  expiresAt: string
}

const state = reactive<{ token: string | null; account: Account | null; expiresAt: string | null }>({
  token: null,
  account: null,
  expiresAt: null,
})

function load() {
  try {
    const raw = globalThis.localStorage?.getItem(KEY)
    if (!raw) return
    const stored = JSON.parse(raw) as Stored
    if (!stored.token || !stored.account) return
    state.token = stored.token
    state.account = stored.account
    state.expiresAt = stored.expiresAt
  } catch {
    globalThis.localStorage?.removeItem(KEY)
  }
}
load()

export const session = readonly(state)

export function signedIn(token: string, account: Account, expiresAt: string) {
  state.token = token
  state.account = account
  state.expiresAt = expiresAt
  globalThis.localStorage?.setItem(KEY, JSON.stringify({ token, account, expiresAt } satisfies Stored))
}

export function signedOut() {
  state.token = null
  state.account = null
  state.expiresAt = null
  globalThis.localStorage?.removeItem(KEY)
}

/** Re-reads localStorage (tests; another tab signing in or out). */
export function reloadSession() {
  signedOut()
  load()
}

const expiredListeners: Array<() => void> = []

/** Called when the API says the token no longer works. */
export function onSessionExpired(listener: () => void) {
  expiredListeners.push(listener)
}

export function sessionExpired() {
  const had = state.token !== null
  signedOut()
  if (had) expiredListeners.forEach((l) => l())
}
