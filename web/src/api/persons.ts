import { http } from './http'
import type { Entitlements, History, Page, Person, PersonDetail, PersonPermit } from './types'

export interface PersonQuery {
  id_number?: string
  name?: string
  phone?: string
  address?: string
  page?: number
  per_page?: number
}

export function searchPersons(q: PersonQuery, reason: string) {
  return http.get<Page<Person>>('/api/v1/persons', { ...q, reason })
}

export function getPerson(id: number | string, reason: string) {
  return http.get<PersonDetail>(`/api/v1/persons/${id}`, { reason })
}

export function getHistory(id: number | string, reason: string) {
  return http.get<History>(`/api/v1/persons/${id}/history`, { reason })
}

export function getEntitlements(id: number | string, on: string, reason: string) {
  return http.get<Entitlements>(`/api/v1/persons/${id}/entitlements`, { on, reason })
}

export function getPersonPermits(id: number | string, reason: string) {
  return http.get<{ items: PersonPermit[] }>(`/api/v1/persons/${id}/permits`, { reason })
}
