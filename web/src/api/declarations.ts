// Online declarations awaiting verification (待核验): made by residents whose ID number was
// not on record when they signed in. The station confirms one after checking the ID card at
// the counter (or the grid worker after a visit), which makes the registration and its
// certificate; or sends it back with a reason the resident reads.
import { http } from './http'
import type { Address, Page, Person, Registration, Scope, Deadline } from './types'

export type DeclarationStatus = 'pending' | 'confirmed' | 'rejected' | 'superseded'
export type VerifiedBy = 'counter' | 'visit'

export interface Declaration {
  id: number
  /** Masked for grid workers. */
  id_number: string
  /** The phone the code went to; bound to the person once confirmed. Masked for grid workers. */
  phone: string
  person: {
    name: string
    ethnicity: string
    ethnicity_name: string | null
    hukou_code: string
    hukou_place: string
    hukou_address: string | null
  }
  address: Address & { text: string }
  arrival_date: string
  reason: string
  reason_name: string | null
  housing: string
  housing_name: string | null
  employer: string | null
  stay_days: number | null
  lodging: string | null
  /** The day of the online declaration: lateness counts from it. */
  submitted_date: string
  submitted_at: string
  deadline: string
  late: boolean
  /** Counted over a year with no holiday arrangement: 暂定. */
  provisional?: boolean
  status: DeclarationStatus
  /** While pending: by when the station (or the grid) should verify it (a setting). */
  verify_by?: string | null
  overdue?: boolean
  decided_by: string | null
  decided_at: string | null
  verified_by: VerifiedBy | null
  note: string | null
  registration_id: number | null
  certificate_no: string | null
  reject_reason: string | null
}

export interface ConfirmAnswer {
  person: Person
  registration: Registration
  scope: Scope
  deadline: Deadline
  declaration: { id: number; status: 'confirmed'; verified_by: VerifiedBy; superseded: number }
}

export function listDeclarations(q: { status?: DeclarationStatus | ''; page?: number; per_page?: number }) {
  return http.get<Page<Declaration>>('/api/v1/declarations', q)
}

export function confirmDeclaration(id: number, verified_by: VerifiedBy, note?: string) {
  return http.post<ConfirmAnswer>(`/api/v1/declarations/${id}/confirm`, { verified_by, note })
}

export function rejectDeclaration(id: number, reason: string) {
  return http.post<{ declaration: Declaration }>(`/api/v1/declarations/${id}/reject`, { reason })
}

export const DECLARATION_STATUS: Record<DeclarationStatus, string> = {
  pending: '待核验',
  confirmed: '已确认',
  rejected: '已退回',
  superseded: '已失效',
}

export const VERIFIED_BY: Record<VerifiedBy, string> = {
  counter: '窗口核验',
  visit: '入户核验',
}
