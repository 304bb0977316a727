/*
 * The residents' phone pages at 375×667: sign-in with ID number, phone and the
 * demo one-time code; online declaration, which for an ID number not on record
 * waits as 待核验 until the station confirms it in the console (网上申报核验) or
 * sends it back with a reason; the status on the home page; logging out; and,
 * for a resident whose permit was issued at the desk, the electronic permit's
 * QR code and the permit page.
 */
import {
  test,
  expect,
  shot,
  expectNoHorizontalScroll,
  pickOption,
  freshIdNumber,
  freshPhone,
  beijingDay,
  StaffApi,
  firstGrid,
  e2eEnv,
  testPhoto,
} from './fixtures'
import type { Browser, Page } from '@playwright/test'
import jsQR from 'jsqr'
import fs from 'node:fs'

test.use({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })

/** Signs in on #/m/login with the code the demo server hands back. */
async function signIn(page: Page, idNumber: string, phone: string, screenshot?: string) {
  await page.goto('/#/m/login')
  await expect(page.getByText('居民登录')).toBeVisible()
  await page.getByLabel('公民身份号码').fill(idNumber)
  await page.getByLabel('手机号码').fill(phone)
  const otp = page.waitForResponse((r) => r.url().endsWith('/api/v1/resident/otp'))
  await page.getByRole('button', { name: '获取验证码' }).click()
  const answer = await (await otp).json()
  expect(answer.sent).toBe(true)
  expect(answer.demo_code, 'the server runs with --sms demo').toMatch(/^\d{6}$/)
  // The demo notifier "sends" the text message into the server's log.
  await expect
    .poll(() =>
      fs
        .readFileSync(e2eEnv().logFile, 'utf8')
        .split('\n')
        .some((l) => l.includes('【演示】') && l.includes('验证码') && l.includes(answer.demo_code)),
    )
    .toBe(true)
  await expect(page.getByRole('button', { name: /秒后重发/ })).toBeDisabled()
  // The same notice whatever the ID number: no code comes for a record without this phone.
  await expect(page.locator('[data-test="otp-notice"]')).toContainText('派出所')
  await page.getByLabel('短信验证码').fill(answer.demo_code)
  await expectNoHorizontalScroll(page)
  if (screenshot) await shot(page, screenshot)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await expect(page).toHaveURL(/#\/m$/)
}

/** A clerk signs in to the console (a desktop window of its own) and confirms the pending
 * online declaration of `name` after "checking the ID card"; returns the certificate number. */
async function confirmInConsole(browser: Browser, who: { username: string; password: string }, name: string) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
  const page = await context.newPage()
  try {
    await page.goto(e2eEnv().base + '/#/login')
    const item = (label: string) => page.locator('.el-form-item').filter({ hasText: label })
    await item('用户名').locator('input').fill(who.username)
    await item('密码').locator('input').fill(who.password)
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await expect(page).not.toHaveURL(/#\/login/)
    await page.locator('.el-menu-item', { hasText: '网上申报核验' }).click()
    await expect(page).toHaveURL(/#\/declarations$/)
    const row = page.locator('[data-test="declarations-table"] .el-table__body-wrapper tr', { hasText: name })
    await expect(row).toHaveCount(1)
    await expect(row.getByText('待核验')).toBeVisible()
    await shot(page, 'console-declarations')
    await row.locator('[data-test="declaration-confirm"]').click()
    const dialog = page.getByRole('dialog', { name: '确认网上申报' })
    await expect(dialog.getByText('请核对本人居民身份证件')).toBeVisible()
    await shot(page, 'console-declaration-confirm')
    const confirmed = page.waitForResponse((r) => /\/api\/v1\/declarations\/\d+\/confirm$/.test(r.url()))
    await dialog.getByRole('button', { name: '确认', exact: true }).click()
    const res = await confirmed
    expect(res.status(), await res.text()).toBe(201)
    const cert: string = (await res.json()).registration.certificate_no
    await expect(page.locator('.el-message', { hasText: cert })).toBeVisible()
    // Confirmed: off the pending list.
    await expect(row).toHaveCount(0)
    return cert
  } finally {
    await context.close()
  }
}

test('a resident not on record declares online, the station confirms it, and the home page shows it', async ({
  page,
  browser,
  env,
  expectedConsoleErrors,
}) => {
  const idNumber = freshIdNumber('110105', 1992)
  const phone = freshPhone()

  // The ID number is checked as it is typed.
  await page.goto('/#/m/login')
  await page.getByLabel('公民身份号码').fill(idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0'))
  await expect(page.getByText('公民身份号码校验码不正确')).toBeVisible()
  await expect(page.getByRole('button', { name: '获取验证码' })).toBeDisabled()

  await signIn(page, idNumber, phone, 'mobile-login')

  // Home: nothing declared yet; the ID number is not on record.
  await expect(page.getByText('您尚未办理居住登记')).toBeVisible()
  await expect(page.getByText('身份待核验')).toBeVisible()
  await expect(page.locator('[data-test="permit"]')).toHaveCount(0)
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-home-empty')

  await page.getByRole('button', { name: '网上申报居住登记' }).click()
  await expect(page).toHaveURL(/#\/m\/declare$/)
  const item = (label: string) => page.locator('.el-form-item').filter({ has: page.getByText(label, { exact: true }) })

  await item('姓名').getByRole('textbox').fill('王晓燕')
  await pickOption(page, item('民族'), '汉族')
  await expect(item('户口所在地行政区划代码').getByRole('textbox')).toHaveValue('110105')
  await pickOption(page, item('区县'), '历下区')
  await pickOption(page, item('街道（镇）'), '解放路街道')
  await pickOption(page, item('社区（村）'), '解放路社区')
  await pickOption(page, item('网格'), '第一网格')
  await item('街路巷').getByRole('textbox').fill('解放路')
  await item('门牌号').getByRole('textbox').fill('120号')
  await item('楼栋').getByRole('textbox').fill('3')
  await item('单元').getByRole('textbox').fill('2')
  await item('房间').getByRole('textbox').fill('301')
  const arrival = beijingDay(-1)
  const date = item('到达居住地日期').getByRole('combobox').or(item('到达居住地日期').getByRole('textbox')).first()
  await date.fill(arrival)
  await date.press('Enter')
  await pickOption(page, item('居住事由'), '务工')
  await pickOption(page, item('住所类型'), '租赁房屋')
  await item('就业单位或就读学校').getByRole('textbox').fill('济南某科技公司')
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-declare-form')

  const declared = page.waitForResponse((r) => r.url().endsWith('/api/v1/resident/registrations'))
  await page.getByRole('button', { name: '提交申报' }).click()
  const res = await declared
  // Not on record: it waits for the station to check the ID card (202), nothing is registered.
  expect(res.status(), await res.text()).toBe(202)
  const body = await res.json()
  expect(body.declaration.status).toBe('pending')

  const waiting = page.locator('[data-test="declare-pending"]')
  await expect(waiting.getByText('申报已提交，待核验')).toBeVisible()
  await expect(waiting.getByText(body.declaration.deadline)).toBeVisible()
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-declare-pending')

  // Home: 待核验, and where to go.
  await waiting.getByRole('button', { name: '返回首页' }).click()
  await expect(page).toHaveURL(/#\/m$/)
  const reg = page.locator('[data-test="registration"]')
  await expect(reg.getByText('待核验', { exact: true })).toBeVisible()
  await expect(reg.getByText(/携带本人居民身份证到居住地派出所核验身份/)).toBeVisible()
  await expect(reg.getByRole('button', { name: '网上申报居住登记' })).toHaveCount(0)
  await shot(page, 'mobile-home-pending')

  // The station checks the ID card at the counter and confirms it in the console.
  const cert = await confirmInConsole(browser, env.clerk, '王晓燕')
  expect(cert).toMatch(/^DJ370102\d{4}\d{7}[0-9X]$/)

  // Home: the registration's status.
  await page.reload()
  await expect(page.getByText('身份待核验')).toHaveCount(0)
  await expect(reg.getByText(cert)).toBeVisible()
  await expect(reg.locator('[data-test="declaration-confirmed"]')).toHaveText('已生效')
  await expect(reg.locator('[data-test="declaration-confirmed-note"]')).toContainText('网上申报已经核验，居住登记已生效')
  await expect(reg.getByText('按期申报')).toBeVisible()
  await expect(reg.getByText(/历下区解放路120号3号楼2单元301室/)).toBeVisible()
  await expect(reg.getByText(arrival)).toBeVisible()
  await expect(page.getByText('王晓燕')).toBeVisible()

  // Entitlements: a registration certificate gives some; each shows its citations.
  const rows = page.locator('.entitlements .m-list-row')
  await expect(rows.first()).toBeVisible()
  await rows.first().click()
  await expect(page.getByRole('dialog').getByText('法律依据')).toBeVisible()
  await expect(page.getByRole('dialog').locator('.m-cite li').first()).toContainText('《')
  await shot(page, 'mobile-home-entitlement', { fullPage: false })
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toBeHidden()

  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-home')

  // A permit needs half a year of registration: the server says from when (a 422, which
  // Chromium logs).
  expectedConsoleErrors.push(
    /^console\.error on .*#\/m\/permit: Failed to load resource: the server responded with a status of 422/,
  )
  await page.getByRole('button', { name: '申领居住证' }).click()
  await expect(page).toHaveURL(/#\/m\/permit$/)
  await expect(page.getByText('申领条件')).toBeVisible()
  await page.getByText('合法稳定住所').click()
  await page.getByRole('button', { name: '提交申请' }).click()
  const refusal = page.locator('[data-test="not-eligible"]')
  await expect(refusal).toContainText(/居住登记满半年方可申领居住证，可于\d{4}-\d{2}-\d{2}起申请/)
  await expect(refusal.locator('.m-cite li').first()).toContainText('《居住证暂行条例》')
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-permit-apply')
})

test('a declaration sent back shows its reason on the phone; logging out ends the session', async ({
  page,
  env,
  request,
}) => {
  const staff = await StaffApi.login(request, env.clerk)
  const grid = await firstGrid(staff, env.street)
  const idNumber = freshIdNumber('120101', 1994)
  await signIn(page, idNumber, freshPhone())
  const saved = await page.evaluate(() => sessionStorage.getItem('liudong.resident.session'))
  const token: string = JSON.parse(saved!).token
  const resident = { Authorization: `Bearer ${token}` }

  // Declared online (through the API; the form is the first test's), then sent back.
  const declared = await request.post('/api/v1/resident/registrations', {
    headers: resident,
    data: {
      person: { name: '赵文静', ethnicity: '01', hukou_code: '120101' },
      address: { grid, road: '解放路', house_number: '9号' },
      arrival_date: beijingDay(-1),
      reason: 'work',
      housing: 'rented',
    },
  })
  expect(declared.status(), await declared.text()).toBe(202)
  const id: number = (await declared.json()).declaration.id
  await staff.call('POST', `/api/v1/declarations/${id}/reject`, { reason: '到派出所核验时身份证件与申报信息不符' })

  await page.reload()
  const reg = page.locator('[data-test="registration"]')
  await expect(reg.getByText('已退回', { exact: true })).toBeVisible()
  await expect(reg.getByText('退回原因：到派出所核验时身份证件与申报信息不符')).toBeVisible()
  await expect(reg.getByRole('button', { name: '重新申报' })).toBeVisible()
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-home-rejected')

  // Logging out ends the session on the server, not only on the phone.
  expect((await request.get('/api/v1/resident/me', { headers: resident })).status()).toBe(200)
  await page.getByRole('button', { name: '退出' }).click()
  await expect(page).toHaveURL(/#\/m\/login/)
  await expect.poll(async () => (await request.get('/api/v1/resident/me', { headers: resident })).status()).toBe(401)
})

test('a resident with an issued permit shows the electronic permit', async ({ page, env, request }) => {
  const staff = await StaffApi.login(request, env.admin)
  const idNumber = freshIdNumber('320102', 1988)
  const phone = freshPhone()
  const grid = await firstGrid(staff, env.street)
  const issued = await staff.issuedPermit({ idNumber, name: '陈立新', phone, grid })
  expect(issued.electronic.payload).toMatch(/^LDP1\|/)

  await signIn(page, idNumber, phone)
  const permit = page.locator('[data-test="permit"]')
  await expect(permit.getByText(issued.permit.permit_no)).toBeVisible()
  await expect(permit.getByText('有效', { exact: true })).toBeVisible()
  await expect(page.locator('.ledger').getByText('发放居住证')).toBeVisible()
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-home-permit')

  await permit.getByRole('button', { name: '出示电子居住证' }).click()
  const dialog = page.getByRole('dialog', { name: '电子居住证' })
  const qr = dialog.getByRole('img', { name: '电子居住证二维码' })
  await expect(qr).toBeVisible()
  const box = await qr.boundingBox()
  expect(box!.width, 'the QR code is shown large').toBeGreaterThan(280)
  await expect(dialog.getByText(issued.permit.permit_no)).toBeVisible()
  const masked = idNumber.slice(0, 6) + '********' + idNumber.slice(-4)
  await expect(dialog.getByText(masked)).toBeVisible()
  await shot(page, 'mobile-permit-qr', { fullPage: false })

  // The QR code holds exactly the signed payload.
  const pixels = await qr.evaluate((img: HTMLImageElement) => {
    const c = document.createElement('canvas')
    c.width = c.height = 400
    const ctx = c.getContext('2d')!
    ctx.drawImage(img, 0, 0, 400, 400)
    return Array.from(ctx.getImageData(0, 0, 400, 400).data)
  })
  const code = jsQR(Uint8ClampedArray.from(pixels), 400, 400)
  expect(code?.data).toBe(issued.electronic.payload)
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  await page.getByRole('button', { name: '居住证办理' }).click()
  await expect(page).toHaveURL(/#\/m\/permit$/)
  await expect(page.getByText('网上签注')).toBeVisible()
  await expect(page.getByRole('button', { name: '未到签注期' })).toBeDisabled()
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-permit')
})

test('a resident registered half a year ago applies online and is told every missing material at once', async ({
  page,
  env,
  request,
}) => {
  const staff = await StaffApi.login(request, env.clerk)
  const idNumber = freshIdNumber('130102', 1995)
  const phone = freshPhone()
  const grid = await firstGrid(staff, env.street)
  await staff.call('POST', '/api/v1/registrations', {
    person: { id_number: idNumber, name: '刘海洋', ethnicity: '01', hukou_code: '130102', phone },
    address: { grid, road: '山大南路', house_number: '27号' },
    arrival_date: beijingDay(-3, -7),
    declared_date: beijingDay(-1, -7),
    reason: 'work',
    housing: 'rented',
  })

  await signIn(page, idNumber, phone)
  await page.getByRole('button', { name: '申领居住证' }).click()
  await expect(page).toHaveURL(/#\/m\/permit$/)
  await page.getByText('合法稳定就业').click()
  await expect(page.getByText('就业证明（劳动合同或用人单位证明、营业执照等）')).toBeVisible()
  await page.getByText('居民身份证', { exact: true }).click()
  // The photo, sent from the phone: it counts as the material 本人近期相片.
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/v1/resident/photo'))
  await page.locator('[data-test="own-photo-file"]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: testPhoto() })
  const photo = await sent
  expect(photo.status(), await photo.text()).toBe(201)
  expect((await photo.json()).photo.channel).toBe('online')
  const own = page.locator('[data-test="own-photo-card"] [data-test="own-photo-img"]')
  await expect(own).toBeVisible()
  await expect.poll(() => own.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(358)
  await expect(page.getByText('本人近期相片（已网上提交）')).toBeVisible()
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-permit-apply-filled')

  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/resident/permits'))
  await page.getByRole('button', { name: '提交申请' }).click()
  const res = await applied
  expect(res.status(), await res.text()).toBe(201)

  const result = page.locator('[data-test="apply-result"]')
  await expect(result.getByText('请一次性补齐以下材料')).toBeVisible()
  const missing = result.locator('[data-test="missing-materials"] li')
  await expect(missing).toHaveCount(2)
  await expect(missing.nth(0)).toContainText('居住地住址证明')
  await expect(missing.nth(1)).toContainText('就业证明')
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-permit-missing')

  await result.getByRole('button', { name: '返回首页' }).click()
  await expect(page.locator('[data-test="permit"]').getByText('已申请（待受理）')).toBeVisible()
})

test('a resident in the endorsement window endorses online from the home page', async ({ page, env, request }) => {
  const staff = await StaffApi.login(request, env.clerk)
  const idNumber = freshIdNumber('340102', 1983)
  const phone = freshPhone()
  const grid = await firstGrid(staff, env.street)
  // Issued almost a year ago: the first anniversary is ten days away, the window is open.
  await staff.issuedPermit({
    idNumber,
    name: '周明辉',
    phone,
    grid,
    declared: beijingDay(0, -19),
    issued: beijingDay(10, -12),
  })

  await signIn(page, idNumber, phone)
  const permit = page.locator('[data-test="permit"]')
  await expect(permit.getByText('有效（签注期内）')).toBeVisible()
  await expect(permit.getByText(beijingDay(10), { exact: true })).toBeVisible()
  await shot(page, 'mobile-home-window-open')

  await permit.getByRole('button', { name: '网上签注' }).click()
  const confirm = page.locator('.el-message-box', { hasText: '确定办理本年度签注吗' })
  await expect(confirm).toBeVisible()
  const box = await confirm.boundingBox()
  expect(box!.x).toBeGreaterThanOrEqual(0)
  expect(box!.x + box!.width, 'the confirmation fits the screen').toBeLessThanOrEqual(375)
  await shot(page, 'mobile-endorse-confirm', { fullPage: false })
  const endorsed = page.waitForResponse((r) => r.url().endsWith('/api/v1/resident/permits/endorse'))
  await confirm.getByRole('button', { name: '签注' }).click()
  expect((await endorsed).status()).toBe(200)

  await expect(page.locator('.el-message', { hasText: '签注成功' })).toBeVisible()
  await expect(permit.getByText('有效', { exact: true })).toBeVisible()
  await expect(page.locator('.ledger').getByText('按期签注')).toBeVisible()
  await expect(permit.getByRole('button', { name: '网上签注' })).toHaveCount(0)
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-home-endorsed')
})

test('a declaration the server refuses: the error next to its field, and "no registration needed" with its citations', async ({
  page,
  expectedConsoleErrors,
}) => {
  // Both answers are 422, which Chromium logs; nothing else may be logged.
  expectedConsoleErrors.push(
    /^console\.error on .*#\/m\/declare: Failed to load resource: the server responded with a status of 422/,
  )
  // Someone with a 历下区 hukou living in 历下区 need not register.
  const idNumber = freshIdNumber('370102', 1990)
  await signIn(page, idNumber, freshPhone())
  await page.getByRole('button', { name: '网上申报居住登记' }).click()
  const item = (label: string) => page.locator('.el-form-item').filter({ has: page.getByText(label, { exact: true }) })
  await item('姓名').getByRole('textbox').fill('李泉生')
  await pickOption(page, item('民族'), '回族')
  await expect(item('户口所在地行政区划代码').getByRole('textbox')).toHaveValue('370102')
  await pickOption(page, item('区县'), '历下区')
  await pickOption(page, item('街道（镇）'), '解放路街道')
  await pickOption(page, item('社区（村）'), '解放路社区')
  await pickOption(page, item('网格'), '第一网格')
  await item('街路巷').getByRole('textbox').fill('解放路')
  const date = item('到达居住地日期').getByRole('combobox').or(item('到达居住地日期').getByRole('textbox')).first()
  await date.fill(beijingDay(-1))
  await date.press('Enter')
  await pickOption(page, item('居住事由'), '务工')
  await pickOption(page, item('住所类型'), '自购房屋')

  // A city-level code is no county: the server's message appears under that field.
  await item('户口所在地行政区划代码').getByRole('textbox').fill('370100')
  await page.getByRole('button', { name: '提交申报' }).click()
  const hukouError = item('户口所在地行政区划代码').locator('.el-form-item__error')
  await expect(hukouError).toBeVisible()
  await expect(page.getByText('请根据提示修改后重新提交')).toBeVisible()
  await shot(page, 'mobile-declare-field-error')

  // With the right code: the rules say no registration is needed, and why.
  await item('户口所在地行政区划代码').getByRole('textbox').fill('370102')
  await page.getByRole('button', { name: '提交申报' }).click()
  const answer = page.locator('[data-test="not-required"]')
  await expect(answer.getByText('无需申报居住登记', { exact: true })).toBeVisible()
  await expect(answer.getByText('您不属于本市流动人口服务管理范围，无需申报居住登记。')).toBeVisible()
  await expect(answer.locator('.m-cite li').first()).toContainText('《山东省流动人口服务管理暂行办法》')
  await expectNoHorizontalScroll(page)
  await shot(page, 'mobile-declare-not-required')
  await answer.getByRole('button', { name: '返回首页' }).click()
  await expect(page.getByText('您尚未办理居住登记')).toBeVisible()
})
