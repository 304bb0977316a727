import { useSessionStore } from '@/stores/session'
import { maskIdNumber } from './idnum'

/** Roles whose work needs full ID numbers (the desk); others see them masked. */
export function seesFullIds(): boolean {
  const role = useSessionStore().user?.role
  return role === 'admin' || role === 'clerk'
}

export function showId(id: string | null | undefined): string {
  return seesFullIds() ? (id ?? '') : maskIdNumber(id)
}
