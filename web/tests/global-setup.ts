/*
 * Global setup of the browser tests: a fresh demo database in a temp
 * directory, a signing key, a test admin, clerk and grid worker (each made
 * with `liudong user add`, whose generated password is changed at once, as
 * the server demands at the first sign-in), a spare account for the test of
 * the users page, and the real
 * server (`liudong serve --sms demo`) on a free loopback port, serving the
 * built pages from web/dist. It builds nothing: build the C program and the
 * pages first. What the tests need is handed over in LIUDONG_E2E_* variables
 * (see fixtures.ts). The returned function stops the server and removes the
 * directory (kept when LIUDONG_E2E_KEEP=1); the server's log is copied to
 * test-results/server.log either way.
 *
 * Settings: LIUDONG_BIN (default ../build/liudong), LIUDONG_WEB_DIST (default
 * web/dist), LIUDONG_CHROMIUM (default /usr/bin/chromium, read by
 * playwright.config.ts too), LIUDONG_SERVE_ARGS (more `serve` options).
 *
 * The server may take acts dated up to ten years back (`--backdate-days 3660`, as the
 * server's own end-to-end harness does): the tests prepare people registered months ago,
 * giving the reason of each back-dated act (fixtures.ts); LIUDONG_SERVE_ARGS may set
 * another limit.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.resolve(process.env.LIUDONG_BIN ?? path.join(webDir, '../build/liudong'))
const dist = path.resolve(process.env.LIUDONG_WEB_DIST ?? path.join(webDir, 'dist'))
const env = { ...process.env, TZ: 'Asia/Shanghai' }

function liudong(args: string[]): string {
  return execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

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

async function waitHealthy(base: string, server: ChildProcess, logFile: string): Promise<void> {
  const until = Date.now() + 20_000
  while (Date.now() < until) {
    if (server.exitCode !== null)
      throw new Error(`liudong serve exited with ${server.exitCode}:\n${fs.readFileSync(logFile, 'utf8')}`)
    try {
      const r = await fetch(`${base}/healthz`)
      if (r.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`liudong serve did not answer /healthz within 20 s:\n${fs.readFileSync(logFile, 'utf8')}`)
}

async function apiJson(base: string, method: string, p: string, token?: string, body?: unknown) {
  const r = await fetch(base + p, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await r.text()
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`)
  return JSON.parse(text)
}

/**
 * Signs in once with a generated password and sets a new one (the server refuses a session
 * anything else until then); returns the account with its new password and that session.
 */
async function settle(base: string, who: { username: string; password: string }) {
  const login = await apiJson(base, 'POST', '/api/v1/auth/login', undefined, {
    username: who.username,
    password: who.password,
  })
  if (!login.must_change_password) return { ...who, token: login.token as string }
  const password = `E2e-${Math.random().toString(36).slice(2, 10)}-7x`
  await apiJson(base, 'POST', '/api/v1/auth/password', login.token, {
    current_password: who.password,
    new_password: password,
  })
  return { username: who.username, password, token: login.token as string }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const chromium = process.env.LIUDONG_CHROMIUM ?? '/usr/bin/chromium'
  if (!fs.existsSync(chromium))
    throw new Error(`${chromium} not found: apt-get install chromium (Playwright downloads no browser here)`)
  if (!fs.existsSync(bin))
    throw new Error(`${bin} not found: build the server first (make, at the top of the repository)`)
  if (!fs.existsSync(path.join(dist, 'index.html')))
    throw new Error(`${dist}/index.html not found: build the pages first (npm run build)`)

  // This run's screenshots only.
  fs.rmSync(path.join(webDir, 'test-results', 'screenshots'), { recursive: true, force: true })

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liudong-e2e-'))
  liudong(['demo', '--data', dataDir, '--people', '200'])
  liudong(['keys', 'generate', '--data', dataDir])
  const admin = JSON.parse(liudong(['user', 'add', 'e2e_admin', '--role', 'admin', '--data', dataDir]))

  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const logFile = path.join(dataDir, 'server.log')
  const log = fs.openSync(logFile, 'a')
  const extra = (process.env.LIUDONG_SERVE_ARGS ?? '').split(/\s+/).filter(Boolean)
  if (!extra.includes('--backdate-days')) extra.push('--backdate-days', '3660')
  const server = spawn(
    bin,
    [
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--data',
      dataDir,
      '--sms',
      'demo',
      '--web',
      dist,
      '--threads',
      '2',
      ...extra,
    ],
    { env, stdio: ['ignore', log, log], cwd: path.resolve(webDir, '..') },
  )
  fs.closeSync(log)

  const teardown = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r))
      server.kill('SIGTERM')
      const timer = setTimeout(() => server.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    const out = path.join(webDir, 'test-results')
    fs.mkdirSync(out, { recursive: true })
    if (fs.existsSync(logFile)) fs.copyFileSync(logFile, path.join(out, 'server.log'))
    if (process.env.LIUDONG_E2E_KEEP === '1') console.log(`e2e data kept in ${dataDir}`)
    else fs.rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await waitHealthy(base, server, logFile)
    const settledAdmin = await settle(base, admin)
    const login = settledAdmin
    // The clerk works at the police station of the first street of 历下区.
    const streets = await apiJson(base, 'GET', '/api/v1/areas?parent=370102', login.token)
    const street = streets.items[0]
    const communities = await apiJson(base, 'GET', `/api/v1/areas?parent=${street.code}`, login.token)
    const station: string = communities.items[0].station
    const stations = await apiJson(base, 'GET', '/api/v1/stations', login.token)
    if (!stations.items.some((s: { code: string }) => s.code === station))
      throw new Error(`station ${station} of ${street.name} is not in /api/v1/stations`)
    const clerk = await settle(
      base,
      JSON.parse(liudong(['user', 'add', 'e2e_clerk', '--role', 'clerk', '--area', station, '--data', dataDir])),
    )
    // A grid worker of the first grid of that street's first community.
    const grids = await apiJson(base, 'GET', `/api/v1/areas?parent=${communities.items[0].code}`, login.token)
    const gridArea: string = grids.items[0].code
    const gridWorker = await settle(
      base,
      JSON.parse(liudong(['user', 'add', 'e2e_grid', '--role', 'grid', '--area', gridArea, '--data', dataDir])),
    )
    // An auditor whose password the users page resets (users.spec.ts).
    const spare = JSON.parse(liudong(['user', 'add', 'e2e_spare', '--role', 'auditor', '--data', dataDir]))

    Object.assign(process.env, {
      LIUDONG_E2E_BASE: base,
      LIUDONG_E2E_DATA: dataDir,
      LIUDONG_E2E_LOG: logFile,
      LIUDONG_E2E_ADMIN: `${settledAdmin.username}:${settledAdmin.password}`,
      LIUDONG_E2E_CLERK: `${clerk.username}:${clerk.password}`,
      LIUDONG_E2E_GRID: `${gridWorker.username}:${gridWorker.password}`,
      LIUDONG_E2E_GRID_AREA: gridArea,
      LIUDONG_E2E_STATION: station,
      LIUDONG_E2E_STREET: street.code,
      LIUDONG_E2E_SPARE: spare.username,
    })
  } catch (e) {
    await teardown()
    throw e
  }
  return teardown
}
