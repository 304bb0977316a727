import { http } from './http'
import type { ApplyInput, Materials, PermitAnswer, PermitDetail } from './types'

export function applyPermit(personId: number, body: ApplyInput) {
  return http.post<PermitAnswer>(`/api/v1/persons/${personId}/permits`, body)
}

export function acceptPermit(id: number, body: { accepted_date?: string; materials?: Materials }) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/accept`, body)
}

export function issuePermit(id: number, body: { issued_date?: string; issuing_authority?: string }) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/issue`, body)
}

export function endorsePermit(id: number, body: { date?: string }) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/endorse`, body)
}

export function replacePermit(id: number, body: { date?: string; reason: 'damaged' | 'lost' }) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/replace`, body)
}

export function changePermit(id: number, body: { date?: string; name: string }) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/change`, body)
}

export function cancelPermit(id: number, body: { date?: string; reason: string }) {
  return http.post<PermitAnswer>(`/api/v1/permits/${id}/cancel`, body)
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
