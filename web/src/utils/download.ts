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

function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV text with a UTF-8 byte order mark and CRLF line ends (what Excel expects). */
export function toCsv(headers: string[], rows: CsvValue[][]): string {
  const lines = [headers, ...rows].map((r) => r.map(csvCell).join(','))
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
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
