import { http } from './http'
import type { LateItem, Page, PermitWorkItem } from './types'

export function lateWorklist(q: { from?: string; to?: string; page?: number; per_page?: number }) {
  return http.get<Page<LateItem>>('/api/v1/worklists/late', q)
}

export function permitWorklist(on?: string) {
  return http.get<{ items: PermitWorkItem[] }>('/api/v1/worklists/permits', { on })
}
