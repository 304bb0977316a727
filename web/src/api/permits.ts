import { http } from './http'
import type { ApplyInput, Materials, PermitAnswer, PermitDetail } from './types'

export function applyPermit(personId: number, body: ApplyInput) {
  return http.post<PermitAnswer>(`/api/v1/persons/${personId}/permits`, body)
}

// Each step's act date is today unless given; one before today is a back-dated entry (补录)
// and needs `date_reason` (the server's --backdate-days bounds how far back).
type Backdate = { date_reason?: string }

export function acceptPermit(id: number, body: { accepted_date?: string; materials?: Materials } & Backdate) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/accept`, body)
}

export function issuePermit(id: number, body: { issued_date?: string } & Backdate) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/issue`, body)
}

export function endorsePermit(id: number, body: { date?: string } & Backdate) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/endorse`, body)
}

export function replacePermit(id: number, body: { date?: string; reason: 'damaged' | 'lost' } & Backdate) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/replace`, body)
}

export function changePermit(id: number, body: { date?: string; name: string } & Backdate) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/change`, body)
}

export function cancelPermit(id: number, body: { date?: string; reason: string } & Backdate) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/cancel`, body)
}

/** 退回 an application not yet accepted, saying why (the applicant reads it and may apply again). */
export function returnPermit(id: number, reason: string) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/return`, { reason })
}

export function getPermit(id: number | string, on: string | undefined, reason: string) {
  return http.get<PermitDetail>(`/api/v1/permits/${id}`, { on, reason })
}

/** The QR code of the current card version, as SVG text. */
export function getPermitQr(permitNo: string) {
  return http.text(`/api/v1/permits/${encodeURIComponent(permitNo)}/qr.svg`)
}

/** The printable permit page (HTML); it needs the bearer token, so it is fetched here. */
export function getPermitPrint(permitNo: string) {
  return http.text(`/api/v1/permits/${encodeURIComponent(permitNo)}/print`)
}
