// File exports done in the browser: CSV (UTF-8 with BOM so Excel shows Chinese), .xlsx
// (write-excel-file, loaded on demand) and images from data URLs.

export function downloadBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  downloadUrl(url, filename)
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadUrl(url: string, filename: string) {
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

type CsvValue = string | number | boolean | null | undefined

/**
 * Text a spreadsheet would take for a formula (CSV injection): a cell starting with
 * = + - @, a tab or a carriage return. Such a cell gets a single quote in front, as OWASP
 * advises, so Excel, WPS and LibreOffice show it as text instead of running it. Only text
 * is touched: a value that is a number (the count of days late, -3 included) was made by
 * this program, cannot carry a formula, and stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/

export function neutraliseCell(v: CsvValue): CsvValue {
  return typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v
}

function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function csvText(headers: string[], rows: CsvValue[][], cell: (v: CsvValue) => CsvValue): string {
  const lines = [headers, ...rows].map((r) => r.map((v) => csvCell(cell(v))).join(','))
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}

/**
 * CSV text for people to open in a spreadsheet: a UTF-8 byte order mark, CRLF line ends
 * (what Excel expects), and every cell that could run as a formula neutralised.
 */
export function toCsv(headers: string[], rows: CsvValue[][]): string {
  return csvText(headers, rows, neutraliseCell)
}

/**
 * The same CSV with every cell exactly as given: for a file this program reads back (an
 * .xlsx turned into CSV for upload), never for one offered for download.
 */
export function toDataCsv(headers: string[], rows: CsvValue[][]): string {
  return csvText(headers, rows, (v) => v)
}

export function downloadCsv(filename: string, headers: string[], rows: CsvValue[][]) {
  downloadBlob(new Blob([toCsv(headers, rows)], { type: 'text/csv;charset=utf-8' }), filename)
}

export interface XlsxColumn<T> {
  header: string
  width?: number
  value: (row: T) => string | number | null | undefined
}

/** Write rows to an .xlsx file and offer it for download. */
export async function downloadXlsx<T>(filename: string, sheet: string, columns: XlsxColumn<T>[], rows: T[]) {
  const { default: writeXlsxFile } = await import('write-excel-file/browser')
  const data = [
    columns.map((c) => ({ value: c.header, fontWeight: 'bold' as const })),
    ...rows.map((r) =>
      columns.map((c) => {
        const v = c.value(r)
        return v === null || v === undefined || v === '' ? null : { value: v }
      }),
    ),
  ]
  await writeXlsxFile(data, { sheet, columns: columns.map((c) => ({ width: c.width ?? 14 })) }).toFile(filename)
}

/** A file name stamp: 20260115-0930. */
export function stamp(): string {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`
}
