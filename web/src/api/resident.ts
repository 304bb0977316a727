// The residents' API (/api/v1/resident/…): SMS login, "my" registrations and permit, online
// declaration, application and endorsement; and the area and code lists the forms need.
//
// Residents hold their own session token (stores/resident.ts), never the staff one, so these
// calls go through residentRequest(): the same URL building and the same ApiError as
// api/http.ts, but with the resident's bearer token, and a 401 that ends the resident's
// session (back to #/m/login) instead of the console's.

import { ApiError, buildUrl, type Query } from './http'
import type {
  Area,
  Codes,
  Entitlement,
  Material,
  Materials,
  Permit,
  PermitState,
  Person,
  Photo,
  Registration,
  Scope,
  Deadline,
} from './types'
import type { Declaration } from './declarations'
import { useResidentStore } from '@/stores/resident'

export interface OtpAnswer {
  sent: boolean
  expires_in: number
  /**
   * The same words whatever the ID number: a code goes only to the phone on record, so
   * someone whose record has no phone, or another one, gets none and is told where to go.
   */
  notice: string
  /** Only from a demo database's server, and only when a code was really sent. */
  demo_code?: string
}

export interface ResidentLoginAnswer {
  token: string
  expires_at: number
  resident: { id_number_masked: string; phone_masked: string }
}

export interface ResidentMe {
  /**
   * false: the ID number is not on record (an unverified session). It can only declare
   * online (the declaration waits for the station to check the ID card) and see the outcome.
   */
  verified: boolean
  person: Person | null
  registrations: Registration[]
  permit: Permit | null
  permit_state: PermitState | null
  /** Their current photo (the one on the card: permit.photo). */
  photo?: Photo | null
  entitlements: Entitlement[]
  electronic: { payload: string; licence_id: string } | null
  /** The resident's own online declarations (this ID number and this phone), newest first. */
  declarations: Declaration[]
  /** What the application in progress still lacks, told at once (empty without one). */
  missing_materials?: Material[]
  /**
   * The last application the station sent back (退回) with its reason, when nothing was
   * applied for since: the resident may apply again.
   */
  returned_application?: ReturnedApplication | null
}

export interface ReturnedApplication {
  id: number
  channel: string
  applied_date: string
  returned_date: string
  reason: string
}

export interface ResidentDeclareInput {
  person: { name: string; ethnicity: string; hukou_code: string; hukou_address?: string }
  address: { grid: string; road: string; house_number?: string; building?: string; unit?: string; room?: string }
  arrival_date: string
  reason: string
  housing: string
  employer?: string
}

/** 201: a person on record declares, and it is in force at once. */
export interface ResidentDeclareAnswer {
  person: Person
  registration: Registration
  scope: Scope
  /** Null when no registration was required (then there is no deadline). */
  deadline: Deadline | null
}

/** 202: an ID number not on record; the declaration waits for verification (待核验). */
export interface ResidentPendingAnswer {
  declaration: Declaration
  notice: string
}

export function isPending(a: ResidentDeclareAnswer | ResidentPendingAnswer): a is ResidentPendingAnswer {
  return !('registration' in a)
}

/** The body of a 422 not_required answer: the scope decision and its citations. */
export interface NotRequiredBody {
  error: { code: 'not_required'; message: string; field: string | null }
  scope: Scope
}

/** The body of a 422 not_eligible answer to an application. */
export interface NotEligibleBody {
  error: { code: 'not_eligible'; message: string; field: string | null }
  decision: { eligible: false; eligible_from: string; reason: string; basis: string[] }
}

export interface ResidentApplyInput {
  basis: string
  materials?: Materials
  guardian?: { name: string; id_number: string; relation: string }
}

export interface ResidentPermitAnswer {
  permit: Permit
  missing_materials?: Material[]
  endorsement?: { date: string; anniversary: string; late: boolean }
  electronic?: { version: number; licence_id: string; payload: string; key_id: string }
}

let unauthorized: (() => void) | null = null

/** Registered by the mobile pages: where to go when the resident's session is over. */
export function onResidentUnauthorized(fn: () => void) {
  unauthorized = fn
}

interface Options {
  method?: 'GET' | 'POST'
  query?: Query
  body?: unknown
  /** A file sent as it is (a photo), instead of JSON. */
  raw?: { data: Blob; type: string }
  /** How to read a 2xx answer: JSON (default) or a blob (a photo). */
  as?: 'json' | 'blob'
  /** Without the resident token (OTP and login). */
  anonymous?: boolean
}

export async function residentRequest<T>(path: string, opts: Options = {}): Promise<T> {
  const store = useResidentStore()
  const headers: Record<string, string> = { Accept: opts.as === 'blob' ? '*/*' : 'application/json' }
  if (!opts.anonymous && store.token) headers.Authorization = `Bearer ${store.token}`
  let body: string | Blob | undefined
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.type
    body = opts.raw.data
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers,
      body,
    })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试', null, null)
  }
  if (res.ok && opts.as === 'blob') return (await res.blob()) as T
  const text = await res.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = text
  }
  if (res.ok) return parsed as T

  const err = (parsed as { error?: { code?: string; message?: string; field?: string | null } } | null)?.error
  const error = new ApiError(
    res.status,
    err?.code ?? `http_${res.status}`,
    err?.message ?? fallbackMessage(res.status),
    err?.field ?? null,
    parsed,
  )
  if (res.status === 429 && !err?.message) {
    const after = Number(res.headers.get('Retry-After'))
    if (after > 0) error.message = `请求过于频繁，请${after}秒后再试`
  }
  if (res.status === 401 && !opts.anonymous && store.token) {
    store.clear()
    error.handled = true
    error.message = '登录已失效，请重新登录'
    unauthorized?.()
  }
  throw error
}

function fallbackMessage(status: number): string {
  if (status === 404) return '请求的资源不存在'
  if (status === 429) return '请求过于频繁，请稍后再试'
  if (status === 503) return '服务暂不可用，请稍后再试'
  if (status >= 500) return `服务器错误（${status}），请稍后再试`
  return `请求失败（${status}）`
}

export function requestOtp(id_number: string, phone: string) {
  return residentRequest<OtpAnswer>('/api/v1/resident/otp', { body: { id_number, phone }, anonymous: true })
}

export function residentLogin(id_number: string, phone: string, code: string) {
  return residentRequest<ResidentLoginAnswer>('/api/v1/resident/login', {
    body: { id_number, phone, code },
    anonymous: true,
  })
}

export async function getMe(): Promise<ResidentMe> {
  const me = await residentRequest<ResidentMe>('/api/v1/resident/me')
  // The permit views write the state as {"state": {...}}; accept it one level down too.
  const nested = (me.permit_state as { state?: PermitState } | null)?.state
  if (nested) me.permit_state = nested
  return me
}

export function declareOnline(body: ResidentDeclareInput) {
  return residentRequest<ResidentDeclareAnswer | ResidentPendingAnswer>('/api/v1/resident/registrations', { body })
}

/** Ends the session on the server: the token no longer works. */
export function residentLogout() {
  return residentRequest<{ ok: true }>('/api/v1/resident/logout', { method: 'POST' })
}

export function applyOnline(body: ResidentApplyInput) {
  return residentRequest<ResidentPermitAnswer>('/api/v1/resident/permits', { body })
}

export function endorseOnline() {
  return residentRequest<ResidentPermitAnswer>('/api/v1/resident/permits/endorse', { body: {} })
}

/** Areas under `parent` (districts when omitted), read with the resident's token. */
export function residentAreas(parent?: string) {
  return residentRequest<{ items: Area[] }>('/api/v1/areas', { query: { parent } })
}

/** Code lists (ethnicity, reason, housing, reporter); public. */
export function residentCodes() {
  return residentRequest<Codes>('/api/v1/codes')
}

/** Send the resident's own recent photo (for the permit; JPEG or PNG, at most 512 KiB). */
export function uploadOwnPhoto(photo: Blob) {
  return residentRequest<{ person_id: number; photo: Photo; replaced: number }>('/api/v1/resident/photo', {
    method: 'POST',
    raw: { data: photo, type: photo.type },
  })
}

/** One of the resident's own photos (their current one, or the one on their card). */
export function getOwnPhoto(id: number) {
  return residentRequest<Blob>(`/api/v1/resident/photos/${id}`, { as: 'blob' })
}
