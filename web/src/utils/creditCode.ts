// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, Z,
// S, V); the last is a check character, MOD 31 over the first 17 with fixed weights.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The check character of the first 17 characters, or '' when one is not in the alphabet. */
export function creditCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i])
    if (v < 0) return ''
    sum += v * WEIGHTS[i]
  }
  return ALPHABET[(31 - (sum % 31)) % 31]
}

/** '' when the code is well formed, else what is wrong (in the user's words). */
export function creditCodeProblem(input: string): string {
  const s = input.trim().toUpperCase()
  if (s.length !== 18) return '统一社会信用代码应为18位'
  for (const c of s) if (!ALPHABET.includes(c)) return '统一社会信用代码只能由数字和大写字母组成（不含I、O、Z、S、V）'
  if (creditCheckChar(s.slice(0, 17)) !== s[17]) return '统一社会信用代码校验码不正确'
  return ''
}
