/**
 * The Queries panel's Run on a live SIEM in a real JupyterLab: the huntkit
 * server extension signs in to a fixture Azure AD and queries a fixture Log
 * Analytics on 127.0.0.1 (jupyter_server_test_config.py). A template is run
 * over three days split by day; the second day is refused and listed, the
 * third is throttled once (429, Retry-After: 1) and retried by the page,
 * the other two days' rows are shown. The browser's network log never holds
 * the client secret or the token, and every request goes to the Jupyter
 * server's own origin.
 */
import { expect, test } from '@jupyterlab/galata';
import { runCommand } from './helpers';

const SECRET = process.env.HUNTKIT_E2E_AZURE_SECRET ?? 'e2e-fake-azure-secret-3c9e1b';
const TOKEN = 'e2e-fake-bearer-token-8a2f';

test.describe('Queries panel, live provider', () => {
  test('runs a Sentinel template split by day through the server; a failed day is listed, a throttled one retried', async ({
    page,
    baseURL
  }) => {
    const log: string[] = [];
    const origins = new Set<string>();
    page.on('request', request => {
      origins.add(new URL(request.url()).origin);
      log.push(
        [request.method(), request.url(), JSON.stringify(request.headers()), request.postData()]
          .filter(Boolean)
          .join('\n')
      );
    });
    const answers: Promise<void>[] = [];
    page.on('response', response => {
      if (response.url().includes('/huntkit/api/')) {
        answers.push(
          response.text().then(
            text => void log.push(text),
            () => undefined
          )
        );
      }
    });

    await runCommand(page, 'huntkit:open-queries', {});
    const panel = page.locator('#huntkit-queries');
    const select = panel.locator('.jp-huntkit-queries-provider');
    const live = select.locator('option', { hasText: 'MSSentinel (loganalytics, live): E2E' });
    await expect(live).toHaveCount(1);
    await select.selectOption({ label: 'MSSentinel (loganalytics, live): E2E' });

    await panel.locator('.jp-huntkit-queries-search').fill('list_dns_queries_for_domain');
    await panel
      .locator(
        '.jp-huntkit-queries-item[data-environment="MSSentinel"][data-name="Dns.list_dns_queries_for_domain"]'
      )
      .click();
    await panel.locator('input[data-param="start"]').fill('2024-05-01T00:00:00Z');
    await panel.locator('input[data-param="end"]').fill('2024-05-03T23:59:59Z');
    await panel.locator('input[data-param="domain"]').fill('evil.example');
    await panel.locator('.jp-huntkit-queries-split').fill('1d');
    await panel.locator('.jp-huntkit-queries-run').click();

    const chunks = panel.locator('.jp-huntkit-queries-chunk');
    await expect(chunks).toHaveCount(3);
    await expect(chunks.nth(1)).toHaveAttribute('data-status', 'forbidden');
    await expect(chunks.nth(1)).toContainText('insufficient access');
    // Only a retry after the 429 gives the third day its row.
    await expect(chunks.nth(2)).toHaveAttribute('data-status', 'ok');
    await expect(panel.locator('.jp-huntkit-queries-result-count')).toHaveText('2 rows');
    await expect(panel.locator('.jp-huntkit-queries-table tbody tr')).toHaveCount(2);
    await expect(panel.locator('.jp-huntkit-status')).toContainText('1 chunk(s) failed');

    await Promise.all(answers);
    const text = log.join('\n');
    expect(text).toContain('/huntkit/api/providers/query');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
    expect([...origins]).toEqual([new URL(baseURL ?? '').origin]);
  });
  test('runs a Splunk template as a search job: created, polled after a wait, read', async ({
    page
  }) => {
    const ops: string[] = [];
    page.on('request', request => {
      if (request.url().includes('/huntkit/api/providers/query') && request.method() === 'POST') {
        ops.push(
          (JSON.parse(request.postData() ?? '{}') as { operation?: string }).operation ?? ''
        );
      }
      expect(request.postData() ?? '').not.toContain('e2e-fake-splunk-pw');
    });
    await runCommand(page, 'huntkit:open-queries', {});
    const panel = page.locator('#huntkit-queries');
    await panel
      .locator('.jp-huntkit-queries-provider')
      .selectOption({ label: 'Splunk (splunk, live)' });
    await panel.locator('.jp-huntkit-queries-search').fill('list_flows_for_ip');
    await panel
      .locator(
        '.jp-huntkit-queries-item[data-environment="Splunk"][data-name="Network.list_flows_for_ip"]'
      )
      .click();
    await panel.locator('input[data-param="ip_address"]').fill('10.1.2.3');
    await panel.locator('.jp-huntkit-queries-mode').selectOption('jobs');
    await panel.locator('.jp-huntkit-queries-run').click();

    await expect(panel.locator('.jp-huntkit-queries-result-count')).toHaveText('5 rows');
    await expect(panel.locator('.jp-huntkit-status')).toContainText(
      '5 rows from splunk in 1 chunk'
    );
    expect(ops).toEqual(['job_create', 'job_status', 'job_status', 'job_results']);
  });
});
