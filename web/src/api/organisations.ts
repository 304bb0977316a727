import { http } from './http'
import type { Listing, OrgKeyAnswer, OrgKind, Organisation, OrganisationInput } from './types'

export function listOrganisations(q: { kind?: OrgKind | ''; page?: number; per_page?: number } = {}) {
  return http.get<Listing<Organisation>>('/api/v1/organisations', q)
}

export function createOrganisation(body: OrganisationInput) {
  return http.post<{ organisation: Organisation }>('/api/v1/organisations', body)
}

/** A new API key (shown once); the organisation's older keys are revoked. */
export function issueKey(id: number) {
  return http.post<OrgKeyAnswer>(`/api/v1/organisations/${id}/keys`, {})
}
