// Form rules shared by the forms of the grid pages (Element Plus FormItemRule).
import type { FormItemRule } from 'element-plus'
import { checkIdNumber } from './idnum'
import { today } from './format'

/** 公民身份号码: checked while typed (charset, check character) and complete on blur. */
export function idNumberRules(required = true): FormItemRule[] {
  return [
    ...(required ? [{ required: true, message: '请输入公民身份号码', trigger: 'blur' }] : []),
    {
      trigger: 'change',
      validator: (_r, v: string, cb) => {
        const c = checkIdNumber(v ?? '', today(), true)
        cb(c.problem ? new Error(c.message) : undefined)
      },
    },
    {
      trigger: 'blur',
      validator: (_r, v: string, cb) => {
        if (!v) return cb()
        const c = checkIdNumber(v, today(), false)
        cb(c.problem ? new Error(c.message) : undefined)
      },
    },
  ]
}

/** A complete and valid ID number (for forms checked by hand, like the visit's rows). */
export function idNumberProblem(v: string): string {
  if (!v.trim()) return '请输入公民身份号码'
  const c = checkIdNumber(v, today(), false)
  return c.problem ? c.message : ''
}

export const PHONE_RULE: FormItemRule = {
  pattern: /^(1\d{10}|0\d{2,3}-?\d{7,8})$/,
  message: '请填写11位手机号或带区号的固定电话',
  trigger: 'blur',
}

export const HUKOU_RULE: FormItemRule = {
  pattern: /^\d{6}$/,
  message: '行政区划代码为6位数字',
  trigger: 'blur',
}

export const TIME_RULE: FormItemRule = {
  pattern: /^([01]\d|2[0-3]):[0-5]\d$/,
  message: '时间格式为 时:分，如 09:30',
  trigger: 'blur',
}

/** YYYY-MM-DD of a date picker's cell (for disabled-date). */
export function dayOf(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

export function afterToday(d: Date): boolean {
  return dayOf(d) > today()
}
