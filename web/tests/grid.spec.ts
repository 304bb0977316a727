/*
 * Rental houses, organisations' reports and the grid's work (docs/grid.md):
 * a clerk registers an organisation and a house, issues the organisation's
 * API key and enters move-in reports (one late, one on time); uploads a GBK
 * CSV with a bad row (preview only), then a good one and confirms it; the
 * organisation reports with its key on the public page; a grid worker closes
 * a task on #/tasks and records a visit on the phone page #/m/visit.
 */
import {
  test,
  expect,
  shot,
  pickOption,
  expectNoHorizontalScroll,
  freshIdNumber,
  beijingDay,
  StaffApi,
  item,
  fillDate,
  giveReason,
  signIn,
} from './fixtures'
import type { Locator, Page } from '@playwright/test'
import writeXlsxFile from 'write-excel-file/node'

/** The names of a grid's district, street, community and grid (for the cascader). */
async function gridPath(api: StaffApi, grid: string): Promise<string[]> {
  const names: string[] = []
  const parents = [undefined, grid.slice(0, 6), grid.slice(0, 9), grid.slice(0, 12)]
  const codes = [grid.slice(0, 6), grid.slice(0, 9), grid.slice(0, 12), grid]
  for (let i = 0; i < 4; i++) {
    const list = await api.call('GET', `/api/v1/areas${parents[i] ? `?parent=${parents[i]}` : ''}`)
    names.push(list.items.find((a: { code: string }) => a.code === codes[i]).name)
  }
  return names
}

async function pickGrid(page: Page, field: Locator, path: string[]) {
  await field.locator('.el-cascader').click()
  for (const level of path) await page.locator('.el-cascader-node:visible', { hasText: level }).first().click()
  await expect(field.locator('input').first()).toHaveValue(new RegExp(path[3]))
}

/** A well-formed 统一社会信用代码 (GB 32100 check character). */
function creditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const body = '91370102' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0')
  let sum = 0
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(body[i]) * weights[i]
  return body + alphabet[(31 - (sum % 31)) % 31]
}

const unique = () => String(Date.now() % 100000) + String(Math.floor(Math.random() * 100))

/* ---- data prepared through the API (as a clerk) ---------------------------- */

async function apiOrganisation(api: StaffApi, grid: string, kind = 'landlord') {
  const name = `测试出租人${unique()}`
  const r = await api.call('POST', '/api/v1/organisations', { kind, name, credit_code: creditCode(), phone: '13900000000', grid })
  return r.organisation as { id: number; name: string }
}

async function apiHouse(api: StaffApi, grid: string, landlord: number, capacity = 4) {
  const r = await api.call('POST', '/api/v1/houses', {
    address: { grid, road: '历山路', house_number: `${unique()}号`, room: '101' },
    landlord,
    rooms: 2,
    capacity,
  })
  return r.house as { id: number; address_text: string }
}

async function apiMoveIn(api: StaffApi, organisation: number, house: number, idNumber: string, name: string) {
  return api.call('POST', '/api/v1/reports', {
    organisation,
    kind: 'tenant_move_in',
    person: { id_number: idNumber, name },
    event_date: beijingDay(-1),
    house,
  })
}

/* ---- GBK bytes without an encoding library: the characters the files use ---- */

const GBK: Record<string, string> = {
  份: 'b7dd', 住: 'd7a1', 入: 'c8eb', 公: 'b9ab', 发: 'b7a2', 号: 'bac5', 名: 'c3fb', 告: 'b8e6', 型: 'd0cd',
  姓: 'd0d5', 孙: 'cbef', 屋: 'cedd', 强: 'c7bf', 房: 'b7bf', 报: 'b1a8', 日: 'c8d5', 期: 'c6da', 民: 'c3f1',
  生: 'c9fa', 码: 'c2eb', 磊: 'c0da', 类: 'c0e0', 编: 'b1e0', 芳: 'b7bc', 赵: 'd5d4', 身: 'c9ed', 钱: 'c7ae',
}

function gbk(text: string): Buffer {
  const parts: Buffer[] = []
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) parts.push(Buffer.from(ch, 'latin1'))
    else if (GBK[ch]) parts.push(Buffer.from(GBK[ch], 'hex'))
    else throw new Error(`no GBK bytes for ${ch}`)
  }
  return Buffer.concat(parts)
}

/** A report file the way Excel in China saves CSV: GBK, CRLF. */
function gbkCsv(rows: string[][]): Buffer {
  const lines = [['报告类型', '公民身份号码', '姓名', '发生日期', '房屋编号'], ...rows]
  return gbk(lines.map((r) => r.join(',')).join('\r\n') + '\r\n')
}

/** An ID number whose check character is wrong. */
function badIdNumber(): string {
  const good = freshIdNumber('320106', 1991)
  return good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
}

/* ---- the console at 1366×768 ------------------------------------------------ */

test.describe('console', () => {
  test.use({ viewport: { width: 1366, height: 768 } })

  test('a clerk registers an organisation and a house, issues a key and enters move-in reports', async ({ page, env, request }) => {
    const api = await StaffApi.login(request, env.clerk)
    const path = await gridPath(api, env.gridArea)
    const orgName = `泉城房屋出租${unique()}`
    await signIn(page, env.clerk)

    // 报告单位: register a landlord company.
    await page.locator('.el-menu-item', { hasText: '报告单位' }).click()
    await expect(page).toHaveURL(/#\/organisations$/)
    await page.locator('[data-test="org-create"]').click()
    const od = page.getByRole('dialog', { name: '登记报告单位' })
    await expect(od).toBeVisible()
    await item(od, '单位名称').locator('input').fill(orgName)
    await item(od, '统一社会信用代码').locator('input').fill('91370102000000000X')
    await item(od, '联系电话').locator('input').click()
    await expect(od.getByText('统一社会信用代码校验码不正确')).toBeVisible()
    await item(od, '统一社会信用代码').locator('input').fill(creditCode())
    await item(od, '联系电话').locator('input').fill('13912345678')
    await pickGrid(page, item(od, '所在网格'), path)
    await item(od, '地址').locator('input').fill('历山路88号')
    await od.locator('[data-test="org-save"]').click()
    await expect(od).toBeHidden()
    const row = page.locator('.el-table__row', { hasText: orgName })
    await expect(row).toBeVisible()
    await expect(row).toContainText('未生成')

    // Its API key, shown once.
    await row.locator('[data-test="org-key"]').click()
    const kd = page.getByRole('dialog', { name: '接入密钥' })
    await expect(kd.getByText('此密钥只显示这一次，关闭后无法再次查看')).toBeVisible()
    const key = await kd.locator('input[data-test="org-key-value"]').inputValue()
    expect(key.length).toBeGreaterThanOrEqual(16)
    await shot(page, 'grid-org-key', { fullPage: false })
    await kd.locator('[data-test="org-key-close"]').click()
    await expect(kd).toBeHidden()
    await expect(row).not.toContainText('未生成')
    await shot(page, 'grid-organisations')

    // 出租房屋: register a one-room house for one person.
    await page.locator('.el-menu-item', { hasText: '出租房屋' }).click()
    await expect(page).toHaveURL(/#\/houses$/)
    await page.locator('[data-test="house-create"]').click()
    const hd = page.getByRole('dialog', { name: '登记出租房屋' })
    await expect(hd).toBeVisible()
    await pickGrid(page, item(hd, '区县 / 街道 / 社区 / 网格'), path)
    const number = `${unique()}号`
    await item(hd, '街路巷').locator('input').fill('经十路')
    await item(hd, '门牌号').locator('input').fill(number)
    await item(hd, '楼栋').locator('input').fill('3')
    await item(hd, '房间').locator('input').fill('301')
    await pickOption(page, item(hd, '房屋出租人'), orgName)
    await item(hd, '住房租赁登记备案号').locator('input').fill(`JNZL${unique()}`)
    const capacity = item(hd, '核定居住人数').locator('input')
    await capacity.fill('1')
    await capacity.press('Tab')
    const area = item(hd, '建筑面积（平方米）').locator('input')
    await area.fill('30')
    await area.press('Tab')
    await hd.locator('[data-test="house-save"]').click()
    await expect(page).toHaveURL(/#\/houses\/\d+$/)
    const houseId = Number(page.url().match(/houses\/(\d+)/)![1])
    await giveReason(page, '核查出租房屋承租人')
    await expect(page.locator('.section-title', { hasText: number })).toBeVisible()
    await expect(page.locator('[data-test="house-tenants"]')).toContainText('没有承租人记录')

    // 单位报告: a paper move-in report received today about a move-in ten days ago (late) ...
    await page.locator('.el-menu-item', { hasText: '单位报告' }).click()
    await expect(page).toHaveURL(/#\/reports$/)
    await page.locator('[data-test="report-create"]').click()
    const rd = page.getByRole('dialog', { name: '录入报告' })
    await expect(rd).toBeVisible()
    await pickOption(page, item(rd, '报告单位'), orgName)
    await pickOption(page, item(rd, '报告类型'), '承租人入住')
    const late = freshIdNumber('410105', 1993)
    const idInput = item(rd, '公民身份号码').locator('input')
    await idInput.fill(late.slice(0, 10))
    await expect(rd.locator('[data-test="id-note"]')).toContainText('已输入10位')
    await idInput.fill(late)
    await expect(rd.locator('[data-test="id-note"]')).toContainText('出生日期')
    await item(rd, '姓名').locator('input').fill('周涛')
    await fillDate(item(rd, '入住日期'), beijingDay(-10))
    await pickOption(page, item(rd, '出租房屋'), new RegExp(`编号 ${houseId} ·`))
    const reported = page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST')
    await rd.locator('[data-test="report-submit"]').click()
    const lateBy = (await (await reported).json()).report.working_days_late
    expect(lateBy).toBeGreaterThan(0)
    const result = rd.locator('[data-test="report-result"]')
    // How late, in the working days the reporting duty is counted in.
    await expect(result.locator('[data-test="report-verdict"]')).toHaveText(`逾期报告（逾期${lateBy}个工作日）`)
    await expect(result.locator('[data-test="report-check"]').first()).toBeVisible()
    await expect(result.locator('[data-test="report-task"]')).toContainText('未申报居住登记')
    await shot(page, 'grid-report-late', { fullPage: false })

    // ... and one about a move-in today (on time), which makes the house over capacity.
    await rd.locator('[data-test="report-another"]').click()
    await pickOption(page, item(rd, '报告类型'), '承租人入住')
    await item(rd, '公民身份号码').locator('input').fill(freshIdNumber('420106', 1995))
    await item(rd, '姓名').locator('input').fill('吴敏')
    await fillDate(item(rd, '入住日期'), beijingDay(0))
    await item(rd, '发生时间').locator('input').fill('09:30')
    await rd.locator('[data-test="report-submit"]').click()
    await expect(result.locator('[data-test="report-verdict"]')).toHaveText('按时报告')
    await expect(result).toContainText('疑似群租')
    await shot(page, 'grid-report-on-time', { fullPage: false })
    await rd.getByRole('button', { name: '关闭', exact: true }).click()
    await expect(rd).toBeHidden()

    const table = page.locator('[data-test="reports-table"]')
    await expect(table.locator('.el-table__row', { hasText: '周涛' })).toContainText('逾期')
    await expect(table.locator('.el-table__row', { hasText: '吴敏' })).toContainText('按时')
    await shot(page, 'grid-reports')

    // The house is flagged now, with its reasons and tenants.
    await page.locator('.el-menu-item', { hasText: '出租房屋' }).click()
    await page.locator('[data-test="houses-flagged"]').click()
    await expect(page.locator('.el-table__row', { hasText: number }).locator('[data-test="house-flag"]')).toBeVisible()
    await shot(page, 'grid-houses')
    await page.goto(`/#/houses/${houseId}`)
    await expect(page.locator('[data-test="house-flag-reasons"]')).toBeVisible()
    await expect(page.locator('[data-test="house-tenants"]')).toContainText('吴敏')
    await shot(page, 'grid-house')
  })

  test('a clerk uploads a GBK file with a bad row, then a good one, and confirms it', async ({ page, env, request }) => {
    const api = await StaffApi.login(request, env.clerk)
    const org = await apiOrganisation(api, env.gridArea)
    const house = await apiHouse(api, env.gridArea, org.id, 6)
    const day = beijingDay(-1)
    await signIn(page, env.clerk)

    await page.locator('.el-menu-item', { hasText: '单位报告' }).click()
    await page.locator('[data-test="report-upload"]').click()
    await expect(page).toHaveURL(/#\/reports\/upload$/)
    await pickOption(page, item(page, '报告单位'), org.name)

    // A row with a wrong check character: the preview names it, nothing can be confirmed.
    await page.locator('[data-test="upload-file"]').setInputFiles({
      name: '入住报告.csv',
      mimeType: 'text/csv',
      buffer: gbkCsv([
        ['入住', freshIdNumber('340104', 1990), '赵磊', day, String(house.id)],
        ['入住', badIdNumber(), '钱芳', day, String(house.id)],
      ]),
    })
    const preview = page.locator('[data-test="upload-preview"]')
    await expect(preview).toBeVisible()
    await expect(preview.locator('[data-test="upload-summary"]')).toContainText('GBK')
    const errors = preview.locator('[data-test="upload-errors"]')
    await expect(errors.locator('.el-table__row')).toHaveCount(1)
    await expect(errors.locator('.el-table__row').first()).toContainText('3')
    await expect(errors).toContainText('公民身份号码')
    await expect(preview.locator('[data-test="upload-rows"]')).toContainText('赵磊')
    await expect(preview.locator('[data-test="upload-confirm"]')).toBeDisabled()
    await expect(preview.locator('[data-test="upload-explain"]')).toContainText('不会写入任何一条报告')
    await shot(page, 'grid-upload-errors')

    // The corrected file.
    await page.locator('[data-test="upload-file"]').setInputFiles({
      name: '入住报告.csv',
      mimeType: 'text/csv',
      buffer: gbkCsv([
        ['入住', freshIdNumber('340104', 1990), '赵磊', day, String(house.id)],
        ['入住', freshIdNumber('340104', 1992), '钱芳', day, String(house.id)],
        ['入住', freshIdNumber('340104', 1994), '孙强', day, String(house.id)],
      ]),
    })
    await expect(preview.locator('[data-test="upload-errors"]')).toHaveCount(0)
    await expect(preview.locator('[data-test="upload-rows"] .el-table__row')).toHaveCount(3)
    const confirm = preview.locator('[data-test="upload-confirm"]')
    await expect(confirm).toBeEnabled()
    await shot(page, 'grid-upload-preview')
    await confirm.click()
    await expect(preview.locator('[data-test="upload-confirmed"]')).toContainText('写入3条报告')
    await preview.locator('[data-test="upload-confirmed"]').scrollIntoViewIfNeeded()
    await shot(page, 'grid-upload-confirmed')

    // The reports are listed.
    await page.goto('/#/reports')
    await expect(page.locator('[data-test="reports-table"]')).toContainText('孙强')
  })

  test('an .xlsx file is read in the browser and sent as CSV', async ({ page, env, request }) => {
    const api = await StaffApi.login(request, env.clerk)
    const org = await apiOrganisation(api, env.gridArea)
    const house = await apiHouse(api, env.gridArea, org.id, 6)
    const [y, m, d] = beijingDay(-2).split('-').map(Number)
    // As Excel keeps them: the date as a date cell, the time as text, the house number as a number.
    const header = ['报告类型', '公民身份号码', '姓名', '发生日期', '发生时间', '房屋编号'].map((value) => ({ value }))
    const row = (id: string, name: string) => [
      { value: '入住' },
      { value: id },
      { value: name },
      { value: new Date(Date.UTC(y, m - 1, d)), format: 'yyyy-mm-dd' },
      { value: '20:15' },
      { value: house.id },
    ]
    const xlsx = await writeXlsxFile([header, row(freshIdNumber('370481', 1988), '陈静'), row(freshIdNumber('370481', 1990), '林峰')]).toBuffer()
    await signIn(page, env.clerk, '/reports/upload')
    await pickOption(page, item(page, '报告单位'), org.name)
    await page.locator('[data-test="upload-file"]').setInputFiles({
      name: '入住报告.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    })
    const preview = page.locator('[data-test="upload-preview"]')
    await expect(preview).toContainText('已将 Excel 工作簿的第一个工作表（2行）转为 CSV 上传')
    await expect(preview.locator('[data-test="upload-summary"]')).toContainText('UTF-8')
    await expect(preview.locator('[data-test="upload-errors"]')).toHaveCount(0)
    const rows = preview.locator('[data-test="upload-rows"] .el-table__row')
    await expect(rows).toHaveCount(2)
    await expect(rows.first()).toContainText(beijingDay(-2))
    await preview.locator('[data-test="upload-confirm"]').click()
    await expect(preview.locator('[data-test="upload-confirmed"]')).toContainText('写入2条报告')
  })

  test('a grid worker closes a task of their grid', async ({ page, env, request }) => {
    const api = await StaffApi.login(request, env.clerk)
    const org = await apiOrganisation(api, env.gridArea)
    const house = await apiHouse(api, env.gridArea, org.id)
    const name = '郑凯'
    const answer = await apiMoveIn(api, org.id, house.id, freshIdNumber('130102', 1989), name)
    expect(answer.task, 'an unregistered person opens a task').toBeTruthy()

    await signIn(page, env.grid, '/tasks')
    await expect(page).toHaveURL(/#\/tasks/)
    const row = page.locator('[data-test="tasks-table"] .el-table__row', { hasText: name })
    await expect(row).toBeVisible()
    await expect(row).toContainText('未申报居住登记')
    await shot(page, 'grid-tasks')

    await row.locator('[data-test="task-close"]').click()
    const dlg = page.getByRole('dialog', { name: '办结任务' })
    await expect(dlg).toBeVisible()
    await dlg.locator('[data-test="task-outcome"]').getByText('已走访').click()
    await dlg.locator('textarea[data-test="task-note"]').fill('已入户告知其3个工作日内申报居住登记')
    await dlg.locator('[data-test="task-submit"]').click()
    await expect(dlg).toBeHidden()
    await expect(row).toHaveCount(0)

    await page.getByRole('tab', { name: '已办结' }).click()
    await expect(page.locator('.el-table__row', { hasText: name }).first()).toContainText('已走访')
    await shot(page, 'grid-tasks-done')
  })
})

/* ---- phone pages ---------------------------------------------------------- */

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })

  test('a grid worker records a visit on the phone', async ({ page, env, request }) => {
    const api = await StaffApi.login(request, env.clerk)
    const org = await apiOrganisation(api, env.gridArea)
    const house = await apiHouse(api, env.gridArea, org.id)
    // On record: 韩雪 moved in; at the visit only 冯军 (not reported) is there.
    await apiMoveIn(api, org.id, house.id, freshIdNumber('210102', 1990), '韩雪')

    await signIn(page, env.grid, '/m/visit')
    await expect(page).toHaveURL(/#\/m\/visit$/)
    await page.getByPlaceholder('按地址或编号查找').fill(String(house.id))
    await page.locator('[data-test="visit-houses"] .m-list-row').first().click()
    await expect(page.locator('[data-test="visit-house"]')).toContainText(house.address_text)

    const occupant = page.locator('[data-test="visit-occupant"]').first()
    const id = occupant.getByPlaceholder('18位公民身份号码')
    await id.fill('21010219900101123')
    await expect(occupant.locator('[data-test="id-note"]')).toContainText('还需1位')
    await id.fill(freshIdNumber('210102', 1991))
    await expect(occupant.locator('[data-test="id-note"]')).toContainText('出生日期')
    await item(occupant, '姓名').locator('input').fill('冯军')
    await expectNoHorizontalScroll(page)
    await shot(page, 'grid-visit-form')

    await page.locator('[data-test="visit-submit"]').click()
    const result = page.locator('[data-test="visit-result"]')
    await expect(result).toBeVisible()
    await expect(result).toContainText('冯军')
    await expect(result).toContainText('未申报居住登记')
    await expect(result).toContainText('韩雪')
    await expect(page.locator('[data-test="visit-tasks"]')).toContainText('在册未见')
    await expectNoHorizontalScroll(page)
    await shot(page, 'grid-visit-result')
  })

  test('an organisation reports with its key on the public page', async ({ page, env, request }) => {
    const api = await StaffApi.login(request, env.clerk)
    const org = await apiOrganisation(api, env.gridArea)
    const house = await apiHouse(api, env.gridArea, org.id)
    const { key } = await api.call('POST', `/api/v1/organisations/${org.id}/keys`, {})

    await page.goto('/#/report')
    await page.locator('input[data-test="reporter-key-input"]').fill(key)
    await page.locator('[data-test="reporter-key-submit"]').click()
    await expect(page.locator('[data-test="reporter-key"]')).toBeHidden()

    const form = page.locator('.report-form')
    await pickOption(page, item(form, '报告类型'), '承租人入住')
    await item(form, '公民身份号码').locator('input').fill(freshIdNumber('500103', 1996))
    await item(form, '姓名').locator('input').fill('魏青')
    await fillDate(item(form, '入住日期'), beijingDay(-1))
    await item(form, '房屋编号').locator('input').fill(String(house.id))
    await expectNoHorizontalScroll(page)
    await shot(page, 'grid-reporter-form')
    await page.locator('[data-test="report-submit"]').click()
    await expect(page.locator('[data-test="report-verdict"]')).toHaveText('按时报告')
    await expectNoHorizontalScroll(page)
    await shot(page, 'grid-reporter-result')

    await page.getByText('我的报告', { exact: true }).click()
    await expect(page.locator('[data-test="reporter-mine"]')).toContainText('魏青')
    await expect(page.locator('.reporter .org')).toContainText(org.name)
    await shot(page, 'grid-reporter-mine')
  })
})
