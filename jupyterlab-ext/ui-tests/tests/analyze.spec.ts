/**
 * The Analyze panel in a real JupyterLab: a file from the server, the
 * analysis in the engine's worker, the view in the main area. No kernel.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCS_CSV, runCommand } from './helpers';

async function analyze(page: IJupyterLabPageFixture, path: string): Promise<void> {
  await runCommand(page, 'huntkit:analyze-file', { path });
}

test.describe('Analyze panel', () => {
  test('time-series anomalies of a file: the spike is flagged and its KQL filter shown', async ({
    page,
    tmpPath
  }) => {
    const rows = ['TimeGenerated,Count'];
    for (let h = 0; h < 72; h++) {
      const t = new Date(Date.UTC(2024, 2, 1, h)).toISOString();
      rows.push(`${t},${h === 50 ? 200 : 10 + (h % 24 < 8 ? 5 : 0) + (h % 3)}`);
    }
    await page.contents.uploadContent(rows.join('\n'), 'text', `${tmpPath}/logons.csv`);
    await analyze(page, `${tmpPath}/logons.csv`);
    const panel = page.locator('#huntkit-analyze');
    await expect(panel.locator('.jp-huntkit-analyze-source')).toContainText(
      'logons.csv: 2 columns'
    );
    await panel.locator('select[data-option="value_column"]').selectOption('Count');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    const chart = page.locator('.jp-huntkit-analysis .jp-huntkit-chart');
    await expect(chart).toHaveAttribute('data-kind', 'anomalies');
    const legend = chart.locator('.jp-huntkit-legend-item');
    await expect(legend).toHaveText(['observed (72)', 'baseline (72)', /^anomalies \((\d+)\)$/]);
    const flagged = Number((await legend.nth(2).textContent())?.match(/\((\d+)\)/)?.[1]);
    expect(flagged).toBeGreaterThanOrEqual(1);
    await expect(chart).toHaveAttribute('data-marks', String(72 + 72 + flagged));
    // The spike (2024-03-03T02:00Z) is inside one of the filter's periods.
    const kql = (await page.locator('.jp-huntkit-analyze-kql').textContent()) ?? '';
    const spike = Date.parse('2024-03-03T02:00:00Z');
    const periods = [...kql.matchAll(/between \(datetime\(([^)]+)\) \.\. datetime\(([^)]+)\)\)/g)];
    expect(periods.length).toBeGreaterThanOrEqual(1);
    expect(
      periods.some(([, from, to]) => Date.parse(from) <= spike && spike <= Date.parse(to))
    ).toBe(true);
  });

  test('anomalous sessions of a file, and a clear error for a wrong column', async ({
    page,
    tmpPath
  }) => {
    const rows = ['TimeGenerated_min,session'];
    for (let i = 0; i < 40; i++) {
      const t = new Date(Date.UTC(2024, 2, 1, i)).toISOString();
      const cmds =
        i === 33
          ? ['Set-User', 'Remove-MailboxPermission', 'Export-Mailbox']
          : ['Get-User', 'Get-Mailbox', 'Set-Mailbox'];
      rows.push(`${t},"${JSON.stringify(cmds).replace(/"/g, '""')}"`);
    }
    await page.contents.uploadContent(rows.join('\n'), 'text', `${tmpPath}/sessions.csv`);
    await analyze(page, `${tmpPath}/sessions.csv`);
    const panel = page.locator('#huntkit-analyze');
    await panel.locator('select[data-option="analysis"]').selectOption('sessions');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    const chart = page.locator(
      '.jp-huntkit-analysis .jp-huntkit-chart[data-kind="session_scores"]'
    );
    await expect(chart).toHaveAttribute('data-events-in-view', '40');
    // The rare session is the one left when the bound drops far enough.
    await chart.locator('.jp-huntkit-chart-slider input').fill('1100');
    await expect(chart).toHaveAttribute('data-events-in-view', '1');
    await chart.locator('button[data-action="copy-json"]').click();
    await expect(chart).toHaveAttribute('data-copied', /Export-Mailbox/);

    await panel.locator('select[data-option="session_column"]').selectOption('TimeGenerated_min');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    await expect(panel.locator('.jp-huntkit-analyze-error')).toContainText('TimeGenerated_min');
  });

  test('a process tree of a dropped file, built in the worker; a wrong schema is named', async ({
    page
  }) => {
    await page.sidebar.openTab('huntkit-analyze');
    const panel = page.locator('#huntkit-analyze');
    await expect(panel).toBeVisible();
    // Drop a file onto the panel: read in the browser, no server, no kernel.
    await panel.evaluate((node, csv) => {
      const data = new DataTransfer();
      data.items.add(new File([csv], 'dropped.csv', { type: 'text/csv' }));
      node.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
    }, PROCS_CSV);
    await expect(panel.locator('.jp-huntkit-analyze-source')).toContainText(
      'dropped.csv: 8 columns'
    );
    await panel.locator('select[data-option="analysis"]').selectOption('proctree');
    await expect(panel.locator('select[data-option="legend_col"]')).toHaveValue('SubjectUserName');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    const tree = page.locator('.jp-huntkit-analysis .jp-huntkit-proctree');
    // 3 events + each host's inferred parent 0x4.
    await expect(tree).toHaveAttribute('data-processes', '5');
    // The inferred parents have no account.
    await expect(tree.locator('.jp-huntkit-proctree-legend-item')).toHaveText([
      '(none) (2)',
      'alice (2)',
      'bob (1)'
    ]);
    await panel.locator('select[data-option="schema"]').selectOption('sysmon');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    await expect(panel.locator('.jp-huntkit-analyze-error')).toContainText('UtcTime');
  });

  test('event clusters and outliers of a file: MSTICPy clusters, the seeded outliers, a bad feature named', async ({
    page,
    tmpPath
  }) => {
    // The golden events (tests/golden/gen_cluster.py): MSTICPy finds 7
    // clusters and 7 noise events at eps 0.0001; the seeded forest 4 outliers.
    const csv = readFileSync(
      join(__dirname, '..', '..', '..', 'tests', 'golden', 'cluster_events.csv'),
      'utf8'
    );
    await page.contents.uploadContent(csv, 'text', `${tmpPath}/events.csv`);
    await analyze(page, `${tmpPath}/events.csv`);
    const panel = page.locator('#huntkit-analyze');
    await expect(panel.locator('.jp-huntkit-analyze-source')).toContainText(
      'events.csv: 7 columns'
    );
    await panel.locator('select[data-option="analysis"]').selectOption('clusters');
    await panel.locator('input[data-option="max_cluster_distance"]').fill('0.0001');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    await expect(page.locator('.jp-huntkit-analyze-summary')).toHaveText(
      'events.csv: 368 events, 7 clusters, 7 noise events, 4 outliers'
    );
    // The scatter: one circle per cluster and per noise event (7 + 7),
    // the noise grey in the legend, the events they stand for in view.
    const scatter = page.locator(
      '.jp-huntkit-analysis .jp-huntkit-chart[data-kind="cluster_scatter"]'
    );
    await expect(scatter).toHaveAttribute('data-marks', '14');
    await expect(scatter).toHaveAttribute('data-events-in-view', '368');
    await expect(scatter.locator('.jp-huntkit-legend-item').first()).toHaveText('noise (7)');
    // Another pair of features draws it again.
    await page
      .locator('.jp-huntkit-analyze-axes select[data-option="y"]')
      .selectOption('isSystemSession');
    await expect(
      page.locator(
        '.jp-huntkit-analysis .jp-huntkit-chart[data-kind="cluster_scatter"] .jp-huntkit-axis-label'
      )
    ).toHaveText(['isSystemSession', 'commandlineTokensFull']);
    const outliers = page.locator('.jp-huntkit-analysis .jp-huntkit-chart[data-kind="timeline"]');
    await expect(outliers).toHaveAttribute('data-events-in-view', '4');
    // The outlier list, most isolated first, each with its tree link.
    const list = page.locator('.jp-huntkit-analyze-outlier-table tr[data-source-index]');
    await expect(list).toHaveCount(4);
    const sources = await list.evaluateAll(rows =>
      rows.map(r => Number((r as HTMLElement).dataset.sourceIndex)).sort((a, b) => a - b)
    );
    expect(sources).toEqual([159, 165, 178, 222]);

    await panel.locator('input[data-option="features"]').fill('Computer');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    await expect(panel.locator('.jp-huntkit-analyze-error')).toContainText(
      'column "Computer": "wks-0001.corp.contoso.com" is not a number'
    );
  });

  test('an outlier opens the process tree at its process', async ({ page, tmpPath }) => {
    // The golden events with a parent process id, so they make a tree
    // (Windows 4688: every event a child of PID 0x4 on its host). The file
    // has CRLF line ends.
    const csv = readFileSync(
      join(__dirname, '..', '..', '..', 'tests', 'golden', 'cluster_events.csv'),
      'utf8'
    )
      .trim()
      .split(/\r?\n/)
      .map(
        (line, i) =>
          `${i === 0 ? 'ProcessId,ParentProcessName' : '0x4,C:\\Windows\\System32\\services.exe'},${line}`
      )
      .join('\n');
    await page.contents.uploadContent(csv, 'text', `${tmpPath}/procs.csv`);
    await analyze(page, `${tmpPath}/procs.csv`);
    const panel = page.locator('#huntkit-analyze');
    await expect(panel.locator('.jp-huntkit-analyze-source')).toContainText('9 columns');
    await panel.locator('select[data-option="analysis"]').selectOption('clusters');
    await panel.locator('button.jp-huntkit-analyze-run').click();
    const first = page.locator('.jp-huntkit-analyze-outlier-table tr[data-source-index]').first();
    const source = Number(await first.getAttribute('data-source-index'));
    const line = csv.split('\n')[source + 1];
    const image = line.split(',')[7].split('\\').pop() ?? '';
    await first.locator('button.jp-huntkit-analyze-show-tree').click();
    await expect(page.locator('.jp-huntkit-analysis .jp-huntkit-analyze-status').last()).toHaveText(
      `event ${source} selected in the process tree`
    );
    const selected = page.locator('.jp-huntkit-proctree .jp-mod-selected');
    await expect(selected).toHaveCount(1);
    await expect(selected).toContainText(image);
  });
});
