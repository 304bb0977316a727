// Dates and display helpers. All dates are Beijing dates (Asia/Shanghai), YYYY-MM-DD.

const dayFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
const timeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour12: false,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** Today in Beijing, YYYY-MM-DD. */
export function today(): string {
  return dayFmt.format(new Date())
}

/**
 * The act date to send: nothing for today (the server dates it with its own today), the
 * day otherwise (one before today is a back-dated entry and needs its reason).
 */
export function actDate(date: string | null | undefined): string | undefined {
  return date && date !== today() ? date : undefined
}

/** The reason of a back-dated act, sent only for a date before today. */
export function dateReason(date: string | null | undefined, reason: string): string | undefined {
  return date && date < today() && reason.trim() ? reason.trim() : undefined
}

/**
 * Lateness as the rules count it: the deadlines are in working days, so is the lateness
 * (逾期N个工作日); never calendar days.
 */
export function lateText(workingDaysLate: number | null | undefined): string {
  return workingDaysLate && workingDaysLate > 0 ? `逾期${workingDaysLate}个工作日` : '逾期'
}

/** YYYY-MM of a date string. */
export function monthOf(date: string): string {
  return date.slice(0, 7)
}

/** Shift a YYYY-MM month by n months. */
export function addMonths(month: string, n: number): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7)) - 1 + n
  const yy = y + Math.floor(m / 12)
  const mm = ((m % 12) + 12) % 12
  return `${yy}-${String(mm + 1).padStart(2, '0')}`
}

/** A server timestamp (UTC, ISO 8601) as Beijing time "YYYY-MM-DD HH:mm:ss". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return timeFmt.format(d).replace(/\//g, '-')
}

/** Days from a to b (YYYY-MM-DD), calendar days (not for lateness: see lateText). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000)
}

export function sexLabel(sex: string | null | undefined): string {
  return sex === 'male' ? '男' : sex === 'female' ? '女' : ''
}

export function addressText(a: {
  district_name?: string
  road?: string | null
  house_number?: string | null
  building?: string | null
  unit?: string | null
  room?: string | null
} | null | undefined, withDistrict = true): string {
  if (!a) return ''
  // As the server's formatter (ld_address_full_text): each part with its word, unless it
  // already ends with that word or one of its kind ("3号楼", "3栋", "302房").
  const part = (v: string | null | undefined, word: string, kin: string[] = []) =>
    v ? v + ([word, ...kin].some((w) => v.endsWith(w)) ? '' : word) : ''
  return (
    (withDistrict && a.district_name ? a.district_name : '') +
    (a.road ?? '') +
    (a.house_number ?? '') +
    part(a.building, '号楼', ['楼', '栋', '幢', '座']) +
    part(a.unit, '单元') +
    part(a.room, '室', ['房', '户'])
  )
}
