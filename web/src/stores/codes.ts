import { defineStore } from 'pinia'
import { getCodes } from '@/api/meta'
import type { Code, Codes } from '@/api/types'

// Code lists (民族、居住事由、住所类型、申报人) from GET /api/v1/codes, loaded once.
export const useCodesStore = defineStore('codes', {
  state: () => ({
    codes: null as Codes | null,
    loading: null as Promise<Codes> | null,
  }),
  actions: {
    async load(): Promise<Codes> {
      if (this.codes) return this.codes
      if (!this.loading) {
        this.loading = getCodes()
          .then((c) => (this.codes = c))
          .finally(() => (this.loading = null))
      }
      return this.loading
    },
    list(kind: keyof Codes): Code[] {
      return this.codes?.[kind] ?? []
    },
    label(kind: keyof Codes, code: string | null | undefined): string {
      if (!code) return ''
      return this.codes?.[kind].find((c) => c.code === code)?.label ?? code
    },
  },
})
