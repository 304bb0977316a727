/*
 * Staff accounts at 1366×768: an admin opens 用户管理, resets an account's password (the new
 * one is shown once), disables and enables it; the account's owner signs in with the reset
 * password and is taken straight to the forced change screen (the server refuses that session
 * everything else), sets a new password and starts work; then changes it again from the user
 * menu (修改密码), where a wrong current password is named next to its field.
 */
import { test, expect, shot, item } from './fixtures'
import type { Page } from '@playwright/test'

test.use({ viewport: { width: 1366, height: 768 } })

async function signIn(page: Page, username: string, password: string) {
  await page.goto('/#/login')
  await item(page, '用户名').locator('input').fill(username)
  await item(page, '密码').locator('input').fill(password)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await expect(page).not.toHaveURL(/#\/login/)
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: '退出', exact: true }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '退出' }).click()
  await expect(page).toHaveURL(/#\/login/)
}

test('an admin resets a password; its first sign-in must set a new one', async ({ page, env, expectedConsoleErrors }) => {
  // The wrong current password at the end is answered 422, which Chromium logs.
  expectedConsoleErrors.push(/^console\.error on .*: Failed to load resource: the server responded with a status of 422/)

  await signIn(page, env.admin.username, env.admin.password)
  await page.locator('.el-menu-item', { hasText: '用户管理' }).click()
  await expect(page).toHaveURL(/#\/users$/)
  const row = page.locator('[data-test="users-table"] .el-table__row', { hasText: env.spare })
  await expect(row).toBeVisible()
  // One's own account can be neither reset nor disabled here.
  const self = page.locator('[data-test="users-table"] .el-table__row', { hasText: env.admin.username })
  await expect(self.locator('[data-test="user-toggle"]')).toBeDisabled()
  await shot(page, 'console-users')

  // Reset: confirmed, the new password shown once.
  await row.locator('[data-test="user-reset"]').click()
  await page.locator('.el-message-box').getByRole('button', { name: '重置' }).click()
  const value = page.locator('input[data-test="reset-password-value"]')
  await expect(value).toHaveValue(/^[A-Za-z0-9]{12}$/)
  const generated = await value.inputValue()
  await shot(page, 'console-users-reset', { fullPage: false })
  await page.locator('[data-test="reset-close"]').click()
  await expect(row.locator('[data-test="user-must-change"]')).toBeVisible()

  // Disable, then enable again.
  await row.locator('[data-test="user-toggle"]').click()
  await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
  await expect(row.locator('[data-test="user-disabled"]')).toBeVisible()
  await row.locator('[data-test="user-toggle"]').click()
  await expect(row.locator('[data-test="user-disabled"]')).toBeHidden()
  await signOut(page)

  // The owner signs in with the generated password: the forced change comes first.
  await signIn(page, env.spare, generated)
  await expect(page).toHaveURL(/#\/password/)
  await expect(page.locator('[data-test="force-change"]')).toBeVisible()
  // Just typed at sign-in, the current password is not asked again.
  await expect(page.locator('input[data-test="pw-current"]')).toHaveCount(0)
  // Any other page leads back here.
  await page.goto('/#/audit')
  await expect(page).toHaveURL(/#\/password/)
  // The policy is checked as typed.
  await page.locator('input[data-test="pw-new"]').fill('onlylowercase1')
  await page.locator('input[data-test="pw-again"]').fill('onlylowercase1')
  await page.locator('[data-test="pw-submit"]').click()
  await expect(item(page, '新密码')).toContainText('至少三类')
  await shot(page, 'console-password-forced')
  const first = 'Spare-Quan-2025'
  await page.locator('input[data-test="pw-new"]').fill(first)
  await page.locator('input[data-test="pw-again"]').fill(first)
  await page.locator('[data-test="pw-submit"]').click()
  await expect(page).toHaveURL(/#\/audit$/)
  await expect(page.locator('.el-menu-item', { hasText: '审计' })).toBeVisible()

  // 修改密码 from the user menu: a wrong current password is named next to its field.
  await page.locator('[data-test="who"]').click()
  await page.locator('[data-test="menu-password"]').click()
  const dialog = page.locator('.el-dialog', { hasText: '修改密码' })
  await expect(dialog).toBeVisible()
  const second = 'Baotu-Spring-88'
  await dialog.locator('input[data-test="pw-current"]').fill('not-my-password')
  await dialog.locator('input[data-test="pw-new"]').fill(second)
  await dialog.locator('input[data-test="pw-again"]').fill(second)
  await dialog.locator('[data-test="pw-submit"]').click()
  await expect(item(dialog, '当前密码')).toContainText('当前密码不正确')
  await dialog.locator('input[data-test="pw-current"]').fill(first)
  await dialog.locator('[data-test="pw-submit"]').click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.el-message--success', { hasText: '其他设备上的登录已退出' })).toBeVisible()
  await signOut(page)

  // The new password signs in to a normal session.
  await signIn(page, env.spare, second)
  await expect(page).toHaveURL(/#\/audit$/)
})
