import { http } from './http'
import type { House, HouseDetail, HouseInput, Listing } from './types'

export interface HouseQuery {
  /** Any area code: district, street, community or grid. */
  grid?: string
  flagged?: boolean
  page?: number
  per_page?: number
}

export function listHouses(q: HouseQuery = {}) {
  return http.get<Listing<House>>('/api/v1/houses', {
    grid: q.grid,
    flagged: q.flagged ? 1 : undefined,
    page: q.page,
    per_page: q.per_page,
  })
}

export function createHouse(body: HouseInput) {
  return http.post<{ house: House }>('/api/v1/houses', body)
}

/** The house with its tenants (personal data: a reason is required and the read is audited). */
export function getHouse(id: number | string, reason: string) {
  return http.get<HouseDetail>(`/api/v1/houses/${id}`, { reason })
}
