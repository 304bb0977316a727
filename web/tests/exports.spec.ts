/*
 * CSV exports cannot run as formulas (docs/security/uploads.md): a person whose name is a
 * spreadsheet formula, declared late, appears in a clerk's export of the late work list with a
 * single quote in front, while the number of days late stays a number.
 */
import fs from 'node:fs'
import { test, expect, freshIdNumber, beijingDay, StaffApi, firstGrid } from './fixtures'

const NAME = '=HYPERLINK("http://example.com","点击")'

test("a name that is a formula reaches a clerk's CSV export neutralised", async ({ page, env, request }) => {
  const api = await StaffApi.login(request, env.clerk)
  const grid = await firstGrid(api, env.street)
  // Arrived two months ago, declared today: late, at the top of the work list.
  const arrival = beijingDay(0, -2)
  await api.call('POST', '/api/v1/registrations', {
    person: { id_number: freshIdNumber('440103', 1993), name: NAME, ethnicity: '01', hukou_code: '440103' },
    address: { grid, road: '解放路', house_number: '12号' },
    arrival_date: arrival,
    declared_date: beijingDay(),
    reason: 'work',
    housing: 'rented',
  })

  await page.goto('/#/login?redirect=%2Fworklists')
  await page.locator('.el-form-item', { hasText: '用户名' }).locator('input').fill(env.clerk.username)
  await page.locator('.el-form-item', { hasText: '密码' }).locator('input').fill(env.clerk.password)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await expect(page).toHaveURL(/#\/worklists/)
  await expect(page.locator('.el-table__row', { hasText: 'HYPERLINK' }).first()).toBeVisible()

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '导出本页（CSV）' }).click(),
  ])
  const text = fs.readFileSync((await download.path())!, 'utf8')
  const line = text.split('\r\n').find((l) => l.includes('HYPERLINK'))
  expect(line, 'the person is in the export').toBeTruthy()
  const cells = line!.split(',')
  // The name, quoted for its quotes and commas, starts with the neutralising single quote.
  expect(line).toContain(`"'=HYPERLINK(""http://example.com"",""点击"")"`)
  expect(line).not.toMatch(/(^|,)"?=/)
  // Days late: a plain number, not neutralised.
  expect(cells.some((c) => /^[1-9][0-9]*$/.test(c))).toBe(true)
})
