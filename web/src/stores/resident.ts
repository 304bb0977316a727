import { defineStore } from 'pinia'
import type { ResidentLoginAnswer, ResidentMe } from '@/api/resident'

// The resident's session on the phone pages: token, masked identity, and what the ID number
// tells the forms (the address code it was issued under, the birth date). It lives in
// sessionStorage: closing the tab ends it, and it is never shared with the staff console.

const KEY = 'liudong.resident.session'

interface Saved {
  token: string
  expiresAt: number
  idNumberMasked: string
  phoneMasked: string
  /** The first six digits of the ID number: the usual hukou code, offered in the form. */
  addressCode: string
  /** YYYY-MM-DD from the ID number: under 16 means a guardian applies. */
  birth: string
}

function load(): Saved | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    const s = raw ? (JSON.parse(raw) as Saved) : null
    return s && s.expiresAt * 1000 > Date.now() ? s : null
  } catch {
    return null
  }
}

export const useResidentStore = defineStore('resident', {
  state: () => {
    const s = load()
    return {
      token: s?.token ?? '',
      expiresAt: s?.expiresAt ?? 0,
      idNumberMasked: s?.idNumberMasked ?? '',
      phoneMasked: s?.phoneMasked ?? '',
      addressCode: s?.addressCode ?? '',
      birth: s?.birth ?? '',
      /** The last answer of GET /api/v1/resident/me. */
      me: null as ResidentMe | null,
    }
  },
  getters: {
    loggedIn: (s) => !!s.token && s.expiresAt * 1000 > Date.now(),
  },
  actions: {
    start(answer: ResidentLoginAnswer, hints: { addressCode: string; birth: string }) {
      this.token = answer.token
      this.expiresAt = answer.expires_at
      this.idNumberMasked = answer.resident.id_number_masked
      this.phoneMasked = answer.resident.phone_masked
      this.addressCode = hints.addressCode
      this.birth = hints.birth
      this.me = null
      const saved: Saved = {
        token: this.token,
        expiresAt: this.expiresAt,
        idNumberMasked: this.idNumberMasked,
        phoneMasked: this.phoneMasked,
        addressCode: this.addressCode,
        birth: this.birth,
      }
      sessionStorage.setItem(KEY, JSON.stringify(saved))
    },
    clear() {
      this.token = ''
      this.expiresAt = 0
      this.idNumberMasked = ''
      this.phoneMasked = ''
      this.addressCode = ''
      this.birth = ''
      this.me = null
      sessionStorage.removeItem(KEY)
    },
  },
})
