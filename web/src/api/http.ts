// The one HTTP wrapper of the console: every API call goes through request().
// It adds the bearer token, speaks JSON, turns every non-2xx answer into an ApiError
// and handles 401 (session over) in one place. Pages catch ApiError and call showError()
// once: the message goes next to the form field the server named, else to ElMessage.

import { h, reactive, ref } from 'vue'
import { ElCheckbox, ElMessage, ElMessageBox } from 'element-plus'
import { useSessionStore } from '@/stores/session'

export const BASE_URL = ''

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | null
  readonly body: unknown
  /** Already shown to the user (e.g. the 401 redirect); showError() stays silent. */
  handled = false

  constructor(status: number, code: string, message: string, field: string | null, body: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.body = body
  }
}

/** The user declined to give a reason for reading persons. */
export class ReasonCancelled extends Error {
  constructor() {
    super('未说明查阅事由')
    this.name = 'ReasonCancelled'
  }
}

type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  query?: Query
  body?: unknown
  /** How to read a 2xx answer: JSON (default), text (SVG, HTML) or a blob (a photo). */
  as?: 'json' | 'text' | 'blob'
  /** Without the session token (login). */
  anonymous?: boolean
  /**
   * Sent instead of the staff token (an organisation's `ApiKey …`). A 401 then ends no
   * staff session: the caller deals with it.
   */
  authorization?: string
  /** A body sent as it is (an uploaded file) with its content type, instead of JSON. */
  raw?: { data: Blob; type: string }
  signal?: AbortSignal
}

let unauthorized: (() => void) | null = null
let passwordChange: (() => void) | null = null

/** Registered by main.ts: what to do when the server says the session is over. */
export function onUnauthorized(fn: () => void) {
  unauthorized = fn
}

/** Registered by main.ts: what to do when the server says the password must be changed first. */
export function onPasswordChangeRequired(fn: () => void) {
  passwordChange = fn
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v))
  }
  const qs = params.toString()
  return BASE_URL + path + (qs ? (path.includes('?') ? '&' : '?') + qs : '')
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const session = useSessionStore()
  const headers: Record<string, string> = { Accept: opts.as === 'text' ? '*/*' : 'application/json' }
  if (opts.authorization) headers.Authorization = opts.authorization
  else if (!opts.anonymous && session.token) headers.Authorization = `Bearer ${session.token}`
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
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试', null, null)
  }

  if (res.ok && opts.as === 'blob') return (await res.blob()) as T
  const text = await res.text()
  if (res.ok) {
    if (opts.as === 'text') return text as T
    return (text ? JSON.parse(text) : null) as T
  }

  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = text
  }
  const err = (parsed as { error?: { code?: string; message?: string; field?: string | null } } | null)?.error
  const error = new ApiError(
    res.status,
    err?.code ?? `http_${res.status}`,
    err?.message ?? fallbackMessage(res.status),
    err?.field ?? null,
    parsed,
  )
  if (res.status === 429) {
    const after = Number(res.headers.get('Retry-After'))
    if (after > 0 && !err?.message?.includes('分钟')) {
      error.message = `${error.message}（请于${Math.ceil(after / 60)}分钟后再试）`
    }
  }
  if (res.status === 403 && error.code === 'password_change_required' && session.user) {
    session.setUser({ ...session.user, must_change_password: true })
    error.handled = true
    passwordChange?.()
  }
  if (res.status === 401 && !opts.anonymous && !opts.authorization && session.token) {
    session.clear()
    error.handled = true
    ElMessage.warning('登录已失效，请重新登录')
    unauthorized?.()
  }
  throw error
}

function fallbackMessage(status: number): string {
  if (status === 404) return '请求的资源不存在'
  if (status === 405) return '服务器暂不支持此功能'
  if (status === 413) return '提交的内容过大'
  if (status === 429) return '请求过于频繁，请稍后再试'
  if (status === 503) return '服务暂不可用，请稍后再试'
  if (status >= 500) return `服务器错误（${status}），请稍后再试`
  return `请求失败（${status}）`
}

export const http = {
  get<T>(path: string, query?: Query, opts: RequestOptions = {}) {
    return request<T>(path, { ...opts, method: 'GET', query })
  },
  post<T>(path: string, body: unknown = {}, opts: RequestOptions = {}) {
    return request<T>(path, { ...opts, method: 'POST', body })
  },
  text(path: string, query?: Query) {
    return request<string>(path, { method: 'GET', query, as: 'text' })
  },
  blob(path: string, query?: Query) {
    return request<Blob>(path, { method: 'GET', query, as: 'blob' })
  },
}

/**
 * An endpoint this server does not have yet (404 for an unknown path, 405 for an unknown
 * method on a known one): the page shows an empty state instead of an error. Only used for
 * calls whose path names no record, so a 404 cannot mean a missing person.
 */
export function isMissingEndpoint(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 405)
}

// ---------------------------------------------------------------------------
// Field errors: a form registers the server field names it shows (e.g. "person.id_number");
// showError() puts a message naming one of them next to it.

export type FieldErrors = Record<string, string>

export function useFieldErrors(fields: string[]) {
  const errors = reactive<FieldErrors>(Object.fromEntries(fields.map((f) => [f, ''])))
  function clear() {
    for (const k of Object.keys(errors)) errors[k] = ''
  }
  return { errors, clear }
}

/** Show an error once: next to the named form field when there is one, else as a message. */
export function showError(e: unknown, fields?: FieldErrors): void {
  if (e instanceof ReasonCancelled) {
    ElMessage.warning('未说明查阅事由，不能查阅人员信息')
    return
  }
  if (e instanceof ApiError) {
    if (e.handled) return
    if (e.field && fields && e.field in fields) {
      fields[e.field] = e.message
      return
    }
    ElMessage.error(e.message)
    return
  }
  if (e instanceof DOMException && e.name === 'AbortError') return
  console.error(e)
  ElMessage.error(e instanceof Error && e.message ? `操作失败：${e.message}` : '操作失败')
}

// ---------------------------------------------------------------------------
// The reading reason (查阅事由). Person data is only readable with a reason, which the
// server writes to the audit trail. It is asked once per page visit (or kept for the
// session when the user says so) and the last one is offered again.

let asking: Promise<string> | null = null

export function withReason(): Promise<string> {
  const session = useSessionStore()
  if (session.reasonValid()) return Promise.resolve(session.reason)
  if (asking) return asking
  const keep = ref(session.keepReason)
  asking = ElMessageBox.prompt(
    () =>
      h('div', { class: 'reason-prompt' }, [
        h('p', { style: 'margin:0 0 8px' }, '依法查阅人员信息须说明事由，查阅将记入审计日志。'),
        h(
          ElCheckbox,
          {
            modelValue: keep.value,
            'onUpdate:modelValue': (v: unknown) => (keep.value = !!v),
          },
          () => '本次登录期间沿用此事由，不再询问',
        ),
      ]),
    '请说明查阅事由',
    {
      confirmButtonText: '确定',
      cancelButtonText: '取消',
      inputValue: session.reason,
      inputPlaceholder: '如：窗口核对居住登记信息',
      inputValidator: (v: string) => {
        const t = (v ?? '').trim()
        if (!t) return '请填写查阅事由'
        if (t.length > 200) return '查阅事由不超过200字'
        return true
      },
      closeOnClickModal: false,
      customClass: 'reason-box',
    },
  )
    .then(({ value }) => {
      const reason = value.trim()
      session.setReason(reason, keep.value)
      return reason
    })
    .catch((e) => {
      if (e === 'cancel' || e === 'close') throw new ReasonCancelled()
      throw e
    })
    .finally(() => {
      asking = null
    })
  return asking
}
