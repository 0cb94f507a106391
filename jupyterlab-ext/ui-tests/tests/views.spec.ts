/**
 * huntkit notebook views in a real JupyterLab and kernel: the Python helper
 * emits the bundle, the MIME renderer draws it with the real wasm, and the
 * test reads what is on the page (lane labels, mark and event counts,
 * tooltip text), including after the notebook is saved and re-opened.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { addCell, runCell, runCommand } from './helpers';

// No indented blocks: the cell editor would re-indent them as it types.
const SETUP = `
import json, pandas as pd, huntkit
from IPython.display import display
base = pd.Timestamp("2024-03-07T00:00:00Z")
hosts = ["web-01", "dc-01", "<img src=x onerror=\\"window.__pwned=1\\">"]
rows = [{"TimeGenerated": base + pd.Timedelta(hours=6 * i + h), "Computer": host, "Account": f"user{i % 2}", "Failures": 10 * i + h, "Cmd": f"cmd-{h}-{i}"} for h, host in enumerate(hosts) for i in range(4)]
df = pd.DataFrame(rows)
raw = lambda bundle: display({huntkit.MIME_TYPE: bundle, "text/plain": "huntkit view"}, raw=True)
`;

async function laneLabels(chart: Locator): Promise<string[]> {
  return chart
    .locator('text.jp-huntkit-lane-label')
    .evaluateAll(els => els.map(e => e.childNodes[0]?.textContent ?? ''));
}

test.describe('notebook views', () => {
  test('timeline: lanes, counts, tooltip, selection, copy; renders again after re-opening', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew('views.ipynb');
    await runCell(page, 0, SETUP);
    const out = await addCell(
      page,
      'huntkit.timeline(df, group_by="Computer", source_columns=["Computer", "Cmd"], title="Logons", ref_time="2024-03-07T12:00:00Z", ref_label="alert")'
    );
    const chart = out.locator('.jp-huntkit-chart');
    await expect(chart).toHaveAttribute('data-kind', 'timeline');
    await expect(chart.locator('.jp-huntkit-chart-title')).toHaveText('Logons');
    expect(await laneLabels(chart)).toEqual([
      '<img src=x onerror="window.__pwned=1">',
      'dc-01',
      'web-01'
    ]);
    await expect(chart).toHaveAttribute('data-events-in-view', '12');
    await expect(chart).toHaveAttribute('data-marks', '12');
    await expect(chart.locator('.jp-huntkit-ref-label')).toHaveText('alert');
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)
    ).toBeUndefined();

    // Hover the first web-01 event: 2024-03-07T00:00Z, third lane.
    const canvas = chart.locator('canvas.jp-huntkit-chart-marks');
    const box = (await canvas.boundingBox())!;
    const [x0, x1] = ((await chart.getAttribute('data-window')) ?? '').split(',').map(Number);
    const t = Date.parse('2024-03-07T00:00:00Z');
    const x = ((t - x0) / (x1 - x0)) * box.width;
    const y = (box.height / 3) * 2.5;
    await page.mouse.move(box.x + x, box.y + y);
    const tooltip = chart.locator('.jp-huntkit-chart-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('web-01');
    await expect(tooltip).toContainText('cmd-0-0');

    // Click selects the event; Copy CSV copies it with the source columns.
    await page.mouse.click(box.x + x, box.y + y);
    await expect(chart).toHaveAttribute('data-selected', '1');
    await chart.locator('button[data-action="copy-csv"]').click();
    await expect(chart).toHaveAttribute('data-copied', 'Computer,Cmd\nweb-01,cmd-0-0\n');

    // Wheel zoom narrows the window; Reset restores it.
    await page.mouse.move(box.x + box.width / 2, box.y + 10);
    await page.mouse.wheel(0, -400);
    await expect
      .poll(async () => Number(await chart.getAttribute('data-events-in-view')))
      .toBeLessThan(12);
    // The range selector under the plot still shows the density after the
    // zoom re-rendered the chart (resizing a canvas used to blank it).
    const inked = await chart
      .locator('.jp-huntkit-chart-overview canvas')
      .evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) {
          n += data[i] > 0 ? 1 : 0;
        }
        return n;
      });
    expect(inked).toBeGreaterThan(0);
    await chart.locator('button[data-action="reset"]').click();
    await expect(chart).toHaveAttribute('data-events-in-view', '12');

    // Saved, closed and re-opened: the output renders from the file again.
    await page.notebook.save();
    await page.notebook.close(true);
    await page.filebrowser.open(`${tmpPath}/views.ipynb`);
    const again = page.locator('.jp-huntkit-chart[data-kind="timeline"]');
    await expect(again).toHaveCount(1);
    expect(await laneLabels(again)).toEqual([
      '<img src=x onerror="window.__pwned=1">',
      'dc-01',
      'web-01'
    ]);
    await expect(again).toHaveAttribute('data-events-in-view', '12');
  });

  test('timeline_values, timeline_duration and matrix draw what the data holds', async ({
    page
  }) => {
    await page.notebook.createNew('kinds.ipynb');
    await runCell(page, 0, SETUP);
    const values = (
      await addCell(
        page,
        'huntkit.timeline_values(df, y="Failures", kind=["vbar", "circle"], group_by="Computer")'
      )
    ).locator('.jp-huntkit-chart');
    await expect(values).toHaveAttribute('data-kind', 'timeline_values');
    await expect(values).toHaveAttribute('data-marks', '12');
    await expect(values.locator('.jp-huntkit-legend-item')).toHaveCount(3);
    const ticks = await values.locator('text.jp-huntkit-tick-label').allTextContents();
    expect(ticks).toContain('30');

    const duration = (
      await addCell(page, 'huntkit.timeline_duration(df, group_by=["Computer"])')
    ).locator('.jp-huntkit-chart');
    await expect(duration).toHaveAttribute('data-kind', 'timeline_duration');
    await expect(duration).toHaveAttribute('data-marks', '3');
    expect(await laneLabels(duration)).toEqual([
      'web-01',
      'dc-01',
      '<img src=x onerror="window.__pwned=1">'
    ]);

    const matrix = (
      await addCell(page, 'huntkit.matrix(df, x="Computer", y="Account", sort="desc")')
    ).locator('.jp-huntkit-chart');
    await expect(matrix).toHaveAttribute('data-kind', 'matrix');
    await expect(matrix).toHaveAttribute('data-marks', '6');
    const labels = await matrix.locator('text.jp-huntkit-tick-label').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['web-01', 'dc-01', 'user0', 'user1']));
  });

  test('anomalies and scored sessions: flagged points, and the likelihood slider', async ({
    page
  }) => {
    await page.notebook.createNew('analytics.ipynb');
    await runCell(
      page,
      0,
      `import pandas as pd, huntkit
t = pd.date_range("2024-03-01", periods=48, freq="h", tz="UTC")
stl = pd.DataFrame({"TimeGenerated": t, "Total": [500 if h == 30 else 10 + h % 5 for h in range(48)], "baseline": 12.0, "score": 0.1, "anomalies": [1 if h == 30 else 0 for h in range(48)]})
sessions = pd.DataFrame({"TimeGenerated_min": t[:6], "rarest_window3_likelihood": [0.5, 0.2, 1e-3, 0.3, 1e-6, 0.4], "rarest_window3": [f"w{i}" for i in range(6)]})`
    );
    const anomalies = (
      await addCell(page, 'huntkit.timeseries_anomalies(stl, title="Failed logons")')
    ).locator('.jp-huntkit-chart');
    await expect(anomalies).toHaveAttribute('data-kind', 'anomalies');
    await expect(anomalies.locator('.jp-huntkit-legend-item')).toHaveText([
      'observed (48)',
      'baseline (48)',
      'anomalies (1)'
    ]);
    await expect(anomalies).toHaveAttribute('data-marks', String(48 + 48 + 1));

    const scores = (await addCell(page, 'huntkit.session_scores(sessions)')).locator(
      '.jp-huntkit-chart'
    );
    await expect(scores).toHaveAttribute('data-kind', 'session_scores');
    await expect(scores).toHaveAttribute('data-events-in-view', '6');
    const slider = scores.locator('.jp-huntkit-chart-slider input');
    // Halfway down the 12 decades: only the two rarest sessions stay.
    await slider.fill('1000');
    await expect(scores).toHaveAttribute('data-events-in-view', '2');
    await slider.fill('1200');
    await expect(scores).toHaveAttribute('data-events-in-view', '6');
  });

  test('bad bundles show a message naming the problem', async ({ page }) => {
    await page.notebook.createNew('bad.ipynb');
    await runCell(page, 0, SETUP);
    const cases: Array<[string, string]> = [
      [
        'b = huntkit.view_bundle("timeline", df); b["version"] = 99; raw(b)',
        'unknown view bundle version 99'
      ],
      [
        'b = huntkit.view_bundle("timeline", df); b["options"]["time_column"] = "When"; raw(b)',
        'column "When" not in table'
      ],
      [
        'b = huntkit.view_bundle("timeline", df); b["options"]["time_column"] = "Failures"; raw(b)',
        '"Failures" is not a time column'
      ],
      ['raw(huntkit.view_bundle("timeline", df.iloc[0:0]))', 'the table is empty'],
      [
        'b = huntkit.view_bundle("timeline", df); b["data"][0]["arrow"] = b["data"][0]["arrow"][:200]; raw(b)',
        'cannot read arrow'
      ],
      [
        'b = huntkit.view_bundle("timeline", df); b["kind"] = "pie"; raw(b)',
        'unknown view kind "pie"'
      ]
    ];
    // One cell, one output per case: typing six cells would take longer than the test may.
    const out = await addCell(page, cases.map(([code]) => code).join('; '));
    const errors = out.locator('.jp-huntkit-view-error');
    await expect(errors).toHaveCount(cases.length);
    for (const [i, [, message]] of cases.entries()) {
      await expect(errors.nth(i)).toContainText(message);
    }
    await expect(out.locator('.jp-huntkit-chart')).toHaveCount(0);
  });

  test('"Open in huntkit" draws a CSV file with no kernel, with the columns the user picks', async ({
    page,
    tmpPath
  }) => {
    const csv = [
      'TimeGenerated,Computer,Account,Bytes',
      '2024-03-07T00:00:00Z,web-01,alice,10',
      '2024-03-07T01:00:00Z,web-01,bob,20',
      '2024-03-07T02:00:00Z,dc-01,alice,30',
      '2024-03-07T03:00:00Z,fs-01,carol,40'
    ].join('\n');
    await page.contents.uploadContent(csv, 'text', `${tmpPath}/events.csv`);
    await runCommand(page, 'huntkit:open-view', { path: `${tmpPath}/events.csv` });
    const viewer = page.locator('.jp-huntkit-viewer');
    const chart = viewer.locator('.jp-huntkit-chart');
    await expect(chart).toHaveAttribute('data-kind', 'timeline');
    await expect(chart).toHaveAttribute('data-events-in-view', '4');
    await viewer.locator('select[data-option="group_by"]').selectOption('Computer');
    await expect.poll(() => laneLabels(chart)).toEqual(['dc-01', 'fs-01', 'web-01']);
    await viewer.locator('select.jp-huntkit-viewer-kind').selectOption('matrix');
    await viewer.locator('select[data-option="x"]').selectOption('Computer');
    await viewer.locator('select[data-option="y"]').selectOption('Account');
    await expect(chart).toHaveAttribute('data-kind', 'matrix');
    await expect(chart).toHaveAttribute('data-marks', '4');
    // A non-time column as time: the message names it, the pickers stay.
    await viewer.locator('select.jp-huntkit-viewer-kind').selectOption('timeline');
    await viewer.locator('select[data-option="time_column"]').selectOption('Account');
    await expect(viewer.locator('.jp-huntkit-view-error')).toContainText('"Account"');
  });

  test("the dark theme: text and axes take the theme's colours", async ({ page, tmpPath }) => {
    await page.theme.setDarkTheme();
    await page.contents.uploadContent(
      'TimeGenerated,Computer\n2024-03-07T00:00:00Z,web-01\n2024-03-07T01:00:00Z,dc-01',
      'text',
      `${tmpPath}/dark.csv`
    );
    await runCommand(page, 'huntkit:open-view', { path: `${tmpPath}/dark.csv` });
    const chart = page.locator('.jp-huntkit-viewer .jp-huntkit-chart');
    await expect(chart).toHaveAttribute('data-events-in-view', '2');
    const brightness = (css: string): number => {
      const [r, g, b] = (css.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
      return (r + g + b) / 3;
    };
    const text = await chart.evaluate(el => getComputedStyle(el).color);
    const tick = await chart
      .locator('text.jp-huntkit-tick-label')
      .first()
      .evaluate(el => getComputedStyle(el).fill);
    const background = await chart.evaluate(el => getComputedStyle(el).backgroundColor);
    expect(brightness(text)).toBeGreaterThan(150);
    expect(brightness(tick)).toBeGreaterThan(150);
    expect(brightness(background)).toBeLessThan(100);
    await page.theme.setLightTheme();
    await expect
      .poll(async () => brightness(await chart.evaluate(el => getComputedStyle(el).color)))
      .toBeLessThan(100);
  });

  test('cluster_scatter: clusters from the kernel, sized and coloured, hover escaped, click selects', async ({
    page
  }) => {
    test.slow(); // three kernel cells, one of them clustering
    await page.notebook.createNew('clusters.ipynb');
    await runCell(page, 0, SETUP);
    // A cluster table as huntkit.cluster_events / dbcluster_events writes it:
    // the 40-event cluster sits at the plot's centre (domains 0-400, 0-10).
    const out = await addCell(
      page,
      'cl = pd.DataFrame({"ClusterId": [-1, 0, 1, -1], "ClusterSize": [1, 40, 5, 1], "pathScore": [0, 200, 100, 400], "tokens": [0, 5, 10, 10], "Cmd": ["a", "<b>bold</b>", "c", "d"]}); cl.huntkit.cluster_scatter(x="pathScore", y="tokens")'
    );
    const chart = out.locator('.jp-huntkit-chart');
    await expect(chart).toHaveAttribute('data-kind', 'cluster_scatter');
    await expect(chart).toHaveAttribute('data-marks', '4');
    await expect(chart).toHaveAttribute('data-events-in-view', '47');
    await expect(chart.locator('.jp-huntkit-legend-item')).toHaveText([
      'noise (2)',
      'cluster 0 (1)',
      'cluster 1 (1)'
    ]);
    const canvas = chart.locator('canvas.jp-huntkit-chart-marks');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = chart.locator('.jp-huntkit-chart-tooltip');
    await expect(tooltip).toContainText('cluster 0 · 40 events');
    await expect(tooltip).toContainText('<b>bold</b>');
    await expect(tooltip.locator('b')).toHaveCount(0);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(chart).toHaveAttribute('data-selected', '1');

    // The whole way from events: huntkit.cluster_events, then the view.
    const events = await addCell(
      page,
      'ev = pd.DataFrame({"TimeGenerated": [base + pd.Timedelta(minutes=i) for i in range(30)], "NewProcessName": ["C:\\\\Windows\\\\System32\\\\cmd.exe"] * 20 + ["C:\\\\Temp\\\\x.exe"] * 10, "CommandLine": ["cmd /c dir"] * 20 + [f"x.exe --id {i} --long {i * 7}" for i in range(10)], "SubjectLogonId": ["0x3e7"] * 30}); huntkit.cluster_scatter(huntkit.cluster_events(ev), x="pathScore", y="commandlineTokensFull")'
    );
    const fromEvents = events.locator('.jp-huntkit-chart');
    await expect(fromEvents).toHaveAttribute('data-kind', 'cluster_scatter');
    await expect(fromEvents).toHaveAttribute('data-events-in-view', '30');
    // A text column is named in the cell, not drawn.
    const bad = await addCell(page, 'huntkit.cluster_scatter(cl, x="Cmd", y="tokens")');
    await expect(bad).toContainText("x 'Cmd' of the data must hold numbers");
  });
});
