/*
 * The staff console at 1366×768: a clerk signs in, declares a registration at
 * the desk (registered half a year ago, so a permit can be applied for), takes
 * the person's photo there from a file, opens the person, applies for a
 * permit, accepts and issues it, and prints it: the printable page opens in a
 * new window without error and carries the photo and every item of 条例 第四条.
 * The resident then signs in on the phone and sees the photo on the electronic
 * permit.
 */
import { test, expect, shot, freshIdNumber, beijingDay, testPhoto, e2eEnv, item, fillDate, giveReason } from './fixtures'
import type { Locator } from '@playwright/test'

test.use({ viewport: { width: 1366, height: 768 } })

/** The picture a loaded <img> shows, by its decoded size. */
async function naturalSize(img: Locator) {
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  return img.evaluate((e) => [(e as HTMLImageElement).naturalWidth, (e as HTMLImageElement).naturalHeight])
}

test('a clerk declares a registration, takes the photo, issues and prints the permit', async ({ page, env, browser }) => {
  const idNumber = freshIdNumber('510104', 1987)
  const name = '孙建国'
  const arrival = beijingDay(-3, -7)
  const declared = beijingDay(-1, -7)

  // Sign in.
  await page.goto('/#/login')
  await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible()
  await item(page, '用户名').locator('input').fill(env.clerk.username)
  await item(page, '密码').locator('input').fill(env.clerk.password)
  await shot(page, 'console-login')
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await expect(page).not.toHaveURL(/#\/login/)
  await page.waitForLoadState('networkidle')
  await shot(page, 'console-dashboard')

  // Declare at the desk (through the menu, as a clerk would).
  await page.locator('.el-menu-item', { hasText: '居住登记' }).click()
  await expect(page).toHaveURL(/#\/desk$/)
  const form = page.locator('.desk-form')
  await expect(form).toBeVisible()
  await form.locator('input[data-test="id-number"], [data-test="id-number"] input').first().fill(idNumber)
  await item(form, '姓名').locator('input').fill(name)
  await expect(item(form, '户籍地（县级行政区划代码）').locator('input')).toHaveValue('510104')
  await item(form, '联系电话').locator('input').fill('13812345678')
  await item(form, '区县 / 街道 / 社区 / 网格').locator('.el-cascader').click()
  for (const level of ['历下区', '解放路街道', '解放路社区', '第一网格'])
    await page.locator('.el-cascader-node:visible', { hasText: level }).first().click()
  await expect(item(form, '区县 / 街道 / 社区 / 网格').locator('input').first()).toHaveValue(/第一网格/)
  await item(form, '街路巷').locator('input').fill('解放路')
  await item(form, '门牌号').locator('input').fill('66号')
  await fillDate(item(form, '到达居住地日期'), arrival)
  await fillDate(item(form, '申报日期'), declared)
  // Dated back: a back-dated entry (补录) says why.
  await item(form, '补录事由').locator('textarea').fill('系统停机期间收取的纸质申报表')
  await item(form, '就业单位或就读学校').locator('input').fill('济南某机械厂')
  await page.locator('[data-test="declare"]').click()

  const created = page.locator('[data-test="created"]')
  await expect(created).toBeVisible()
  const cert = (await created.locator('.cert-no').innerText()).trim()
  expect(cert).toMatch(/^DJ370102\d{11}[0-9X]$/)
  await expect(created.getByText('按期')).toBeVisible()

  // The photo, from a file, at the desk: cut to the ID-photo shape and stored.
  await created.locator('[data-test="desk-photo"]').click()
  const capture = page.getByRole('dialog', { name: /采集本人相片/ })
  await expect(capture).toBeVisible()
  await capture.locator('[data-test="photo-file"]').setInputFiles({ name: '相片.png', mimeType: 'image/png', buffer: testPhoto() })
  expect(await naturalSize(capture.locator('[data-test="photo-preview"]'))).toEqual([358, 441])
  await shot(page, 'console-photo-capture')
  const saved = page.waitForResponse((r) => /\/api\/v1\/persons\/\d+\/photo$/.test(r.url()) && r.request().method() === 'POST')
  await capture.locator('[data-test="photo-save"]').click()
  const photoAnswer = await saved
  expect(photoAnswer.status(), await photoAnswer.text()).toBe(201)
  const stored = (await photoAnswer.json()).photo
  expect([stored.content_type, stored.width, stored.height, stored.channel]).toEqual(['image/jpeg', 358, 441, 'counter'])
  await expect(capture).toBeHidden()
  await naturalSize(created.locator('[data-test="desk-photo-img"]'))
  await shot(page, 'console-desk')

  // The person.
  await created.getByRole('button', { name: '查看人员' }).click()
  await expect(page).toHaveURL(/#\/persons\/\d+$/)
  await giveReason(page, '窗口办理居住证')
  await expect(page.getByText(idNumber).or(page.getByText(name)).first()).toBeVisible()
  await expect(page.getByText(cert).first()).toBeVisible()
  await shot(page, 'console-person')

  // Apply for a permit with every material.
  await naturalSize(page.locator('[data-test="photo-img"]').first())
  await page.getByRole('button', { name: '申领居住证' }).first().click()
  const apply = page.getByRole('dialog', { name: /申领居住证/ })
  await expect(apply).toBeVisible()
  await apply.getByText('合法稳定就业').click()
  for (const m of ['居民身份证', '本人近期相片', '居住地住址证明', '就业或就读证明'])
    await apply.getByText(m, { exact: true }).click()
  await apply.locator('[data-test="apply-submit"]').click()
  await expect(apply.getByText('申请已登记，材料齐全，可以受理')).toBeVisible()
  await apply.getByRole('button', { name: '办理受理' }).click()
  await expect(page).toHaveURL(/#\/permits\/\d+$/)

  // Accept and issue.
  const panel = page.locator('.permit-panel')
  await expect(panel.locator('[data-test="permit-state"]')).toContainText('已申请')
  // Whose permit it is, before it has a number.
  await expect(panel.locator('[data-test="permit-holder"]')).toHaveText(name)
  await expect(panel.locator('.no')).toHaveText('尚未发证')
  await expect(panel.locator('[data-test="permit-card"]')).toContainText('历下区解放路66号')
  await panel.getByRole('button', { name: '受理', exact: true }).click()
  await page.locator('[data-test="permit-action-submit"]:visible').click()
  await expect(panel.locator('[data-test="permit-state"]')).toContainText('已受理')
  await panel.getByRole('button', { name: '发证', exact: true }).click()
  const issueDialog = page.getByRole('dialog', { name: new RegExp(`发放居住证 — ${name}`) })
  await expect(issueDialog.locator('[data-test="issue-authority"]')).toHaveText('济南市公安局历下区分局')
  await page.locator('[data-test="permit-action-submit"]:visible').click()
  await expect(panel.locator('[data-test="permit-state"]')).toContainText('有效')
  const permitNo = (await panel.locator('.no').innerText()).trim()
  expect(permitNo).toMatch(/^JZ370102\d{11}[0-9X]$/)
  await expect(panel.locator('[data-test="permit-qr"] svg')).toBeVisible()
  await expect(panel.locator('[data-test="ledger"]')).toContainText('发放居住证')
  await shot(page, 'console-permit')

  // Print: the printable page opens in a new window.
  const popup = page.waitForEvent('popup')
  await panel.getByRole('button', { name: '打印居住证' }).click()
  const print = await popup
  await print.waitForURL(/^blob:/)
  await print.waitForLoadState('load')
  await expect(print.locator('body')).toContainText(permitNo)
  await expect(print.locator('svg').first()).toBeVisible()
  // The photo taken at the desk, and what else the law says the card carries.
  expect(await naturalSize(print.locator('img[data-field="photo"]'))).toEqual([358, 441])
  await expect(print.locator('img[data-field="photo"]')).toHaveAttribute('data-sm3', stored.sm3)
  const field = (f: string) => print.locator(`tr[data-field="${f}"] td`)
  await expect(field('name')).toHaveText(name)
  await expect(field('ethnicity')).toHaveText('汉族')
  await expect(field('id_number')).toHaveText(idNumber)
  await expect(field('hukou_address')).toHaveText('四川省成都市锦江区')
  await expect(field('residence_address')).toHaveText('历下区解放路66号')
  await expect(field('issuing_authority')).toHaveText('济南市公安局历下区分局')
  await shot(print, 'console-print')

  // The resident, on the phone: the photo on the electronic permit.
  const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
  try {
    const m = await phone.newPage()
    await m.goto(e2eEnv().base + '/#/m/login')
    await m.getByLabel('公民身份号码').fill(idNumber)
    await m.getByLabel('手机号码').fill('13812345678')
    const otp = m.waitForResponse((r) => r.url().endsWith('/api/v1/resident/otp'))
    await m.getByRole('button', { name: '获取验证码' }).click()
    const code = (await (await otp).json()).demo_code
    await m.getByLabel('短信验证码').fill(code)
    await m.getByRole('button', { name: '登录', exact: true }).click()
    await expect(m).toHaveURL(/#\/m$/)
    await m.getByRole('button', { name: '出示电子居住证' }).click()
    const card = m.locator('.qr-card')
    expect(await naturalSize(card.locator('[data-test="epermit-photo"] img'))).toEqual([358, 441])
    await expect(card).toContainText(permitNo)
    await shot(m, 'mobile-epermit-photo', { fullPage: false })
  } finally {
    await phone.close()
  }
})
