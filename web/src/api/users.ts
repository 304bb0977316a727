import { http } from './http'
import type { PasswordReset, StaffAccount } from './types'

/** Every staff account (admins only; the listing is audited). */
export function listUsers() {
  return http.get<{ total: number; items: StaffAccount[] }>('/api/v1/users')
}

/** A new generated password, shown once; it must be changed at the next sign-in. */
export function resetPassword(id: number) {
  return http.post<PasswordReset>(`/api/v1/users/${id}/reset-password`, {})
}

/** Disable an account: its sessions end at once. */
export function disableUser(id: number) {
  return http.post<{ id: number; username: string; disabled: boolean }>(`/api/v1/users/${id}/disable`, {})
}

export function enableUser(id: number) {
  return http.post<{ id: number; username: string; disabled: boolean }>(`/api/v1/users/${id}/enable`, {})
}
