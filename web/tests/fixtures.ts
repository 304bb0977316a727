/*
 * What every browser test shares: the server started by global-setup.ts,
 * a browser context that fails the test on ANY console error or uncaught
 * page error (in every page of the context, popups included), full-page
 * screenshots into test-results/screenshots/, and API helpers that prepare
 * data the way the server's own end-to-end tests do.
 */
import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

export { expect }

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const screenshotDir = path.join(webDir, 'test-results', 'screenshots')

export interface E2EEnv {
  base: string
  dataDir: string
  logFile: string
  admin: { username: string; password: string }
  clerk: { username: string; password: string }
  /** A grid worker of `gridArea` (the first grid of the clerk's street). */
  grid: { username: string; password: string }
  gridArea: string
  station: string
  street: string
  /** An auditor for the users page to reset (its password is never known beforehand). */
  spare: string
}

function account(v: string | undefined) {
  const [username, ...rest] = (v ?? '').split(':')
  return { username, password: rest.join(':') }
}

export function e2eEnv(): E2EEnv {
  const b = process.env.LIUDONG_E2E_BASE
  if (!b) throw new Error('LIUDONG_E2E_BASE is not set: run through `npm run test:e2e`')
  return {
    base: b,
    dataDir: process.env.LIUDONG_E2E_DATA!,
    logFile: process.env.LIUDONG_E2E_LOG!,
    admin: account(process.env.LIUDONG_E2E_ADMIN),
    clerk: account(process.env.LIUDONG_E2E_CLERK),
    grid: account(process.env.LIUDONG_E2E_GRID),
    gridArea: process.env.LIUDONG_E2E_GRID_AREA!,
    station: process.env.LIUDONG_E2E_STATION!,
    street: process.env.LIUDONG_E2E_STREET!,
    spare: process.env.LIUDONG_E2E_SPARE!,
  }
}

/** A valid 18-digit citizen ID number (GB 11643, ISO 7064 MOD 11-2 check). */
export function idNumber(area: string, birth: string, seq: number): string {
  const body = area + birth.replace(/-/g, '') + String(seq % 1000).padStart(3, '0')
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * weights[i]
  return body + '10X98765432'[sum % 11]
}

/** A fresh ID number of someone born in another province (so in scope in Jinan). */
export function freshIdNumber(area = '110105', year = 1990): string {
  const month = 1 + Math.floor(Math.random() * 12)
  const day = 1 + Math.floor(Math.random() * 28)
  const birth = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`
  return idNumber(area, birth, Math.floor(Math.random() * 1000))
}

export function freshPhone(): string {
  return '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
}

/** Today in Beijing time, or `days` from it, as YYYY-MM-DD. */
export function beijingDay(days = 0, months = 0): string {
  const now = new Date(Date.now() + 8 * 3600_000)
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, now.getUTCDate() + days))
  return d.toISOString().slice(0, 10)
}

/**
 * A screenshot under test-results/screenshots/NAME.png: the full page, or only the
 * screen (`fullPage: false`) for what sits fixed over it, like a full-screen dialog.
 * Transitions are run to their end first.
 */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: opts.fullPage ?? true,
    animations: 'disabled',
  })
}

/** The page must not scroll sideways (phone pages). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }))
  expect(scroll, 'page is wider than the screen').toBeLessThanOrEqual(client)
}

/** Picks `option` in the Element Plus select inside `scope` (a form item or the select). */
export async function pickOption(page: Page, scope: Locator, option: string | RegExp): Promise<void> {
  await scope.locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

/**
 * A real RGB PNG of w × h pixels (a face-coloured oval on blue, so a photo shows as one),
 * for the photo tests: what a clerk picks from a file or a resident sends.
 */
export function testPhoto(w = 480, h = 600): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (b: Buffer) => {
    let c = 0xffffffff
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0
    for (let x = 0; x < w; x++) {
      const inFace = ((x - w / 2) / (w * 0.3)) ** 2 + ((y - h * 0.45) / (h * 0.3)) ** 2 < 1
      const o = y * (w * 3 + 1) + 1 + x * 3
      raw[o] = inFace ? 232 : 60
      raw[o + 1] = inFace ? 190 : 120
      raw[o + 2] = inFace ? 160 : 200
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/* ---- page helpers shared by the specs ---------------------------------- */

/** The form item whose label is `label`, inside `scope`. */
export function item(scope: Page | Locator, label: string): Locator {
  const page = 'page' in scope ? scope.page() : scope
  const text = new RegExp(`^\\s*${label.replace(/[()（）/]/g, '\\$&')}\\s*$`)
  return scope.locator('.el-form-item').filter({ has: page.locator('.el-form-item__label', { hasText: text }) })
}

/** Types a date into an Element Plus date picker. */
export async function fillDate(field: Locator, date: string) {
  const input = field.locator('input').first()
  await input.click()
  await input.fill(date)
  await input.press('Enter')
  await expect(input).toHaveValue(date)
}

/** Answers the reading-reason prompt (查阅事由) with `reason`, keeping it for the session. */
export async function giveReason(page: Page, reason: string) {
  const box = page.locator('.el-message-box', { hasText: '请说明查阅事由' })
  await expect(box).toBeVisible()
  await box.locator('input[type="text"], textarea').first().fill(reason)
  const keep = box.getByText('本次登录期间沿用此事由，不再询问')
  if (await keep.isVisible()) await keep.click()
  await box.getByRole('button', { name: '确定' }).click()
  await expect(box).toBeHidden()
}

/** Signs a staff account in through the login page (then to `redirect`, if given). */
export async function signIn(page: Page, who: { username: string; password: string }, redirect?: string) {
  await page.goto(redirect ? `/#/login?redirect=${encodeURIComponent(redirect)}` : '/#/login')
  await item(page, '用户名').locator('input').fill(who.username)
  await item(page, '密码').locator('input').fill(who.password)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await expect(page).not.toHaveURL(/#\/login/)
}


/* ---- API helpers (staff side), for preparing data ---------------------- */

/** The reason the helpers give for an act dated before today (补录), as the server demands. */
export const DATE_REASON = '补录历史数据（测试）'
/** The act dates of a clerk's requests (the server's back-dating rule). */
const ACT_DATES = ['declared_date', 'applied_date', 'accepted_date', 'issued_date', 'date', 'reported_date']

/** The body with the back-dating reason added when one of its act dates lies before today. */
export function backdated(data: unknown): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data
  const body = data as Record<string, unknown>
  const today = beijingDay()
  const back = ACT_DATES.some((k) => typeof body[k] === 'string' && (body[k] as string) < today)
  return back && !('date_reason' in body) ? { ...body, date_reason: DATE_REASON } : body
}

export class StaffApi {
  constructor(
    private request: APIRequestContext,
    private token: string,
  ) {}

  static async login(request: APIRequestContext, who: { username: string; password: string }) {
    const r = await request.post('/api/v1/auth/login', { data: who })
    expect(r.status(), await r.text()).toBe(200)
    return new StaffApi(request, (await r.json()).token)
  }

  async call(method: 'GET' | 'POST', p: string, data?: unknown, expected = [200, 201]) {
    const r = await this.request.fetch(p, {
      method,
      headers: { Authorization: `Bearer ${this.token}` },
      data: backdated(data),
    })
    const text = await r.text()
    expect(expected, `${method} ${p}: ${r.status()} ${text}`).toContain(r.status())
    return JSON.parse(text)
  }

  /** Stores a photo of the person, as the desk takes one (a card carries it). */
  async takePhoto(personId: number, photo: Buffer = testPhoto(), type = 'image/png') {
    const r = await this.request.fetch(`/api/v1/persons/${personId}/photo`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': type },
      data: photo,
    })
    expect(r.status(), await r.text()).toBe(201)
    return r.json()
  }

  /**
   * Declares a registration (seven months ago, or `declared`) and runs a permit through
   * application, acceptance and issue (today, or on `issued`); returns the issue answer.
   */
  async issuedPermit(opts: {
    idNumber: string
    name: string
    phone?: string
    grid: string
    declared?: string
    issued?: string
  }) {
    const declared = opts.declared ?? beijingDay(0, -7)
    const reg = await this.call('POST', '/api/v1/registrations', {
      person: {
        id_number: opts.idNumber,
        name: opts.name,
        ethnicity: '01',
        hukou_code: opts.idNumber.slice(0, 6),
        ...(opts.phone ? { phone: opts.phone } : {}),
      },
      address: { grid: opts.grid, road: '解放路', house_number: '88号', building: '2', unit: '1', room: '502' },
      arrival_date: declared,
      declared_date: declared,
      reason: 'work',
      housing: 'rented',
      employer: '济南某软件公司',
    })
    const all = { id_card: true, photo: true, residence_proof: true, basis_proof: true }
    const applied = await this.call('POST', `/api/v1/persons/${reg.person.id}/permits`, {
      basis: 'employment',
      materials: all,
      ...(opts.issued ? { applied_date: opts.issued } : {}),
    })
    const id = applied.permit.id
    await this.call('POST', `/api/v1/permits/${id}/accept`, opts.issued ? { accepted_date: opts.issued } : {})
    await this.takePhoto(reg.person.id)
    const issued = await this.call('POST', `/api/v1/permits/${id}/issue`, opts.issued ? { issued_date: opts.issued } : {})
    return { person: reg.person, registration: reg.registration, permit: issued.permit, electronic: issued.electronic }
  }
}

/** The first grid of the clerk's street (inside the clerk's area). */
export async function firstGrid(api: StaffApi, street: string): Promise<string> {
  const communities = await api.call('GET', `/api/v1/areas?parent=${street}`)
  const grids = await api.call('GET', `/api/v1/areas?parent=${communities.items[0].code}`)
  return grids.items[0].code
}

/* ---- the fixtures ------------------------------------------------------- */

export const test = base.extend<{ env: E2EEnv; browserErrors: string[]; expectedConsoleErrors: RegExp[] }>({
  env: async ({}, use) => {
    await use(e2eEnv())
  },
  baseURL: async ({}, use) => {
    await use(e2eEnv().base)
  },
  browserErrors: async ({}, use) => {
    await use([])
  },
  /**
   * Console errors a test provokes on purpose, each matched exactly (Chromium logs every
   * 4xx answer as "Failed to load resource"); a test that expects none leaves this empty.
   */
  expectedConsoleErrors: async ({}, use) => {
    await use([])
  },
  context: async ({ context, browserErrors, expectedConsoleErrors }, use) => {
    const watch = (p: Page) => {
      p.on('console', (m) => {
        if (m.type() === 'error') browserErrors.push(`console.error on ${p.url()}: ${m.text()}`)
      })
      p.on('pageerror', (e) => browserErrors.push(`page error on ${p.url()}: ${e.message}`))
    }
    context.pages().forEach(watch)
    context.on('page', watch)
    await use(context)
    const unexpected = browserErrors.filter((e) => !expectedConsoleErrors.some((re) => re.test(e)))
    expect(unexpected, 'the browser reported errors').toEqual([])
  },
})
