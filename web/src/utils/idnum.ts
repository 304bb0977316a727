// 公民身份号码 (GB 11643): length, charset, ISO 7064 MOD 11-2 check character and birth date,
// checked in the same order as the server (`liudong id`), so the messages agree.

export type IdProblem = 'length' | 'charset' | 'checksum' | 'birth_date'

export interface IdCheck {
  /** The number is complete and valid. */
  valid: boolean
  /** Still being typed: a prefix of a possibly valid number, nothing wrong yet. */
  partial: boolean
  problem: IdProblem | null
  message: string
  legacy15: boolean
  birth: string | null
  sex: 'male' | 'female' | null
  /** The six-digit address code the number was issued under. */
  addressCode: string | null
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export const ID_MESSAGES: Record<IdProblem, string> = {
  length: '公民身份号码应为18位（1999年前签发的可为15位）',
  charset: '公民身份号码只能由数字组成，最后一位可以是X',
  checksum: '公民身份号码校验码不正确',
  birth_date: '公民身份号码中的出生日期无效',
}

/** The MOD 11-2 check character of the first 17 digits. */
export function checkChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]
  return CHECK[sum % 11]
}

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return d <= days
}

function result(partial: boolean, problem: IdProblem | null, extra: Partial<IdCheck> = {}): IdCheck {
  return {
    valid: !partial && !problem,
    partial,
    problem,
    message: problem ? ID_MESSAGES[problem] : '',
    legacy15: false,
    birth: null,
    sex: null,
    addressCode: null,
    ...extra,
  }
}

/**
 * Check an ID number. With `typing`, a short number whose characters are fine so far is
 * `partial` rather than a length error, so the form can validate as the user types.
 * `today` is YYYY-MM-DD; the birth date may not be after it.
 */
export function checkIdNumber(input: string, today: string, typing = false): IdCheck {
  const s = input.trim().toUpperCase()
  if (!s) return result(true, null)
  if (s.length > 18) return result(false, 'length')
  // Charset: digits, and X only as the 18th character.
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    const ok = (c >= '0' && c <= '9') || (c === 'X' && i === 17)
    if (!ok) return result(false, 'charset')
  }
  if (s.length !== 18 && s.length !== 15) return typing ? result(true, null) : result(false, 'length')
  if (s.length === 15 && typing) {
    // 15 digits may be a legacy number or the start of an 18-digit one: judge it as legacy
    // but do not complain about the birth date yet.
    const r = legacy(s, today)
    return r.valid ? r : result(true, null)
  }
  if (s.length === 15) return legacy(s, today)

  if (checkChar(s.slice(0, 17)) !== s[17]) return result(false, 'checksum')
  const y = Number(s.slice(6, 10))
  const m = Number(s.slice(10, 12))
  const d = Number(s.slice(12, 14))
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`
  if (y < 1850 || !realDate(y, m, d) || birth > today) return result(false, 'birth_date')
  return result(false, null, {
    birth,
    sex: Number(s[16]) % 2 === 1 ? 'male' : 'female',
    addressCode: s.slice(0, 6),
  })
}

function legacy(s: string, today: string): IdCheck {
  const y = 1900 + Number(s.slice(6, 8))
  const m = Number(s.slice(8, 10))
  const d = Number(s.slice(10, 12))
  const birth = `${y}-${s.slice(8, 10)}-${s.slice(10, 12)}`
  if (!realDate(y, m, d) || birth > today) return result(false, 'birth_date', { legacy15: true })
  return result(false, null, {
    legacy15: true,
    birth,
    sex: Number(s[14]) % 2 === 1 ? 'male' : 'female',
    addressCode: s.slice(0, 6),
  })
}

/** Age in whole years on `on` (both YYYY-MM-DD). */
export function ageOn(birth: string, on: string): number {
  let age = Number(on.slice(0, 4)) - Number(birth.slice(0, 4))
  if (on.slice(5) < birth.slice(5)) age--
  return age
}

/** 110105********1232: first six and last four characters shown. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return ''
  if (id.length < 10) return id
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4)
}
