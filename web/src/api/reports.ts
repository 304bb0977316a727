// Reports of organisations (单位报告): one at a time, or a CSV file checked first (preview)
// and written on confirmation. The same calls serve a staff session and an organisation's
// API key (`key`): with a key the organisation is implied and no staff session is touched.
import { ApiError, http, request, type Query } from './http'
import type { Listing, Report, ReportAnswer, ReportInput, ReportKind, UploadConfirmed, UploadPreview, UploadState } from './types'

function auth(key?: string) {
  return key ? { authorization: `ApiKey ${key}` } : {}
}

export interface ReportQuery {
  kind?: ReportKind | ''
  late?: boolean
  organisation?: number | null
  page?: number
  per_page?: number
}

export function listReports(q: ReportQuery = {}, key?: string) {
  const query: Query = {
    kind: q.kind,
    late: q.late ? 1 : undefined,
    organisation: q.organisation ?? undefined,
    page: q.page,
    per_page: q.per_page,
  }
  return request<Listing<Report>>('/api/v1/reports', { method: 'GET', query, ...auth(key) })
}

export function getReport(id: number | string) {
  return http.get<{ report: Report }>(`/api/v1/reports/${id}`)
}

export function createReport(body: ReportInput, key?: string) {
  return request<ReportAnswer>('/api/v1/reports', { method: 'POST', body, ...auth(key) })
}

/** The most one request may carry (the server's bound on every body); larger files go in parts. */
export const UPLOAD_PART_SIZE = 1 << 20

/** Sends the CSV bytes as they are (UTF-8 or GBK): the server detects the encoding. */
export function previewUpload(csv: Blob, organisation?: number, key?: string) {
  return request<UploadPreview>('/api/v1/reports/uploads', {
    method: 'POST',
    query: { organisation },
    raw: { data: csv, type: 'text/csv' },
    ...auth(key),
  })
}

export function openUpload(file: { name: string; size: number }, organisation?: number, key?: string) {
  return request<{ upload: UploadState }>('/api/v1/reports/uploads/sessions', {
    method: 'POST',
    body: { name: file.name, size: file.size, ...(organisation ? { organisation } : {}) },
    ...auth(key),
  })
}

export function putUploadPart(id: number, n: number, part: Blob, key?: string, signal?: AbortSignal) {
  return request<{ part: { n: number; bytes: number }; upload: { id: number; parts: number; received: number } }>(
    `/api/v1/reports/uploads/${id}/parts/${n}`,
    { method: 'PUT', raw: { data: part, type: 'application/octet-stream' }, signal, ...auth(key) },
  )
}

export function completeUpload(id: number, key?: string) {
  return request<UploadPreview>(`/api/v1/reports/uploads/${id}/complete`, { method: 'POST', body: {}, ...auth(key) })
}

export function discardUpload(id: number, key?: string) {
  return request<{ upload: UploadState }>(`/api/v1/reports/uploads/${id}`, { method: 'DELETE', ...auth(key) })
}

export function confirmUpload(id: number, key?: string) {
  return request<UploadConfirmed>(`/api/v1/reports/uploads/${id}/confirm`, { method: 'POST', body: {}, ...auth(key) })
}

/**
 * A file larger than one request may carry, sent in parts of 1 MiB (each retried twice on a
 * network failure or a 5xx), then checked: the same preview as previewUpload gives.
 * `progress` is told how many bytes are through. On failure the upload is discarded.
 */
export async function previewUploadInParts(
  csv: Blob,
  name: string,
  organisation: number | undefined,
  key: string | undefined,
  progress: (sent: number, total: number) => void,
): Promise<UploadPreview> {
  const opened = (await openUpload({ name, size: csv.size }, organisation, key)).upload
  try {
    let sent = 0
    progress(0, csv.size)
    for (let n = 1; n <= opened.parts; n++) {
      const part = csv.slice((n - 1) * opened.part_size, n * opened.part_size)
      for (let attempt = 1; ; attempt++) {
        try {
          await putUploadPart(opened.id, n, part, key)
          break
        } catch (e) {
          const retry = e instanceof ApiError && (e.status === 0 || e.status >= 500)
          if (!retry || attempt === 3) throw e
        }
      }
      sent += part.size
      progress(sent, csv.size)
    }
    return await completeUpload(opened.id, key)
  } catch (e) {
    // Nothing of a failed upload is any use: free the quota now rather than at expiry.
    discardUpload(opened.id, key).catch(() => undefined)
    throw e
  }
}
