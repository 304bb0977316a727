import { defineStore } from 'pinia'
import type { LoginAnswer, User } from '@/api/types'

// The staff session: token, user and the reading reason (查阅事由).
// The token lives in localStorage so a print window opened from the console shares it;
// the reason lives in sessionStorage (it belongs to this tab's work only).

const SESSION_KEY = 'liudong.console.session'
const REASON_KEY = 'liudong.console.reason'

interface Saved {
  token: string
  expiresAt: number
  user: User
}

interface SavedReason {
  reason: string
  keep: boolean
}

function load<T>(storage: Storage, key: string): T | null {
  try {
    const raw = storage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

export const useSessionStore = defineStore('session', {
  state: () => {
    const saved = load<Saved>(localStorage, SESSION_KEY)
    const valid = saved && saved.expiresAt * 1000 > Date.now()
    const reason = load<SavedReason>(sessionStorage, REASON_KEY)
    return {
      token: valid ? saved.token : '',
      expiresAt: valid ? saved.expiresAt : 0,
      user: (valid ? saved.user : null) as User | null,
      /** The last reason given for reading persons. */
      reason: reason?.reason ?? '',
      /** The user chose to keep the reason for the whole session. */
      keepReason: reason?.keep ?? false,
      /** Page visit counter (bumped on every route change) and the visit the reason was given in. */
      visit: 0,
      reasonVisit: -1,
      /** The password typed at a sign-in that must change it, for the change page only
       * (memory only, taken once). */
      signInPassword: '',
    }
  },
  getters: {
    loggedIn: (s) => !!s.token && !!s.user,
    permissions: (s) => new Set(s.user?.permissions ?? []),
  },
  actions: {
    can(permission: string | string[] | undefined): boolean {
      if (!permission) return true
      const list = Array.isArray(permission) ? permission : [permission]
      const have = this.user?.permissions ?? []
      return list.some((p) => have.includes(p))
    },
    start(answer: LoginAnswer) {
      this.token = answer.token
      this.expiresAt = answer.expires_at
      this.user = answer.user
      this.persist()
    },
    /** The password typed at sign-in, once; '' when there is none. */
    takeSignInPassword(): string {
      const p = this.signInPassword
      this.signInPassword = ''
      return p
    },
    setUser(user: User) {
      this.user = user
      this.persist()
    },
    clear() {
      this.token = ''
      this.expiresAt = 0
      this.user = null
      this.reason = ''
      this.keepReason = false
      this.reasonVisit = -1
      this.signInPassword = ''
      localStorage.removeItem(SESSION_KEY)
      sessionStorage.removeItem(REASON_KEY)
    },
    persist() {
      if (!this.token || !this.user) return
      const saved: Saved = { token: this.token, expiresAt: this.expiresAt, user: this.user }
      localStorage.setItem(SESSION_KEY, JSON.stringify(saved))
    },
    nextVisit() {
      this.visit++
    },
    setReason(reason: string, keep: boolean) {
      this.reason = reason
      this.keepReason = keep
      this.reasonVisit = this.visit
      const saved: SavedReason = { reason, keep }
      sessionStorage.setItem(REASON_KEY, JSON.stringify(saved))
    },
    /** Ask again at the next read (the header's 更换 button). */
    forgetReason() {
      this.keepReason = false
      this.reasonVisit = -1
      sessionStorage.setItem(REASON_KEY, JSON.stringify({ reason: this.reason, keep: false }))
    },
    reasonValid(): boolean {
      return !!this.reason && (this.keepReason || this.reasonVisit === this.visit)
    },
  },
})
