/*
 * The holiday arrangements in the console (docs/calendar.md): from 1 December the dashboard
 * says that next year's State Council arrangement is missing, and a deadline counted over a
 * year without one shows its badge “暂定”, with a note on the dashboard's figures.
 *
 * This spec runs a server of its own, whose “today” is fixed at 2026-12-30 with the
 * test-only variable LIUDONG_TEST_TODAY (the shared server keeps the real date), on a demo
 * database; it signs in with the demo's clerk of 历下区解放路派出所.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, freshIdNumber, shot, test } from './fixtures'

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.resolve(process.env.LIUDONG_BIN ?? path.join(webDir, '../build/liudong'))
const dist = path.resolve(process.env.LIUDONG_WEB_DIST ?? path.join(webDir, 'dist'))
const TODAY = '2026-12-30'

let dataDir = ''
let server: ChildProcess | null = null
let base = ''
let clerk = { username: 'clerk_lixia', password: '' }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

async function api(method: string, p: string, token?: string, body?: unknown) {
  const r = await fetch(base + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await r.json()
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(json)}`)
  return json
}

test.beforeAll(async () => {
  const env = { ...process.env, TZ: 'Asia/Shanghai' }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liudong-calendar-'))
  const demo = execFileSync(bin, ['demo', '--data', dataDir, '--people', '20'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const m = demo.match(/^\s+clerk_lixia\s+clerk\s+\S+\s+(\S+)/m)
  if (!m) throw new Error(`the demo printed no password of clerk_lixia:\n${demo}`)
  clerk = { username: 'clerk_lixia', password: m[1] }
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  const log = fs.openSync(path.join(dataDir, 'server.log'), 'a')
  server = spawn(
    bin,
    ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--sms', 'demo', '--web', dist, '--threads', '1'],
    { env: { ...env, LIUDONG_TEST_TODAY: TODAY }, stdio: ['ignore', log, log] },
  )
  fs.closeSync(log)
  const until = Date.now() + 20_000
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break
    } catch {
      /* not listening yet */
    }
    if (server.exitCode !== null || Date.now() > until)
      throw new Error(`server did not start:\n${fs.readFileSync(path.join(dataDir, 'server.log'), 'utf8')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
})

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r))
    server.kill('SIGTERM')
    await exited
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

test('the dashboard warns of next year’s missing arrangement; a provisional deadline shows 暂定', async ({ page }) => {
  // A registration whose deadline falls in 2027: 12-31, (元旦), Mon 2027-01-04.
  const token = (await api('POST', '/api/v1/auth/login', undefined, clerk)).token as string
  const me = await api('GET', '/api/v1/auth/me', token)
  const station: string = me.user?.area ?? me.area
  const communities = await api('GET', `/api/v1/areas?parent=${station.slice(1)}`, token)
  const grids = await api('GET', `/api/v1/areas?parent=${communities.items[0].code}`, token)
  const reg = await api('POST', '/api/v1/registrations', token, {
    person: { id_number: freshIdNumber('110105', 1991), name: '钱暂定', ethnicity: '01', hukou_code: '110105' },
    address: { grid: grids.items[0].code, road: '解放路', house_number: '9号', building: '1', unit: '1', room: '101' },
    arrival_date: '2026-12-29',
    declared_date: TODAY,
    reason: 'work',
    housing: 'rented',
    employer: '济南某软件公司',
  })
  expect(reg.registration.deadline).toBe('2027-01-04')
  expect(reg.registration.provisional).toBe(true)

  // The dashboard: the warning, and the note on its figures.
  await page.goto(base + '/#/login')
  await page.locator('.el-form-item', { hasText: '用户名' }).locator('input').fill(clerk.username)
  await page.locator('.el-form-item', { hasText: '密码' }).locator('input').fill(clerk.password)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await expect(page).toHaveURL(/#\/dashboard/)
  const warning = page.locator('[data-test="calendar-warning"]')
  await expect(warning).toBeVisible()
  await expect(warning).toContainText('尚未载入2027年国务院节假日安排')
  await expect(page.locator('[data-test="provisional-note"]')).toContainText('申报期限为暂定')
  await page.waitForLoadState('networkidle')
  await shot(page, 'calendar-dashboard-warning')

  // The person's page: the deadline with its badge.
  await page.goto(`${base}/#/persons/${reg.person.id}`)
  const box = page.locator('.el-message-box', { hasText: '请说明查阅事由' })
  await expect(box).toBeVisible()
  await box.locator('input[type="text"], textarea').first().fill('核对暂定期限')
  await box.getByRole('button', { name: '确定' }).click()
  await expect(page.locator('[data-test="person-name"]')).toHaveText('钱暂定')
  const item = page.locator('.el-descriptions__cell', { hasText: '申报日期' }).locator('xpath=following-sibling::*[1]')
  await expect(item).toContainText('期限2027-01-04')
  await expect(page.locator('[data-test="provisional"]').first()).toBeVisible()
  await expect(page.locator('[data-test="provisional"]').first()).toHaveText('暂定')
  await shot(page, 'calendar-provisional-badge')
})
