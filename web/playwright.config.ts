/*
 * Browser tests of the web pages against the real server.
 *
 * The global setup (tests/global-setup.ts) makes a demo database in a temp
 * directory and starts `liudong serve` on a free loopback port; the tests
 * drive Debian's Chromium (apt-get install chromium) — Playwright never
 * downloads a browser here. Build first: `make` at the top, then
 * `npm run build` here; then `npm run test:e2e`.
 */
import { defineConfig } from '@playwright/test'

const chromium = process.env.LIUDONG_CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: './tests',
  testMatch: '*.spec.ts',
  globalSetup: './tests/global-setup.ts',
  outputDir: './test-results/artifacts',
  // One server, one database, two cores: the tests run one after another.
  workers: 1,
  fullyParallel: false,
  // In CI one retry, so a rare timing flake does not block a landing; a
  // test that needed it is reported by scripts/test as flaky.
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
})
