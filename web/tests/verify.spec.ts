/*
 * Public verification (#/verify): a real payload, signed at issue, shows 有效;
 * the same payload with the name changed shows 无效 with the reason; a code
 * pasted into the page is verified too. No login anywhere.
 */
import QRCode from 'qrcode'
import fs from 'node:fs'
import path from 'node:path'
import { test, expect, shot, expectNoHorizontalScroll, freshIdNumber, StaffApi, firstGrid } from './fixtures'

test.use({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })

test('a verifier sees 有效 for a real permit and 无效 for a tampered one', async ({ page, env, request }) => {
  const staff = await StaffApi.login(request, env.clerk)
  const grid = await firstGrid(staff, env.street)
  const issued = await staff.issuedPermit({ idNumber: freshIdNumber('410105', 1985), name: '赵志刚', grid })
  const payload: string = issued.electronic.payload
  expect(payload).toMatch(/^LDP1\|/)

  // A real payload, given in the address: verified at once.
  await page.goto(`/#/verify?c=${encodeURIComponent(payload)}`)
  const verdict = page.locator('[data-test="verdict"]')
  await expect(verdict).toContainText('有效')
  await expect(verdict).not.toContainText('无效')
  await expect(verdict).toContainText('证照有效')
  await expect(page.getByText(issued.permit.permit_no)).toBeVisible()
  await expect(page.getByText('赵志刚')).toBeVisible()
  await expect(page.getByText(/^410105\*{8}\d{3}[\dX]$/)).toBeVisible()
  await expect(page.getByText('历下区')).toBeVisible()
  await expectNoHorizontalScroll(page)
  await shot(page, 'verify-valid')

  // The same code with another name: the signature no longer holds.
  const tampered = payload.replace('|赵志刚|', '|赵志强|')
  expect(tampered).not.toBe(payload)
  await page.goto('about:blank')
  await page.goto(`/#/verify?c=${encodeURIComponent(tampered)}`)
  await expect(verdict).toContainText('无效')
  await expect(verdict).toContainText('签名无效（内容被篡改）')
  await expect(page.getByText('赵志强')).toBeVisible()
  await expectNoHorizontalScroll(page)
  await shot(page, 'verify-tampered')

  // Without a code: paste it.
  await page.goto('about:blank')
  await page.goto('/#/verify')
  await expect(page.getByText('核验电子居住证')).toBeVisible()
  await shot(page, 'verify-empty')
  await page.getByLabel('二维码内容').fill(payload)
  await page.getByRole('button', { name: '核验', exact: true }).click()
  await expect(verdict).toContainText('有效')
  await page.getByRole('button', { name: '核验其他证照' }).click()
  await expect(page.getByLabel('二维码内容')).toHaveValue('')

  // A photo of the QR code (what a phone's camera hands over): decoded in the page.
  const png = await QRCode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 4, width: 600 })
  await page.locator('input[type="file"]').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: png })
  await expect(verdict).toContainText('有效')
  await expect(page.getByText(issued.permit.permit_no)).toBeVisible()

  // The card is replaced (damaged): the old code is no longer valid.
  await staff.call('POST', `/api/v1/permits/${issued.permit.id}/replace`, { reason: 'damaged' })
  await page.goto('about:blank')
  await page.goto(`/#/verify?c=${encodeURIComponent(payload)}`)
  await expect(verdict).toContainText('无效')
  await expect(verdict).toContainText('已换领（旧证作废）')
  await shot(page, 'verify-replaced')
})

/** A short Y4M video of the QR code of `payload`, for Chromium's fake camera. */
function qrVideo(payload: string, file: string) {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const W = 640
  const H = 480
  const scale = Math.floor(H / (n + 8))
  const x0 = Math.floor((W - n * scale) / 2)
  const y0 = Math.floor((H - n * scale) / 2)
  const luma = Buffer.alloc(W * H, 235)
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue
      for (let dy = 0; dy < scale; dy++) {
        const row = (y0 + r * scale + dy) * W + x0
        luma.fill(16, row + c * scale, row + (c + 1) * scale)
      }
    }
  const chroma = Buffer.alloc((W * H) / 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)
  fs.writeFileSync(file, Buffer.concat([header, ...Array<Buffer>(5).fill(frame)]))
}

test('a verifier scans the code with the camera', async ({
  playwright,
  launchOptions,
  env,
  request,
  browserErrors,
}, info) => {
  const staff = await StaffApi.login(request, env.clerk)
  const grid = await firstGrid(staff, env.street)
  const issued = await staff.issuedPermit({ idNumber: freshIdNumber('420102', 1991), name: '吴晓峰', grid })
  const video = info.outputPath('qr.y4m')
  fs.mkdirSync(path.dirname(video), { recursive: true })
  qrVideo(issued.electronic.payload, video)

  // A browser whose camera films that code.
  const browser = await playwright.chromium.launch({
    ...launchOptions,
    headless: true,
    args: [
      ...(launchOptions.args ?? []),
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  })
  try {
    const context = await browser.newContext({
      baseURL: env.base,
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
      permissions: ['camera'],
    })
    const page = await context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') browserErrors.push(`console.error on ${page.url()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => browserErrors.push(`page error on ${page.url()}: ${e.message}`))

    await page.goto('/#/verify')
    await page.getByRole('button', { name: '扫码', exact: true }).click()
    const verdict = page.locator('[data-test="verdict"]')
    await expect(verdict).toContainText('有效', { timeout: 20_000 })
    await expect(page.getByText(issued.permit.permit_no)).toBeVisible()
    await expect(page.getByRole('dialog', { name: '扫描二维码' })).toBeHidden()
    await shot(page, 'verify-scanned')
    await context.close()
  } finally {
    await browser.close()
  }
  expect(browserErrors).toEqual([])
})
