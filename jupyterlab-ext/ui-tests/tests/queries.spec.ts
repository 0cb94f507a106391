/**
 * The Queries panel in a real JupyterLab: the bundled template library in
 * the engine's worker, a template picked from the tree, its form filled,
 * the query rendered (a hostile value escaped, shown as text), copied and
 * inserted into a notebook, and a LocalData run over the bundled demo week.
 * No kernel is needed for any of it.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { runCommand } from './helpers';

const HOSTILE = `x' or 1==1 | union * <img src=x onerror="window.__pwned=1">`;

async function openPanel(page: IJupyterLabPageFixture) {
  await runCommand(page, 'huntkit:open-queries', {});
  const panel = page.locator('#huntkit-queries');
  await expect(panel.locator('.jp-huntkit-queries-env').first()).toBeVisible();
  return panel;
}

async function pick(page: IJupyterLabPageFixture, environment: string, name: string) {
  const panel = page.locator('#huntkit-queries');
  await panel.locator('.jp-huntkit-queries-search').fill(name.split('.')[1]);
  const item = panel.locator(
    `.jp-huntkit-queries-item[data-environment="${environment}"][data-name="${name}"]`
  );
  await item.click();
  await expect(panel.locator('.jp-huntkit-queries-name')).toHaveText(name);
  return panel;
}

test.describe('Queries panel', () => {
  test('search, pick, fill, render a hostile value escaped, copy and insert', async ({
    page,
    context
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.notebook.createNew('query.ipynb');
    let panel = await openPanel(page);
    // The whole library is listed, by environment.
    await expect(panel.locator('.jp-huntkit-queries-env > summary')).toContainText([
      /^LocalData \(\d+\)$/,
      /^MDE \(\d+\)$/,
      /^MSSentinel \(\d+\)$/,
      /^Splunk \(\d+\)$/
    ]);
    // Search narrows the tree.
    await panel.locator('.jp-huntkit-queries-search').fill('xyzzy nothing');
    await expect(panel.locator('.jp-huntkit-queries-empty')).toBeVisible();

    panel = await pick(page, 'MSSentinel', 'WindowsSecurity.list_host_logons');
    await expect(panel.locator('.jp-huntkit-queries-description')).toContainText('4624');
    await expect(panel.locator('.jp-huntkit-queries-params tbody tr')).toContainText([
      /host_name \*\s*str\s*\(required\)/
    ]);
    // Render with the required parameter missing: a clear message.
    await panel.locator('.jp-huntkit-queries-render').click();
    await expect(panel.locator('.jp-huntkit-status')).toContainText('host_name');
    await expect(panel.locator('.jp-huntkit-error-kind')).toHaveText('missing_parameters');

    // A relative range, previewed; then the hostile host name.
    await panel.locator('input[data-param="start"]').fill('-1w@d');
    await panel.locator('input[data-param="end"]').fill('now');
    await expect(panel.locator('.jp-huntkit-queries-time-preview')).toHaveText(
      /^\d{4}-\d\d-\d\dT00:00:00Z → \d{4}-\d\d-\d\dT/
    );
    await panel.locator('input[data-param="host_name"]').fill(HOSTILE);
    await panel.locator('.jp-huntkit-queries-render').click();
    const rendered = panel.locator('.jp-huntkit-queries-rendered');
    await expect(rendered).toContainText(
      `Computer has 'x\\' or 1==1 | union * <img src=x onerror=\\"window.__pwned=1\\">'`
    );
    await expect(rendered).toContainText(/^SecurityEvent/);
    // Shown as text: no element was made from the value, nothing ran.
    await expect(panel.locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

    await panel.locator('.jp-huntkit-queries-copy').click();
    await expect(panel.locator('.jp-huntkit-status')).toContainText('copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await rendered.textContent());

    // Insert into a new cell of the open notebook.
    const before = await page.notebook.getCellCount();
    await panel.locator('.jp-huntkit-queries-insert').click();
    await expect(panel.locator('.jp-huntkit-status')).toContainText('inserted');
    expect(await page.notebook.getCellCount()).toBe(before + 1);
    const source = await page.notebook.getCellTextInput(before);
    expect(source).toContain(
      '# WindowsSecurity.list_host_logons (MSSentinel, KQL), rendered by huntkit'
    );
    expect(source).toContain('query = """\\\nSecurityEvent');
    // The Python literal doubles the KQL escape's backslash.
    expect(source).toContain("Computer has 'x\\\\' or 1==1");

    // A bad time expression is named in the preview and by Render.
    await panel.locator('input[data-param="start"]').fill('yesterday-ish');
    await expect(panel.locator('.jp-huntkit-queries-time-preview')).toHaveClass(
      /jp-huntkit-queries-bad/
    );
    await expect(panel.locator('.jp-huntkit-queries-time-preview')).toContainText('yesterday-ish');
    await panel.locator('.jp-huntkit-queries-render').click();
    await expect(panel.locator('.jp-huntkit-error-kind')).toHaveText('parameter_value');
    await expect(panel.locator('.jp-huntkit-status')).toContainText('yesterday-ish');
    // Sentinel templates are not run by the offline provider; the panel says why.
    await expect(panel.locator('.jp-huntkit-queries-run')).toBeDisabled();
    await expect(panel.locator('.jp-huntkit-queries-norun')).toContainText('LocalData');
  });

  test('run a LocalData template over the bundled demo week, see rows, open a view', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await expect(panel.locator('.jp-huntkit-queries-note').first()).toContainText(
      'now, 2024-03-11T00:00:00Z'
    );
    await pick(page, 'LocalData', 'WindowsSecurity.list_host_logon_failures');
    await panel.locator('input[data-param="host_name"]').fill('web-01');
    // Absolute range (UTC), carried over from the relative default, then set.
    await panel.locator('.jp-huntkit-queries-time-mode').selectOption('absolute');
    // (Chromium drops zero seconds from a datetime-local value.)
    await expect(panel.locator('input[data-param="start-absolute"]')).toHaveValue(
      /^2024-03-04T00:00(:00)?$/
    );
    await panel.locator('input[data-param="start-absolute"]').fill('2024-03-07T02:00');
    await panel.locator('input[data-param="end-absolute"]').fill('2024-03-07T02:15');
    await expect(panel.locator('.jp-huntkit-queries-time-preview')).toContainText(
      '2024-03-07T02:00:00Z → 2024-03-07T02:15:00Z'
    );
    await panel.locator('.jp-huntkit-queries-run').click();
    await expect(panel.locator('.jp-huntkit-status')).toContainText(
      /^\d+ of \d+ rows from logons\.csv/
    );
    const rows = panel.locator('.jp-huntkit-queries-table tbody tr');
    expect(await rows.count()).toBeGreaterThan(10);
    await expect(panel.locator('.jp-huntkit-queries-table thead th').first()).toHaveText(
      'TimeGenerated'
    );
    for (const text of await rows.locator('td:nth-child(2)').allTextContents()) {
      expect(text.toUpperCase()).toBe('WEB-01');
    }
    for (const text of await rows.locator('td:nth-child(1)').allTextContents()) {
      expect(text >= '2024-03-07T02:00:00' && text <= '2024-03-07T02:15:00Z').toBe(true);
    }
    await panel.locator('.jp-huntkit-queries-open').click();
    const viewer = page.locator('.jp-huntkit-viewer');
    await expect(viewer.locator('.jp-huntkit-chart')).toHaveAttribute('data-kind', 'timeline');
  });
});
