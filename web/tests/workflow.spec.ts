/*
 * The workflow the law assumes (issue 13), in the console and on the phone:
 *
 * - back-dating: a declaration dated before today at the desk asks for its 补录事由 and
 *   is refused without it; the result, the person's history show 补录 with the day it was
 *   entered and the reason;
 * - lateness in working days (逾期N个工作日, the server's count) at the desk and in the
 *   work list; the precheck of someone who need not register shows no deadline at all;
 * - the queues: the dashboard counts online applications waiting (待受理) and those past
 *   their period; 居住证申请受理 lists an online application with what is missing and its
 *   受理期限, 退回 asks the reason, which the resident then reads on the phone (and applies
 *   again); 受理 opens the permit's acceptance step;
 * - a grid task closed as 已搬离 lists what followed (tenancy ended, house counted again,
 *   registration marked for the station).
 *
 * Every figure the pages should show is read from the server's own answers.
 */
import { test, expect, shot, freshIdNumber, freshPhone, beijingDay, StaffApi, firstGrid, idNumber, item, fillDate, giveReason, signIn } from './fixtures'
import type { Browser, Page, Response } from '@playwright/test'

test.use({ viewport: { width: 1366, height: 900 } })

/** The desk form with a person of `idNumber` living at 历下区解放路 (the clerk's area). */
async function deskPerson(page: Page, id: string, name: string) {
  const form = page.locator('.desk-form')
  await expect(form).toBeVisible()
  await form.locator('[data-test="id-number"] input, input[data-test="id-number"]').first().fill(id)
  await item(form, '姓名').locator('input').fill(name)
  await expect(item(form, '户籍地（县级行政区划代码）').locator('input')).toHaveValue(id.slice(0, 6))
  await item(form, '区县 / 街道 / 社区 / 网格').locator('.el-cascader').click()
  for (const level of ['历下区', '解放路街道', '解放路社区', '第一网格'])
    await page.locator('.el-cascader-node:visible', { hasText: level }).first().click()
  await item(form, '街路巷').locator('input').fill('解放路')
  await item(form, '门牌号').locator('input').fill('18号')
  return form
}

function calendarDays(from: string, to: string): number {
  return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86400000)
}

/** A phone of its own (375×667), signed in as the resident with the demo server's code. */
async function residentPhone(browser: Browser, base: string, id: string, phone: string) {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const m = await context.newPage()
  const errors: string[] = []
  m.on('pageerror', (e) => errors.push(e.message))
  m.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  await m.goto('/#/m/login')
  await m.getByLabel('公民身份号码').fill(id)
  await m.getByLabel('手机号码').fill(phone)
  const otp = m.waitForResponse((r) => r.url().endsWith('/api/v1/resident/otp'))
  await m.getByRole('button', { name: '获取验证码' }).click()
  const code = (await (await otp).json()).demo_code
  expect(code, 'the server runs with --sms demo').toMatch(/^\d{6}$/)
  await m.getByLabel('短信验证码').fill(code)
  await m.getByRole('button', { name: '登录', exact: true }).click()
  await expect(m).toHaveURL(/#\/m$/)
  return { context, page: m, errors }
}

const json = async (r: Response) => {
  const text = await r.text()
  expect([200, 201], `${r.url()}: ${r.status()} ${text}`).toContain(r.status())
  return JSON.parse(text)
}

test('a back-dated declaration needs its 补录事由, the record shows it, lateness is in working days', async ({
  page,
  env,
  expectedConsoleErrors,
}) => {
  const id = freshIdNumber('320102', 1991)
  const name = '周补录'
  const why = '系统停机期间收取的纸质申报表'
  const arrival = beijingDay(-25)
  const declared = beijingDay(-5)
  const today = beijingDay()

  await signIn(page, env.clerk, '/desk')
  const form = await deskPerson(page, id, name)
  await fillDate(item(form, '到达居住地日期'), arrival)

  // Dated today: no reason is asked.
  await expect(item(form, '补录事由')).toHaveCount(0)
  await fillDate(item(form, '申报日期'), declared)
  // Dated back: the reason is asked, with the limit explained.
  const reason = item(form, '补录事由')
  await expect(reason).toBeVisible()
  await expect(form.locator('[data-test="act-date-backdated"]')).toHaveText('补录')
  await expect(reason.locator('[data-test="date-reason-note"]')).toContainText('系统设定期限（默认30天）')
  // Not without it: nothing is sent.
  let sent = 0
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/registrations')) sent++
  })
  await page.locator('[data-test="declare"]').click()
  await expect(reason.locator('.el-form-item__error')).toHaveText('申报日期早于今天，请填写补录事由')
  expect(sent).toBe(0)

  await reason.locator('textarea').fill(why)
  // The precheck: late, counted in working days as the server counts them.
  const checked = page.waitForResponse((r) => r.url().endsWith('/api/v1/registrations/check'))
  await page.locator('[data-test="precheck"]').click()
  const check = await json(await checked)
  const late: number = check.deadline.working_days_late
  expect(check.deadline.late).toBe(true)
  expect(late).toBeGreaterThan(0)
  // Weeks late: fewer working days than calendar days, so a calendar count would differ.
  expect(late).toBeLessThan(calendarDays(check.deadline.deadline, declared))
  await expect(page.locator('[data-test="check-late"]')).toHaveText(`已逾期${late}个工作日`)

  // Declared: the date and its reason on the record.
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/registrations') && r.request().method() === 'POST')
  await page.locator('[data-test="declare"]').click()
  const answer = await json(await created)
  expect(answer.registration.declared_date).toBe(declared)
  expect([answer.event.backdated, answer.event.date_reason, answer.event.entered_date]).toEqual([true, why, today])
  const result = page.locator('[data-test="created"]')
  await expect(result.locator('[data-test="created-late"]')).toHaveText(`逾期申报（逾期${answer.deadline.working_days_late}个工作日）`)
  await expect(result.locator('[data-test="backdated"]')).toContainText(`${today}录入，事由：${why}`)
  await shot(page, 'workflow-desk-backdated')

  // The person's history.
  await result.getByRole('button', { name: '查看人员' }).click()
  await giveReason(page, '流程测试')
  await expect(page.locator('[data-test="person-name"]')).toHaveText(name)
  await page.getByRole('tab', { name: '登记历史' }).click()
  const declaredEvent = page.locator('.history .el-timeline-item', { hasText: '申报居住登记' })
  await expect(declaredEvent).toHaveCount(1)
  const mark = declaredEvent.locator('[data-test="backdated"]')
  await expect(mark).toContainText('补录')
  await expect(mark).toContainText(`${today}录入，事由：${why}`)
  await expect(declaredEvent).toContainText(declared)

  // Further back than the server allows: its refusal beside the date (a 422, which Chromium
  // logs).
  expectedConsoleErrors.push(/^console\.error on [^ ]+#\/persons\/\d+: Failed to load resource: the server responded with a status of 422/)
  await page.getByRole('button', { name: '申领居住证' }).first().click()
  const apply = page.getByRole('dialog', { name: /申领居住证/ })
  await apply.getByText('合法稳定就业').click()
  const longAgo = beijingDay(0, -12 * 11)
  await fillDate(item(apply, '申请日期'), longAgo)
  await item(apply, '补录事由').locator('textarea').fill(why)
  const refused = page.waitForResponse((r) => /\/api\/v1\/persons\/\d+\/permits$/.test(r.url()))
  await apply.locator('[data-test="apply-submit"]').click()
  const refusal = await refused
  expect(refusal.status()).toBe(422)
  const error = (await refusal.json()).error
  expect(error.field).toBe('applied_date')
  await expect(item(apply, '申请日期').locator('.el-form-item__error')).toHaveText(error.message)
  await expect(item(apply, '申请日期').locator('.el-form-item__error')).toContainText('超过补录期限')
  await shot(page, 'workflow-backdate-limit')
  await apply.getByRole('button', { name: '取消' }).click()

  // The work list of late declarations: the same count of working days.
  await page.goto('/#/worklists')
  const range = page.locator('.el-range-input')
  await range.nth(0).click()
  await range.nth(0).fill(declared)
  await range.nth(1).fill(declared)
  await range.nth(1).press('Enter')
  const row = page.locator('.el-table__row', { hasText: name })
  await expect(row).toHaveCount(1)
  await expect(row.locator('[data-test="late-working-days"]')).toHaveText(`逾期${late}个工作日`)
  await shot(page, 'workflow-late-worklist')
})

test('the precheck of someone who need not register shows no deadline', async ({ page, env }) => {
  // A 历下区 hukou living in 历下区: not a floating resident here.
  const id = idNumber('370102', '19890214', Math.floor(Math.random() * 900) + 100)
  await signIn(page, env.clerk, '/desk')
  const form = await deskPerson(page, id, '本区户籍')
  await fillDate(item(form, '到达居住地日期'), beijingDay(-30))
  const checked = page.waitForResponse((r) => r.url().endsWith('/api/v1/registrations/check'))
  await page.locator('[data-test="precheck"]').click()
  const check = await json(await checked)
  expect(check.scope.registration_required).toBe(false)
  expect(check.deadline).toBeNull()
  const card = page.locator('[data-test="check-result"]')
  await expect(card).toContainText('不纳入流动人口服务管理')
  await expect(card.locator('[data-test="check-no-deadline"]')).toContainText('没有申报期限')
  await expect(card).not.toContainText('未逾期')
  await expect(card).not.toContainText('申报期限：')
  await expect(card.locator('[data-test="check-deadline"]')).toHaveCount(0)
  await shot(page, 'workflow-precheck-out-of-scope')
})

test('the 待受理 queue: counted on the dashboard, returned with a reason the resident reads, accepted', async ({
  page,
  env,
  request,
  browser,
}) => {
  const staff = await StaffApi.login(request, env.clerk)
  const grid = await firstGrid(staff, env.street)
  // Two people registered seven months ago (eligible); the first applies on the phone.
  const register = async (name: string, phone: string) =>
    staff.call('POST', '/api/v1/registrations', {
      person: { id_number: freshIdNumber('210102', 1990), name, ethnicity: '01', hukou_code: '210102', phone },
      address: { grid, road: '泉城路', house_number: '66号' },
      arrival_date: beijingDay(-3, -7),
      declared_date: beijingDay(-1, -7),
      reason: 'work',
      housing: 'rented',
    })
  const phoneA = freshPhone()
  const a = await register('吴网申', phoneA)
  const b = await register('郑超期', freshPhone())
  const before = await staff.call('GET', '/api/v1/stats/queues')

  // The resident applies online with part of the materials.
  const phone = await residentPhone(browser, env.base, a.person.id_number, phoneA)
  const m = phone.page
  try {
    await m.getByRole('button', { name: '申领居住证' }).click()
    await expect(m).toHaveURL(/#\/m\/permit$/)
    await m.getByText('合法稳定住所').click()
    await m.getByText('居民身份证', { exact: true }).click()
    const applying = m.waitForResponse((r) => r.url().endsWith('/api/v1/resident/permits'))
    await m.getByRole('button', { name: '提交申请' }).click()
    const applied = await json(await applying)
    const missingA: string[] = applied.missing_materials.map((x: { name: string }) => x.name)
    expect(missingA.length).toBeGreaterThan(0)
    const acceptBy: string = applied.permit.accept_by
    expect(acceptBy > beijingDay()).toBe(true)

    // An online application taken down 20 days ago and entered now: past its period.
    const late = await staff.call('POST', `/api/v1/persons/${b.person.id}/permits`, {
      basis: 'housing',
      channel: 'online',
      applied_date: beijingDay(-20),
      materials: { id_card: true, photo: true, residence_proof: true },
    })
    const overdueRows = (await staff.call('GET', '/api/v1/worklists/applications?overdue=1&per_page=100')).items
    const lateRow = overdueRows.find((r: { id: number }) => r.id === late.permit.id)
    expect(lateRow.overdue).toBe(true)
    expect(lateRow.working_days_overdue).toBeGreaterThan(0)

    // The dashboard counts both, and the one past its period.
    await signIn(page, env.clerk)
    await expect(page).toHaveURL(/#\/dashboard/)
    const card = page.locator('[data-test="queue-applications"]')
    await expect(card.locator('[data-test="queue-applications-pending"]')).toHaveText(String(before.applications.pending + 2))
    await expect(card.locator('[data-test="queue-applications-overdue"]')).toHaveText(String(before.applications.overdue + 1))
    await expect(page.locator('[data-test="queue-declarations-pending"]')).toHaveText(String(before.declarations.pending))
    await expect(page.locator('[data-test="queue-declarations-overdue"]')).toHaveText(String(before.declarations.overdue))
    await expect(page.locator('[data-test="queue-moved-away-pending"]')).toHaveText(String(before.moved_away))
    await shot(page, 'workflow-dashboard-queues')

    // The queue: the applicant, what is missing, the deadline; the late one highlighted.
    await card.click()
    await expect(page).toHaveURL(/#\/applications/)
    const table = page.locator('[data-test="applications-table"]')
    const rowA = table.locator('.el-table__row', { hasText: '吴网申' })
    const rowB = table.locator('.el-table__row', { hasText: '郑超期' })
    await expect(rowA).toHaveCount(1)
    await expect(rowA).toContainText(a.person.id_number)
    await expect(rowA.locator('[data-test="application-missing"]')).toHaveText(missingA.join('、'))
    await expect(rowA.locator('[data-test="application-accept-by"]')).toHaveText(acceptBy)
    await expect(rowA.locator('[data-test="application-overdue"]')).toHaveCount(0)
    await expect(rowB.locator('[data-test="application-overdue"]')).toHaveText(`已超期${lateRow.working_days_overdue}个工作日`)
    await expect(rowB).toHaveClass(/overdue-row/)
    await shot(page, 'workflow-applications')
    // Only those past their period.
    await page.locator('[data-test="applications-overdue"]').click()
    await expect(rowA).toHaveCount(0)
    await expect(rowB).toHaveCount(1)
    await page.locator('[data-test="applications-overdue"]').click()
    await expect(rowA).toHaveCount(1)

    // 退回: a reason is required; the applicant reads it.
    const why = '住所证明与登记地址不符，请携带租赁合同到派出所'
    await rowA.locator('[data-test="application-return"]').click()
    const dialog = page.getByRole('dialog', { name: '退回居住证申请' })
    await dialog.locator('[data-test="return-submit"]').click()
    await expect(dialog.locator('.el-form-item__error')).toHaveText('请填写退回原因')
    await dialog.locator('[data-test="return-reason"] textarea, textarea[data-test="return-reason"]').first().fill(why)
    const returned = page.waitForResponse((r) => r.url().endsWith(`/api/v1/permits/${applied.permit.id}/return`))
    await dialog.locator('[data-test="return-submit"]').click()
    const ret = await json(await returned)
    expect(ret.permit.status).toBe('returned')
    await expect(dialog).toBeHidden()
    await expect(rowA).toHaveCount(0)

    // 受理: the permit opens at its acceptance step.
    await rowB.locator('[data-test="application-accept"]').click()
    await giveReason(page, '流程测试')
    const accept = page.getByRole('dialog', { name: /受理申请 — 郑超期/ })
    await expect(accept).toBeVisible()
    const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/permits/${late.permit.id}/accept`))
    await accept.locator('[data-test="permit-action-submit"]').click()
    expect((await json(await accepted)).permit.status).toBe('accepted')
    await expect(page.locator('.el-drawer [data-test="permit-state"]')).toContainText('已受理')
    await page.locator('.el-drawer__close-btn').click()
    await expect(rowB).toHaveCount(0)

    // The dashboard: both handled.
    await page.locator('.el-menu-item', { hasText: '工作台' }).click()
    await expect(page.locator('[data-test="queue-applications-pending"]')).toHaveText(String(before.applications.pending))

    // The phone: the reason, and a new application.
    await m.goto('/#/m')
    const permitCard = m.locator('[data-test="permit"]')
    await expect(permitCard.getByText('申请已退回')).toBeVisible()
    await expect(permitCard.locator('[data-test="permit-returned-reason"]')).toHaveText(why)
    await shot(m, 'workflow-phone-returned')
    await permitCard.getByRole('button', { name: '重新申请' }).click()
    await expect(m).toHaveURL(/#\/m\/permit$/)
    await expect(m.locator('[data-test="permit-returned"]')).toContainText(why)
    await expect(m.getByText('重新申请居住证')).toBeVisible()
    expect(phone.errors).toEqual([])
  } finally {
    await phone.context.close()
  }
})

test('a task closed as 已搬离 lists what followed', async ({ page, env, request }) => {
  const clerk = await StaffApi.login(request, env.clerk)
  const grid = await StaffApi.login(request, env.grid)
  const suffix = String(Date.now() % 100000)
  const landlord = (
    await clerk.call('POST', '/api/v1/organisations', {
      kind: 'landlord',
      name: `搬离测试房东${suffix}`,
      id_number: freshIdNumber('370102', 1970),
      phone: '13700000001',
      grid: env.gridArea,
    })
  ).organisation.id
  const house = (
    await clerk.call('POST', '/api/v1/houses', {
      address: { grid: env.gridArea, road: '文化东路', house_number: `${suffix}号`, room: '101' },
      landlord,
      rooms: 1,
      capacity: 2,
    })
  ).house.id
  const name = '冯已搬'
  const reg = await clerk.call('POST', '/api/v1/registrations', {
    person: { id_number: freshIdNumber('420102', 1993), name, ethnicity: '01', hukou_code: '420102' },
    address: { grid: env.gridArea, road: '文化东路', house_number: `${suffix}号`, room: '101' },
    arrival_date: beijingDay(-3),
    reason: 'work',
    housing: 'rented',
  })
  await clerk.call('POST', '/api/v1/reports', {
    organisation: landlord,
    kind: 'tenant_move_in',
    person: { id_number: reg.person.id_number, name },
    event_date: beijingDay(-3),
    house,
  })
  // The grid worker visits and finds nobody: an `absent` task.
  const visit = await grid.call('POST', '/api/v1/visits', { house, occupants: [] })
  const task = visit.tasks.find((t: { kind: string }) => t.kind === 'absent')
  expect(task).toBeTruthy()

  await signIn(page, env.grid, `/tasks?task=${task.id}`)
  const row = page.locator('[data-test="tasks-table"] .el-table__row', { hasText: name })
  await expect(row).toHaveCount(1)
  await row.locator('[data-test="task-close"]').click()
  const dlg = page.getByRole('dialog', { name: '办结任务' })
  await dlg.locator('[data-test="task-outcome"]').getByText('已搬离').click()
  const closing = page.waitForResponse((r) => r.url().endsWith(`/api/v1/tasks/${task.id}/close`))
  await dlg.locator('[data-test="task-submit"]').click()
  const closed = await json(await closing)
  const followed = closed.moved_away
  expect(followed.registration.id).toBe(reg.registration.id)
  expect(followed.houses.map((h: { id: number }) => h.id)).toEqual([house])

  const result = page.getByRole('dialog', { name: '已按已搬离办结' }).locator('[data-test="moved-away-result"]')
  await expect(result).toBeVisible()
  await expect(result.locator('[data-test="moved-away-house"]')).toHaveText(
    `该人员在出租房屋（编号 ${house}）的承租已结束，现住${followed.houses[0].occupants}人`,
  )
  await expect(result.locator('[data-test="moved-away-registration"]')).toContainText(reg.registration.certificate_no)
  await expect(result.locator('[data-test="moved-away-registration"]')).toContainText('由派出所核实后注销')
  await shot(page, 'workflow-moved-away')
  await page.locator('[data-test="moved-away-ok"]').click()
  await expect(row).toHaveCount(0)

  // The station's list of registrations found moved away has it.
  const listed = await clerk.call('GET', '/api/v1/registrations?moved_away=1&per_page=100&reason=流程测试')
  expect(listed.items.map((r: { id: number }) => r.id)).toContain(reg.registration.id)
})
