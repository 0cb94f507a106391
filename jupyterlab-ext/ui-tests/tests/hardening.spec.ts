/**
 * Issue #16 in a real JupyterLab (headless Chromium, the real wasm in its
 * workers): a trapped wasm module is survived, and hostile strings render
 * as inert text everywhere.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { runCommand } from './helpers';

const EXTRACT = 'huntkit-extract';

test.describe('a trapped wasm module', () => {
  test('the Extract panel shows the crash, the page lives on, the next extraction works', async ({
    page
  }) => {
    const pageErrors: string[] = [];
    page.on('pageerror', error => pageErrors.push(error.message));
    await page.sidebar.getTabLocator(EXTRACT).click();
    const panel = page.locator(`#${EXTRACT}`);
    const rows = panel.locator('tr.jp-huntkit-ioc-row');
    const status = panel.locator('.jp-huntkit-status.jp-huntkit-mod-error').first();
    const extract = async (text: string): Promise<void> => {
      await panel.locator('textarea.jp-huntkit-input-text').fill(text);
      await panel.getByRole('button', { name: 'Extract', exact: true }).click();
    };

    await extract('beacon to 203.0.113.7');
    await expect(rows).toHaveCount(1);

    // The worker's next request panics for real inside the wasm module.
    await runCommand(page, 'huntkit:debug-arm-panic', { lane: 'jobs' });
    await extract('beacon to 198.51.100.9');
    await expect(status).toBeVisible();
    await expect(status.locator('.jp-huntkit-error-kind')).toHaveText('wasm_trap');
    await expect(status).toContainText('the huntkit engine crashed: panicked at');
    await expect(status).toContainText('debugPanic: armed by a test, on request ioc');

    // The rest of the page is alive: the shell answers, a command runs.
    await page.sidebar.getTabLocator('huntkit-queries').click();
    await expect(page.locator('#huntkit-queries')).toBeVisible();
    await page.sidebar.getTabLocator(EXTRACT).click();

    // A new worker answers the same request.
    await extract('beacon to 198.51.100.9');
    await expect(rows).toHaveCount(1);
    await expect(rows.first().locator('.jp-huntkit-col-refanged')).toHaveText('198.51.100.9');
    await expect(panel.locator('.jp-huntkit-status.jp-huntkit-mod-error')).toHaveCount(0);
    expect(pageErrors).toEqual([]);
  });
});
