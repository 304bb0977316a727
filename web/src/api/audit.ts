import { http } from './http'
import type { AuditPage, AuditVerify } from './types'

export function listAudit(q: { target?: string; before?: number; per_page?: number }) {
  return http.get<AuditPage>('/api/v1/audit', q)
}

export function verifyAudit() {
  return http.get<AuditVerify>('/api/v1/audit/verify')
}
