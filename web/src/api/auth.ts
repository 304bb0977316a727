import { http, request } from './http'
import type { LoginAnswer, User } from './types'

export function login(username: string, password: string) {
  return request<LoginAnswer>('/api/v1/auth/login', {
    method: 'POST',
    body: { username, password },
    anonymous: true,
  })
}

export function logout() {
  return http.post<unknown>('/api/v1/auth/logout', undefined)
}

export function me() {
  return http.get<{ user: User }>('/api/v1/auth/me')
}

/** Change one's own password; the user's other sessions end. */
export function changePassword(currentPassword: string, newPassword: string) {
  return http.post<{ ok: boolean; must_change_password: boolean }>('/api/v1/auth/password', {
    current_password: currentPassword,
    new_password: newPassword,
  })
}
