// The staff password policy, as the server applies it (src/core/password_rules.c), so the
// form can say at once what is missing; the server's verdict is the one that counts.

export const PASSWORD_HINT =
  '至少10个字符，含小写字母、大写字母、数字、其他符号中的至少三类（16个字符及以上不限），不能包含用户名'

/** What is wrong with `password` for account `username`, or '' when it may be chosen. */
export function passwordProblem(password: string, username: string): string {
  const chars = Array.from(password)
  if (chars.some((c) => /[\u0000-\u001f\u007f-\u009f]/.test(c))) return '新密码不能含有控制字符'
  if (chars.length < 10) return '新密码至少10个字符'
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => chars.some((c) => re.test(c))).length +
    (chars.some((c) => !/[a-zA-Z0-9]/.test(c)) ? 1 : 0)
  if (chars.length < 16 && classes < 3)
    return '新密码须包含小写字母、大写字母、数字和其他符号中的至少三类（16个字符及以上的不限）'
  if (new Set(chars).size < 5) return '新密码不能由少数几个字符重复组成（至少5个不同的字符）'
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return '新密码不能包含用户名'
  return ''
}
