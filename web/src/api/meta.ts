import { http } from './http'
import type { Area, Codes, Station } from './types'

export function getCodes() {
  return http.get<Codes>('/api/v1/codes')
}

/** Areas under `parent` (districts when omitted). */
export function getAreas(parent?: string) {
  return http.get<{ items: Area[] }>('/api/v1/areas', { parent })
}

export function getStations() {
  return http.get<{ items: Station[] }>('/api/v1/stations')
}
