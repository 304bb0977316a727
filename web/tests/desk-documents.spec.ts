/*
 * The desk with another identity document: a Hong Kong resident shows a
 * 港澳台居民居住证 (GB 11643, address code 810000). National rules apply
 * (办法 第二条第二款), so the desk is told the person need not register here,
 * with the citation; the clerk records them anyway with the reason. A foreign
 * passport needs the sex and birth date the number does not carry.
 */
import { test, expect, shot, idNumber, beijingDay, pickOption, item, fillDate } from './fixtures'
import type { Locator, Page } from '@playwright/test'

test.use({ viewport: { width: 1366, height: 768 } })

async function address(page: Page, form: Locator) {
  await item(form, '区县 / 街道 / 社区 / 网格').locator('.el-cascader').click()
  for (const level of ['历下区', '解放路街道', '解放路社区', '第一网格'])
    await page.locator('.el-cascader-node:visible', { hasText: level }).first().click()
  await item(form, '街路巷').locator('input').fill('解放路')
}

test('a Hong Kong resident and a foreigner at the desk', async ({ page, env, expectedConsoleErrors }) => {
  // The 422 answers (not required; the sex missing) are what this test provokes.
  expectedConsoleErrors.push(/^console\.error on [^ ]+#\/desk: Failed to load resource: the server responded with a status of 422 \(Unprocessable Entity\)$/)
  await page.goto('/#/login')
  await item(page, '用户名').locator('input').fill(env.clerk.username)
  await item(page, '密码').locator('input').fill(env.clerk.password)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await expect(page).not.toHaveURL(/#\/login/)
  await page.goto('/#/desk')
  const form = page.locator('.desk-form')
  await expect(form).toBeVisible()

  // 港澳台居民居住证: no 民族, no hukou code to type; the number says who.
  await pickOption(page, item(form, '证件类型'), '港澳台居民居住证')
  await expect(item(form, '证件号码')).toBeVisible()
  await expect(item(form, '户籍地（县级行政区划代码）')).toHaveCount(0)
  const number = idNumber('810000', '1990-01-01', Math.floor(Math.random() * 1000))
  await item(form, '证件号码').locator('input').fill(number)
  await item(form, '姓名').locator('input').fill('陈大文')
  await address(page, form)
  await fillDate(item(form, '到达居住地日期'), beijingDay(-2))
  await page.locator('[data-test="declare"]').click()

  const dialog = page.getByRole('dialog', { name: '无需申报居住登记' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('港澳台居民和外国人的居住登记按照国家有关规定执行')
  await expect(dialog).toContainText('《山东省流动人口服务管理暂行办法》第二条第二款')
  await shot(page, 'console-desk-national-rules', { fullPage: false })
  await dialog.locator('textarea[data-test="override-reason"], [data-test="override-reason"] textarea').first().fill('本人要求登记')
  await dialog.locator('[data-test="override-submit"]').click()
  const created = page.locator('[data-test="created"]')
  await expect(created).toBeVisible()
  await expect(created).toContainText('陈大文')

  // A passport: the sex is needed (the number does not carry it).
  await created.getByRole('button', { name: '继续登记' }).click()
  await pickOption(page, item(form, '证件类型'), '外国人护照')
  await expect(item(form, '民族')).toHaveCount(0)
  await item(form, '证件号码').locator('input').fill('E' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0'))
  await item(form, '姓名').locator('input').fill('ANNA MÜLLER')
  await fillDate(item(form, '出生日期'), '1991-07-08')
  await address(page, form)
  await fillDate(item(form, '到达居住地日期'), beijingDay(-2))
  await page.locator('[data-test="declare"]').click()
  await expect(item(form, '性别')).toContainText('该证件号码不含性别，请填写性别')
  await pickOption(page, item(form, '性别'), '女')
  await page.locator('[data-test="declare"]').click()
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('第二条第二款')
})
