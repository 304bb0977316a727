// Files of reports for upload: the template's columns (docs/grid.md), and an .xlsx read in
// the browser turned into UTF-8 CSV (a .csv is sent as it is, in whatever encoding it has).

import { toCsv, toDataCsv } from './download'

export interface ReportColumn {
  header: string
  code: string
  required: string
  values: string
}

export const REPORT_COLUMNS: ReportColumn[] = [
  { header: '报告类型', code: 'kind', required: '必填', values: '入住、退租、招用、解除劳动关系、中介成功（或其代码）' },
  { header: '公民身份号码', code: 'id_number', required: '必填', values: '18位' },
  { header: '姓名', code: 'name', required: '必填', values: '' },
  { header: '发生日期', code: 'event_date', required: '必填', values: 'YYYY-MM-DD 或 YYYY/M/D' },
  { header: '发生时间', code: 'event_time', required: '选填', values: 'HH:MM' },
  { header: '户籍地区划代码', code: 'hukou_code', required: '选填', values: '6位县级代码，不填按身份号码推定' },
  { header: '联系电话', code: 'phone', required: '选填', values: '' },
  { header: '房屋编号', code: 'house', required: '入住、退租必填', values: '出租房屋在登记簿中的编号' },
  { header: '网格代码', code: 'grid', required: '选填', values: '15位' },
  { header: '详细地址', code: 'address', required: '选填', values: '街路巷和门牌号' },
  { header: '到达日期', code: 'arrival_date', required: '选填', values: 'YYYY-MM-DD' },
]

/** The template: the header line only, UTF-8 with a BOM (Excel opens it in Chinese). */
export function templateCsv(): Blob {
  return new Blob([toCsv(REPORT_COLUMNS.map((c) => c.header), [])], { type: 'text/csv;charset=utf-8' })
}

export function isXlsx(file: File): boolean {
  return /\.xlsx$/i.test(file.name)
}

export function isCsv(file: File): boolean {
  return /\.csv$/i.test(file.name) || file.type === 'text/csv'
}

const TIME_HEADERS = new Set(['发生时间', 'event_time'])
const pad = (n: number) => String(n).padStart(2, '0')

function cellText(v: unknown, header: string): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return ''
    const hhmm = `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`
    // A time-only cell is a date on Excel's day zero (1899-12-30/31).
    if (TIME_HEADERS.has(header) || v.getUTCFullYear() < 1900) return hhmm
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`
  }
  return String(v).trim()
}

/**
 * The first sheet of an .xlsx as UTF-8 CSV. Numbers are kept as the digits Excel stored
 * (an ID number typed as a number keeps its 18 digits when Excel kept them), dates become
 * YYYY-MM-DD and times HH:MM; empty rows are left out.
 */
export async function xlsxToCsv(file: File): Promise<{ csv: Blob; rows: number }> {
  const { readSheet } = await import('read-excel-file/browser')
  const data = await readSheet<string>(file, { parseNumber: (s: string) => s })
  const text = data.map((row) => row.map((v) => v as unknown))
  const headers = (text[0] ?? []).map((v) => cellText(v, ''))
  const rows = text
    .slice(1)
    .map((row) => headers.map((h, i) => cellText(row[i], h)))
    .filter((row) => row.some((c) => c !== ''))
  // Read back by the server, not opened in a spreadsheet: the cells as they are.
  return { csv: new Blob([toDataCsv(headers, rows)], { type: 'text/csv;charset=utf-8' }), rows: rows.length }
}
