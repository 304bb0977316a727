import { http } from './http'
import type {
  AddressChangeInput,
  CancelInput,
  CheckAnswer,
  CreateAnswer,
  HistoryEvent,
  Page,
  Registration,
  RegistrationInput,
  RegistrationRow,
} from './types'

export function checkRegistration(body: RegistrationInput) {
  return http.post<CheckAnswer>('/api/v1/registrations/check', body)
}

export function createRegistration(body: RegistrationInput) {
  return http.post<CreateAnswer>('/api/v1/registrations', body)
}

export function getRegistration(id: number | string, reason: string) {
  // person_in_area: false when the person has moved away since (the answer is then the
  // registration as recorded, nothing of the person's present).
  return http.get<{ registration: Registration; person_in_area: boolean }>(`/api/v1/registrations/${id}`, { reason })
}

export function changeAddress(id: number, body: AddressChangeInput) {
  return http.post<{ registration: Registration; event: HistoryEvent }>(`/api/v1/registrations/${id}/address-change`, body)
}

export function cancelRegistration(id: number, body: CancelInput) {
  return http.post<{ registration: Registration; permit_cancelled?: boolean }>(
    `/api/v1/registrations/${id}/cancel`,
    body,
  )
}

export interface RegistrationQuery {
  status?: 'active' | 'cancelled' | ''
  late?: boolean
  /** Only active registrations the grid found moved away (已搬离待注销). */
  moved_away?: boolean
  /** Any area code: district, street, community or grid. */
  grid?: string
  sort?: 'declared_date' | 'arrival_date' | 'name' | ''
  order?: 'asc' | 'desc' | ''
  page?: number
  per_page?: number
}

export function listRegistrations(q: RegistrationQuery, reason: string) {
  return http.get<Page<RegistrationRow>>('/api/v1/registrations', {
    status: q.status,
    late: q.late ? 1 : undefined,
    moved_away: q.moved_away ? 1 : undefined,
    grid: q.grid,
    sort: q.sort,
    order: q.sort ? q.order : undefined,
    page: q.page,
    per_page: q.per_page,
    reason,
  })
}
