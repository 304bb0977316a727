/*
 * A file of reports larger than one request may carry (1 MiB), sent from the organisations'
 * page (#/report) in parts with a progress bar, previewed and confirmed (docs/grid.md,
 * "Uploads"). The second part is held back until the progress bar has been seen, so the test
 * depends on no timing.
 */
import { test, expect, shot, freshIdNumber, beijingDay, StaffApi, firstGrid } from './fixtures'

const MIB = 1 << 20

/** A well-formed 统一社会信用代码 (GB 32100 check character). */
function creditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const body = '91370102' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0')
  let sum = 0
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(body[i]) * weights[i]
  return body + alphabet[(31 - (sum % 31)) % 31]
}

test('an organisation uploads a file over 1 MiB in parts, with progress, and confirms it', async ({ page, env, request }) => {
  const api = await StaffApi.login(request, env.clerk)
  const grid = await firstGrid(api, env.street)
  const { organisation } = await api.call('POST', '/api/v1/organisations', {
    kind: 'employer',
    name: `分片上传测试公司${Date.now() % 100000}`,
    credit_code: creditCode(),
    grid,
  })
  const { key } = await api.call('POST', `/api/v1/organisations/${organisation.id}/keys`, {})

  // Hires of a few people (few follow-up tasks), each row padded with a long address.
  const people = Array.from({ length: 4 }, () => freshIdNumber('320102', 1991))
  const day = beijingDay(-1)
  const pad = '历山路' + '甲'.repeat(60)
  const lines = ['报告类型,公民身份号码,姓名,发生日期,网格代码,详细地址']
  for (let i = 0; i < 4200; i++) lines.push(`招用,${people[i % 4]},职工${i % 4},${day},${grid},${pad}${i}号`)
  const file = Buffer.from(lines.join('\n') + '\n', 'utf8')
  expect(file.length).toBeGreaterThan(MIB)
  const parts = Math.ceil(file.length / MIB)

  // Every request body stays within 1 MiB: the file goes in numbered parts.
  const sent: number[] = []
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  await page.route('**/api/v1/reports/uploads/*/parts/*', async (route) => {
    const n = Number(route.request().url().split('/').pop())
    sent.push(route.request().postDataBuffer()?.length ?? 0)
    if (n === parts) await held
    await route.continue()
  })

  await page.goto('/#/report')
  await page.locator('input[data-test="reporter-key-input"]').fill(key)
  await page.locator('[data-test="reporter-key-submit"]').click()
  await expect(page.locator('[data-test="reporter-key"]')).toBeHidden()
  await page.getByText('批量上报', { exact: true }).click()
  await page.locator('[data-test="upload-file"]').setInputFiles({ name: '招用报告.csv', mimeType: 'text/csv', buffer: file })

  const progress = page.locator('[data-test="upload-progress"]')
  await expect(progress).toBeVisible()
  await expect(progress).toContainText('分片上传')
  await expect(progress.locator('.el-progress')).toHaveAttribute('aria-valuenow', String(Math.floor((MIB / file.length) * 100)))
  await shot(page, 'report-upload-progress', { fullPage: false })
  release()

  const preview = page.locator('[data-test="upload-preview"]')
  // The check and a table of the first 200 rows: generous on a shared, loaded machine.
  await expect(preview.locator('[data-test="upload-summary"]')).toContainText('4200', { timeout: 60_000 })
  await expect(progress).toBeHidden()
  expect(sent.length).toBe(parts)
  expect(Math.max(...sent)).toBeLessThanOrEqual(MIB)
  await expect(preview.locator('[data-test="upload-errors"]')).toHaveCount(0)
  await preview.locator('[data-test="upload-confirm"]').click()
  await expect(preview.locator('[data-test="upload-confirmed"]')).toContainText('写入4200条报告', { timeout: 60_000 })
  await shot(page, 'report-upload-confirmed')
})
