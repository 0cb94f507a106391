/**
 * The Lookup panel in a real JupyterLab whose huntkit server extension
 * calls a fixture VirusTotal on 127.0.0.1 (jupyter_server_test_config.py)
 * with a fake key: an IP and a hash are planned in the worker, sent through
 * the Jupyter server (the second after waiting out the server's rate
 * limit), and come back as rows with their severities. The
 * browser's network log (every request's URL, headers and body, and every
 * answer's body) never holds the key, and every request goes to the
 * Jupyter server's own origin.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@jupyterlab/galata';
import { runCell, runCommand } from './helpers';

/** The fake key the test server config puts in the environment (HUNTKIT_E2E_VIRUSTOTAL_KEY). */
const KEY = process.env.HUNTKIT_E2E_VIRUSTOTAL_KEY ?? 'e2e-fake-virustotal-key-5d7a0c';
const IP = '185[.]220[.]101[.]1';
const HASH = '275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F';

test.describe('Lookup panel', () => {
  test('looks up an IP and a hash through the server; the key never reaches the page', async ({
    page,
    baseURL
  }) => {
    const log: string[] = [];
    const origins = new Set<string>();
    const answers: Promise<void>[] = [];
    page.on('request', request => {
      origins.add(new URL(request.url()).origin);
      log.push(
        [request.method(), request.url(), JSON.stringify(request.headers()), request.postData()]
          .filter(Boolean)
          .join('\n')
      );
    });
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

    await runCommand(page, 'huntkit:lookup-iocs', {
      iocs: [IP, HASH, '10.0.0.7']
    });
    const panel = page.locator('#huntkit-lookup');
    const vt = panel.locator('input[data-provider="virustotal"]');
    await expect(vt).toBeEnabled();
    // Not configured in the test server: shown, disabled, with why.
    await expect(panel.locator('input[data-provider="abuseipdb"]')).toBeDisabled();
    await expect(
      panel.locator('.jp-huntkit-lookup-provider.jp-huntkit-mod-disabled').first()
    ).toContainText('missing');
    // Offline until Run: no call has been made yet.
    expect(log.filter(l => l.includes('/huntkit/api/providers/call'))).toEqual([]);

    await vt.check();
    await panel.locator('.jp-huntkit-lookup-run').click();

    const rows = panel.locator('.jp-huntkit-lookup-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toHaveClass(/jp-huntkit-sev-high/);
    await expect(rows.nth(0).locator('.jp-huntkit-lookup-Status')).toHaveText('ok');
    await expect(rows.nth(1)).toHaveClass(/jp-huntkit-sev-warning/);
    await expect(rows.nth(1).locator('.jp-huntkit-lookup-Ioc')).toHaveText(HASH);
    await expect(rows.nth(2).locator('.jp-huntkit-lookup-Status')).toHaveText('private_ip');

    // The raw row as text on click.
    await rows.nth(0).click();
    await expect(panel.locator('.jp-huntkit-lookup-raw')).toContainText('"Provider": "virustotal"');

    // The provider filter.
    await panel.locator('.jp-huntkit-lookup-filter').selectOption('virustotal');
    await expect(rows).toHaveCount(3);

    // The rows as CSV, the core's columns first.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Download CSV' }).click()
    ]);
    const csv = await readFile(await download.path(), 'utf-8');
    expect(csv.split('\r\n')[0]).toBe(
      'Ioc,IocType,SafeIoc,QuerySubtype,Provider,Result,Severity,Details,RawResult,Reference,Status'
    );
    expect(csv).toContain('185[.]220[.]101[.]1,ipv4,185.220.101.1,ip,virustotal,true,high,');

    // Run again: both answers come from the session cache, no call is made.
    await panel.locator('.jp-huntkit-lookup-run').click();
    await expect(panel.locator('.jp-huntkit-status')).toContainText(
      "0 calls made, 2 answered from this session's cache"
    );
    await expect(rows).toHaveCount(3);

    await Promise.all(answers);
    // The server allows one VirusTotal call per 2 s in this test: the second
    // was refused with a Retry-After, waited out, and sent again.
    const calls = log.filter(
      l => l.startsWith('POST') && l.includes('/huntkit/api/providers/call')
    );
    expect(calls).toHaveLength(3);
    expect(log.join('\n')).not.toContain(KEY);
    expect([...origins].filter(o => o !== new URL(baseURL ?? '').origin && o !== 'null')).toEqual(
      []
    );
  });

  test('"Look up" in the Extract panel fills the Lookup panel; refusals show their message', async ({
    page
  }) => {
    await runCommand(page, 'huntkit:open-extract', {});
    const extract = page.locator('#huntkit-extract');
    await extract
      .locator('textarea.jp-huntkit-input-text')
      .fill(`beacon to ${IP} and dropped ${HASH.toLowerCase()}`);
    await extract.getByRole('button', { name: 'Extract', exact: true }).click();
    await expect(extract.locator('tr.jp-huntkit-ioc-row')).toHaveCount(2);
    await extract.locator('.jp-huntkit-lookup-button').click();

    const panel = page.locator('#huntkit-lookup');
    await expect(panel).toBeVisible();
    await expect(panel.locator('textarea')).toHaveValue(`185.220.101.1\n${HASH.toLowerCase()}`);

    // The session's sensitive switch on: the server refuses every call,
    // and each row says so.
    const sensitive = (on: boolean) =>
      page.evaluate(async value => {
        const xsrf = /(?:^|; )_xsrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
        const answer = await fetch('/huntkit/api/providers/sensitive', {
          method: 'PUT',
          headers: { 'X-XSRFToken': decodeURIComponent(xsrf) },
          body: JSON.stringify({ on: value })
        });
        if (!answer.ok) {
          throw new Error(`sensitive switch: http ${answer.status}`);
        }
      }, on);
    await sensitive(true);
    try {
      await panel.locator('input[data-provider="virustotal"]').check();
      await panel.locator('.jp-huntkit-lookup-run').click();
      const rows = panel.locator('.jp-huntkit-lookup-row');
      await expect(rows).toHaveCount(2);
      await expect(rows.locator('.jp-huntkit-lookup-Status')).toHaveText(['error', 'error']);
      await expect(rows.first().locator('.jp-huntkit-lookup-Details')).toContainText(
        'the sensitive switch is on'
      );
    } finally {
      await sensitive(false);
    }
  });

  test('a huntkit.lookup output in a notebook shows the same Lookup view, sent through the server on Run', async ({
    page
  }) => {
    const calls: string[] = [];
    page.on('request', request => {
      if (request.url().includes('/huntkit/api/providers/call')) {
        calls.push(request.postData() ?? '');
      }
    });
    await page.notebook.createNew('lookup.ipynb');
    const out = await runCell(
      page,
      0,
      `import huntkit\nhuntkit.lookup(["${IP}", "${HASH}", "10.0.0.7"], providers=["virustotal"], title="From the hunt")`
    );
    const view = out.locator('.jp-huntkit-lookup');
    await expect(view.locator('.jp-huntkit-title')).toHaveText('From the hunt');
    await expect(view.locator('textarea')).toHaveValue(`${IP}\n${HASH}\n10.0.0.7`);
    const vt = view.locator('input[data-provider="virustotal"]');
    await expect(vt).toBeEnabled();
    await expect(vt).toBeChecked();
    // Drawn, and nothing sent until Run.
    expect(calls).toEqual([]);
    await view.locator('.jp-huntkit-lookup-run').click();
    const rows = view.locator('.jp-huntkit-lookup-row');
    await expect(rows).toHaveCount(3, { timeout: 60_000 });
    await expect(rows.nth(0)).toHaveClass(/jp-huntkit-sev-high/);
    await expect(rows.nth(2).locator('.jp-huntkit-lookup-Status')).toHaveText('private_ip');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.join('\n')).not.toContain(KEY);
  });
});
