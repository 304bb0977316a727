// Chinese labels for the codes the API returns.

export const ROLE_LABELS: Record<string, string> = {
  admin: '系统管理员',
  clerk: '派出所民警',
  grid: '网格员',
  auditor: '审计员',
}

export const SCOPE_REASONS: Record<string, string> = {
  non_local_hukou: '非本市户籍人员在本市居住',
  county_hukou_elsewhere: '县户籍人员离开户籍县居住',
  district_hukou_in_county: '区户籍人员在县居住',
  national_rules_apply: '适用国家有关规定（港澳台居民、外国人）',
  short_stay: '居住不满3日',
  same_unit: '在户口所在区县居住',
  between_districts: '在本市各区之间居住',
}

export const EXEMPTIONS: Record<string, string> = {
  hotel: '旅馆住宿',
  hospital: '住院治疗',
  school: '寄宿就读',
  relief: '救助机构',
}

export const LODGING_OPTIONS = [
  { code: 'none', label: '无（一般居住）' },
  { code: 'hotel', label: '旅馆住宿' },
  { code: 'hospital', label: '住院' },
  { code: 'school', label: '寄宿就读' },
  { code: 'relief', label: '救助机构' },
]

export const REGISTRATION_STATUS: Record<string, string> = {
  active: '有效',
  cancelled: '已注销',
}

export const HISTORY_KINDS: Record<string, string> = {
  declared: '申报居住登记',
  address_changed: '变更居住地址',
  cancelled: '注销居住登记',
}

export const PERMIT_STATUS: Record<string, string> = {
  applied: '已申请',
  accepted: '已受理',
  issued: '已发证',
  cancelled: '已注销',
  returned: '已退回',
}

export const PERMIT_STATE: Record<string, string> = {
  applied: '已申请（待受理）',
  accepted: '已受理（待发证）',
  valid: '有效',
  window_open: '有效（签注期内）',
  suspended: '中止（逾期未签注）',
  cancelled: '已注销',
  returned: '已退回（未受理）',
}

export function permitStateType(code: string | undefined): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (code) {
    case 'valid':
      return 'success'
    case 'window_open':
      return 'warning'
    case 'suspended':
    case 'cancelled':
    case 'returned':
      return 'danger'
    case 'accepted':
      return 'primary'
    default:
      return 'info'
  }
}

export const PERMIT_BASIS: Record<string, string> = {
  employment: '合法稳定就业',
  housing: '合法稳定住所',
  study: '连续就读',
}

export const PERMIT_CHANNEL: Record<string, string> = {
  counter: '窗口',
  online: '网上',
}

export const MATERIALS: { code: 'id_card' | 'photo' | 'residence_proof' | 'basis_proof' | 'guardian_id'; label: string }[] = [
  { code: 'id_card', label: '居民身份证' },
  { code: 'photo', label: '本人近期相片' },
  { code: 'residence_proof', label: '居住地住址证明' },
  { code: 'basis_proof', label: '就业或就读证明' },
  { code: 'guardian_id', label: '监护人或近亲属身份证明（未满16周岁）' },
]

export const LEDGER_EVENTS: Record<string, string> = {
  residence_start: '开始连续居住（居住登记）',
  issued: '发放居住证',
  endorsed: '按期签注',
  suspended: '逾期未签注，居住证中止',
  late_endorsement: '逾期后签注，恢复使用，居住年限重新计算',
}

export const PERMIT_EVENTS: Record<string, string> = {
  applied: '申请',
  accepted: '受理',
  issued: '发证',
  endorsed: '签注',
  endorsed_late: '逾期签注',
  replaced_damaged: '损坏换领',
  replaced_lost: '遗失补领',
  changed: '变更登记事项',
  cancelled: '注销',
  returned: '退回申请',
}

/** A permit application or card that is over: cancelled, or returned before acceptance. */
export function permitClosed(status: string | undefined): boolean {
  return status === 'cancelled' || status === 'returned'
}

export const VERSION_REASONS: Record<string, string> = {
  issue: '首次发证',
  issued: '首次发证',
  replace_damaged: '损坏换领',
  replace_lost: '遗失补领',
  change: '变更登记事项（姓名）',
}

export const REPLACE_REASONS = [
  { code: 'damaged', label: '损坏换领' },
  { code: 'lost', label: '遗失补领' },
] as const

export const WORK_KINDS: Record<string, string> = {
  late_declaration: '逾期申报居住登记',
  late_address_change: '逾期申报变更地址',
  issue_overdue: '超期未发证',
  endorsement_due: '待签注',
  suspended: '已中止',
}

export const AUDIT_ACTIONS: Record<string, string> = {
  'demo.generate': '生成演示数据',
  'auth:login': '登录',
  'auth:logout': '退出',
  'resident:otp': '居民获取验证码',
  'resident:login': '居民登录',
  'person:search': '查找人员',
  'person:read': '查阅人员',
  'person:history': '查阅登记历史',
  'person:entitlements': '查阅公共服务',
  'person:new': '新建人员',
  'registration:check': '预检',
  'registration:read': '查阅居住登记',
  'registration:list': '查阅登记台账',
  'registration:create': '申报居住登记',
  'registration:update': '变更居住地址',
  'registration:address_change': '变更居住地址',
  'registration:cancel': '注销居住登记',
  'permit:apply': '申领居住证',
  'permit:accept': '受理居住证',
  'permit:issue': '发放居住证',
  'permit:endorse': '签注',
  'permit:replace': '换领/补领',
  'permit:change': '变更登记事项',
  'permit:cancel': '注销居住证',
  'permit:process': '办理居住证',
  'permit:read': '查阅居住证',
  'permit:print': '打印居住证',
  'permit:qr_view': '查看电子居住证二维码',
  'photo:take': '采集本人相片',
  'photo:read': '查看本人相片',
  'audit:read': '查阅审计日志',
  'organisation:create': '登记报告单位',
  'organisation:key': '生成接入密钥',
  'organisation:manage': '管理报告单位',
  'house:create': '登记出租房屋',
  'house:write': '登记出租房屋',
  'house:read': '查阅出租房屋',
  'report:create': '报告（单件）',
  'report:read': '查阅报告',
  'report:list': '查阅报告列表',
  'upload:preview': '批量上报（检查）',
  'upload:confirm': '批量上报（确认导入）',
  'task:read': '查阅网格任务',
  'task:close': '办结网格任务',
  'task:update': '办结网格任务',
  'task:reassign': '转派网格任务',
  'visit:create': '入户走访',
  'grid:worklist': '查阅网格工作清单',
  'grid:read': '查阅网格工作清单',
  'worklist:read': '查阅工作清单',
}

export const AUDIT_RESULTS: Record<string, string> = {
  ok: '成功',
  denied: '拒绝',
  failed: '失败',
}

// ---- rental houses, organisations, reports and the grid's tasks ----------------

export const ORG_KINDS: { code: 'landlord' | 'property' | 'rental_agency' | 'employer' | 'job_agency'; label: string }[] = [
  { code: 'landlord', label: '房屋出租人' },
  { code: 'property', label: '物业服务企业' },
  { code: 'rental_agency', label: '房屋租赁中介机构' },
  { code: 'employer', label: '用人单位' },
  { code: 'job_agency', label: '职业介绍机构' },
]

export const ORG_KIND_LABELS: Record<string, string> = Object.fromEntries(ORG_KINDS.map((k) => [k.code, k.label]))

export const REPORT_KINDS: { code: 'tenant_move_in' | 'tenant_move_out' | 'hire' | 'separation' | 'placement'; label: string }[] = [
  { code: 'tenant_move_in', label: '承租人入住' },
  { code: 'tenant_move_out', label: '承租人退租' },
  { code: 'hire', label: '招用' },
  { code: 'separation', label: '解除劳动关系' },
  { code: 'placement', label: '中介成功' },
]

export const REPORT_KIND_LABELS: Record<string, string> = Object.fromEntries(REPORT_KINDS.map((k) => [k.code, k.label]))

/** What each kind of organisation may report (docs/grid.md). */
export const ORG_MAY_REPORT: Record<string, string[]> = {
  landlord: ['tenant_move_in', 'tenant_move_out'],
  property: ['tenant_move_in', 'tenant_move_out'],
  rental_agency: ['placement', 'tenant_move_in', 'tenant_move_out'],
  employer: ['hire', 'separation'],
  job_agency: ['placement'],
}

/** Reports about a tenancy name a house; the others an address. */
export function isTenantReport(kind: string): boolean {
  return kind === 'tenant_move_in' || kind === 'tenant_move_out'
}

/** The duties a report is checked against (checks[].event), for when the server gives a code. */
export const REPORT_DUTIES: Record<string, string> = {
  tenant_move_in: '房屋出租人（或代理人）登记承租人身份信息（24小时）',
  tenant_report: '房屋出租人向公安派出所报告承租人信息（3个工作日）',
  tenant_departure: '房屋出租人报告承租人退租离开（3个工作日）',
  hire: '用人单位组织招用的流动人口申报居住登记（3个工作日）',
  separation: '用人单位报告与流动人口终止劳动关系（3个工作日）',
  placement: '中介机构报告成交或介绍成功（3个工作日）',
}

/** What a check of a report is about: the server's own wording when it is Chinese. */
export function dutyText(c: { event: string; duty: string }): string {
  if (/[\u4e00-\u9fff]/.test(c.duty)) return c.duty
  return REPORT_DUTIES[c.duty] ?? REPORT_DUTIES[c.event] ?? c.duty
}

export const TASK_KINDS: Record<string, string> = {
  unregistered: '未申报居住登记',
  group_rental: '疑似群租',
  absent: '在册未见',
}

export const TASK_OUTCOMES: { code: 'visited' | 'registered' | 'moved_away' | 'not_found'; label: string }[] = [
  { code: 'visited', label: '已走访' },
  { code: 'registered', label: '已登记' },
  { code: 'moved_away', label: '已搬离' },
  { code: 'not_found', label: '查无此人' },
]

export const TASK_OUTCOME_LABELS: Record<string, string> = Object.fromEntries(TASK_OUTCOMES.map((k) => [k.code, k.label]))

export const VISIT_STATUS: Record<string, string> = {
  registered: '已登记',
  unregistered: '未申报居住登记',
  not_in_scope: '不属于服务管理范围',
}

export const UPLOAD_ENCODINGS: Record<string, string> = {
  'utf-8': 'UTF-8',
  utf8: 'UTF-8',
  gbk: 'GBK（GB 18030）',
  gb18030: 'GB 18030',
}
