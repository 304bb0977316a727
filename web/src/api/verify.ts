// Public verification of an electronic residence permit (GET /verify?c=…): anyone may ask,
// no login. The QR code holds the payload text itself ("LDP1|…").

import { http } from './http'

export type VerifyReason = 'tampered' | 'unknown_key' | 'malformed' | 'unknown_permit'
export type VerifyState = 'valid' | 'endorsement_due' | 'suspended' | 'replaced' | 'cancelled'

export interface VerifyContent {
  licence_id: string
  name: string
  masked_id_number: string
  district: string
  district_name: string
  issue_date: string
  permit_no: string
  version: number
}

export interface VerifyAnswer {
  valid: boolean
  signature_valid: boolean
  reason: VerifyReason | null
  state: VerifyState | null
  content?: VerifyContent
}

export function verifyPayload(payload: string) {
  return http.get<VerifyAnswer>('/verify', { c: payload }, { anonymous: true })
}
