// Reports of organisations (单位报告): one at a time, or a CSV file checked first (preview)
// and written on confirmation. The same calls serve a staff session and an organisation's
// API key (`key`): with a key the organisation is implied and no staff session is touched.
import { http, request, type Query } from './http'
import type { Listing, Report, ReportAnswer, ReportInput, ReportKind, UploadConfirmed, UploadPreview } from './types'

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

/** Sends the CSV bytes as they are (UTF-8 or GBK): the server detects the encoding. */
export function previewUpload(csv: Blob, organisation?: number, key?: string) {
  return request<UploadPreview>('/api/v1/reports/uploads', {
    method: 'POST',
    query: { organisation },
    raw: { data: csv, type: 'text/csv' },
    ...auth(key),
  })
}

export function confirmUpload(id: number, key?: string) {
  return request<UploadConfirmed>(`/api/v1/reports/uploads/${id}/confirm`, { method: 'POST', body: {}, ...auth(key) })
}
