import { http } from './http'
import type { ApplicationPage, LateItem, Page, PermitWorkItem } from './types'

export function lateWorklist(q: { from?: string; to?: string; page?: number; per_page?: number }) {
  return http.get<Page<LateItem>>('/api/v1/worklists/late', q)
}

export function permitWorklist(on?: string) {
  return http.get<{ items: PermitWorkItem[] }>('/api/v1/worklists/permits', { on })
}

/**
 * Permit applications waiting for acceptance (待受理), online ones unless `channel` says
 * counter; `overdue` keeps those past the station's period. Audited with its purpose.
 */
export function applicationsWorklist(q: { channel?: 'online' | 'counter'; overdue?: boolean; page?: number; per_page?: number }) {
  return http.get<ApplicationPage>('/api/v1/worklists/applications', {
    channel: q.channel,
    overdue: q.overdue ? 1 : undefined,
    page: q.page,
    per_page: q.per_page,
  })
}
