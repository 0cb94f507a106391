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
import path from 'node:path';
import { expect, test } from '@jupyterlab/galata';
import { runCell, runCommand } from './helpers';

/** The fake key the test server config puts in the environment (HUNTKIT_E2E_VIRUSTOTAL_KEY). */
const KEY = process.env.HUNTKIT_E2E_VIRUSTOTAL_KEY ?? 'e2e-fake-virustotal-key-5d7a0c';
const IP = '185[.]220[.]101[.]1';
const HASH = '275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F';
/** The test City database (tests/fixtures/geo/make_mmdb.py). */
const GEO_DB = path.resolve(__dirname, '../../../tests/fixtures/geo/city.mmdb');

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

  test('GeoIP from a picked .mmdb, offline; the sensitive switch and the configuration check from the panel', async ({
    page
  }) => {
    const calls: string[] = [];
    page.on('request', request => {
      if (request.url().includes('/huntkit/api/providers/call')) {
        calls.push(request.url());
      }
    });
    await runCommand(page, 'huntkit:lookup-iocs', {
      iocs: ['81.2.69.142', IP, '10.0.0.7']
    });
    const panel = page.locator('#huntkit-lookup');
    await expect(panel.locator('input[data-provider="virustotal"]')).toBeEnabled();

    // A file that is no MaxMind DB is refused with what was wrong.
    await panel.locator('.jp-huntkit-lookup-geo-file').setInputFiles({
      name: 'notes.mmdb',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('ip,country\n1.2.3.4,DE\n')
    });
    await expect(panel.locator('.jp-huntkit-status')).toContainText('not a MaxMind DB file');

    // The test City database (tests/fixtures/geo), read in the browser.
    await panel.locator('.jp-huntkit-lookup-geo-file').setInputFiles(GEO_DB);
    await expect(panel.locator('.jp-huntkit-lookup-geo-info')).toContainText(
      'city.mmdb: GeoIP2-City, built 2025-12-05'
    );
    // No provider checked: the database alone, no call to the server.
    for (const check of await panel.locator('input[data-provider]').all()) {
      if (await check.isEnabled()) {
        await check.uncheck();
      }
    }
    await panel.locator('.jp-huntkit-lookup-run').click();
    const rows = panel.locator('.jp-huntkit-lookup-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.locator('.jp-huntkit-lookup-Country')).toHaveText(['GB', 'DE', '']);
    await expect(rows.locator('.jp-huntkit-lookup-City')).toHaveText([
      'London',
      'Brandenburg an der Havel',
      ''
    ]);
    await expect(rows.nth(1).locator('.jp-huntkit-lookup-ASN')).toHaveText(
      'AS205100 F3 Netze e.V.'
    );
    await expect(rows.nth(2).locator('.jp-huntkit-lookup-Status')).toHaveText('private_ip');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Download CSV' }).click()
    ]);
    const csv = await readFile(await download.path(), 'utf-8');
    expect(csv.split('\r\n')[0]).toBe(
      'IpAddress,IpType,CountryCode,CountryOrRegionName,State,City,Latitude,Longitude,AccuracyRadius,TimeZone,Asn,AsnOrg,Network,Status,Message'
    );
    expect(csv).toContain(
      '81.2.69.142,Public,GB,United Kingdom,England,London,51.5142,-0.0931,10,'
    );
    expect(calls).toEqual([]);

    // With VirusTotal checked the provider rows get the geo columns.
    await panel.locator('input[data-provider="virustotal"]').check();
    await panel.locator('.jp-huntkit-lookup-run').click();
    const vtRow = rows.filter({ hasText: 'virustotal' }).filter({ hasText: IP });
    await expect(vtRow.locator('.jp-huntkit-lookup-Country')).toHaveText('DE');

    // The sensitive switch, from the panel: the server's state follows.
    const sensitiveState = () =>
      page.evaluate(async () => {
        const answer = await fetch('/huntkit/api/providers/sensitive');
        return ((await answer.json()) as { on: boolean }).on;
      });
    const sensitive = panel.locator('.jp-huntkit-lookup-sensitive');
    await expect(sensitive).not.toBeChecked();
    await sensitive.check();
    try {
      await expect(panel.locator('.jp-huntkit-status')).toContainText('Sensitive switch on');
      expect(await sensitiveState()).toBe(true);
    } finally {
      await sensitive.uncheck();
    }
    await expect(panel.locator('.jp-huntkit-status')).toContainText('Sensitive switch off');
    expect(await sensitiveState()).toBe(false);

    // The configuration check: the test server's file is fine.
    await panel.getByRole('button', { name: 'Check configuration' }).click();
    await expect(panel.locator('.jp-huntkit-lookup-findings')).toContainText('no problems found');
  });

  test('says what to install when the server extension is missing', async ({ page }) => {
    // Jupyter answers 404 (an HTML page) for routes no extension serves.
    await page.route('**/huntkit/api/**', route =>
      route.fulfill({ status: 404, contentType: 'text/html', body: '<html>404: Not Found</html>' })
    );
    await runCommand(page, 'huntkit:lookup-iocs', { iocs: ['81.2.69.142'] });
    const panel = page.locator('#huntkit-lookup');
    await expect(panel.locator('.jp-huntkit-status')).toContainText(
      'the huntkit server extension is not running: install jupyterlab_huntkit'
    );
    await expect(panel.locator('.jp-huntkit-status')).toContainText(
      'jupyter server extension enable jupyterlab_huntkit'
    );
  });
});
