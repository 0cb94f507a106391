/**
 * The process tree view in a real JupyterLab and kernel: `huntkit.process_tree`
 * sends raw 4688 events, the wasm core builds the tree per host in the page,
 * and the test reads rows, expands and collapses, searches and opens the
 * details pane; then "Open in huntkit" draws the same view from a CSV file
 * with no kernel.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { addCell, PROCS_CSV, runCell, runCommand } from './helpers';

// One-liners only: the cell editor re-indents Python blocks as it types.
// Two hosts with the same PIDs: explorer 0x10 → cmd 0x20 → whoami 0x30 on
// host a; explorer 0x10 → cmd 0x20 on host b.
const SETUP = `
import pandas as pd, huntkit
t = pd.to_datetime(["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:00:30Z", "2024-01-01T00:03:00Z"], format="ISO8601")
exp, cmd, who = "C:\\\\Windows\\\\explorer.exe", "C:\\\\Windows\\\\System32\\\\cmd.exe", "C:\\\\Windows\\\\System32\\\\whoami.exe"
df = pd.DataFrame({"TimeGenerated": t, "NewProcessName": [exp, cmd, who, exp, cmd], "NewProcessId": ["0x10", "0x20", "0x30", "0x10", "0x20"], "ProcessId": ["0x4", "0x10", "0x20", "0x4", "0x10"], "ParentProcessName": ["", exp, cmd, "", exp], "CommandLine": ["explorer.exe", "cmd /c <img src=x onerror=window.__pwned=1>", "whoami /all", "explorer.exe", "cmd /c net user"], "SubjectUserName": ["alice", "alice", "alice", "bob", "bob"], "Computer": ["a", "a", "a", "b", "b"], "EventID": [4688] * 5})
`;

/** SETUP's trees, as `rowImages` reads them: one per host. */
const TREES = [
  '(unknown)',
  ' explorer.exe',
  '  cmd.exe',
  '   whoami.exe',
  '(unknown)',
  ' explorer.exe',
  '  cmd.exe'
];

async function rowImages(tree: Locator): Promise<string[]> {
  return tree
    .locator('.jp-huntkit-proctree-rows [data-node]')
    .evaluateAll(rows =>
      rows.map(
        r =>
          ' '.repeat(Number(r.getAttribute('aria-level')) - 1) +
          (r.querySelector('.jp-huntkit-proctree-name')?.textContent ?? '').split('\\').pop()
      )
    );
}

test.describe('process tree view', () => {
  test('a notebook DataFrame: rows per host, collapse, search, details', async ({ page }) => {
    await page.notebook.createNew('proctree.ipynb');
    await runCell(page, 0, SETUP);
    const out = await addCell(page, 'huntkit.process_tree(df, legend_col="SubjectUserName")');
    const tree = out.locator('.jp-huntkit-proctree');
    await expect(tree).toHaveAttribute('data-kind', 'process_tree');
    // 5 events + each host's inferred parent 0x4.
    await expect(tree).toHaveAttribute('data-processes', '7');
    await expect(tree).toHaveAttribute('data-visible', '7');
    expect(await rowImages(tree)).toEqual(TREES);
    // Markup in a command line is text.
    await expect(tree.locator('.jp-huntkit-proctree-cmd').nth(2)).toHaveText(
      'cmd /c <img src=x onerror=window.__pwned=1>'
    );
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)
    ).toBeUndefined();
    await expect(tree.locator('.jp-huntkit-proctree-legend-item').first()).toHaveText('alice (3)');

    // Collapse host a's explorer, then expand it again.
    const explorerA = tree.locator('.jp-huntkit-proctree-rows [data-node]').nth(1);
    await explorerA.locator('[data-action="toggle"]').click();
    await expect(tree).toHaveAttribute('data-visible', '5');
    await expect(explorerA).toHaveAttribute('aria-expanded', 'false');
    await tree.getByRole('button', { name: 'Collapse all' }).click();
    await expect(tree).toHaveAttribute('data-visible', '2');

    // Search opens the tree down to the match and highlights it.
    const search = tree.locator('.jp-huntkit-proctree-search');
    await search.fill('whoami');
    await search.press('Enter');
    await expect(tree.locator('.jp-huntkit-proctree-matches')).toHaveText('1 of 1 match');
    const hit = tree.locator('.jp-huntkit-proctree-row.jp-mod-match');
    await expect(hit).toHaveCount(1);
    await expect(hit.locator('.jp-huntkit-proctree-cmd')).toHaveText('whoami /all');

    // Details: all columns and the ancestors.
    // Clicked again if the first click met a row being redrawn (seen once
    // on a loaded 2-core machine); the pane must open within the retries.
    const details = tree.locator('.jp-huntkit-proctree-details');
    await expect(async () => {
      await hit.locator('.jp-huntkit-proctree-cmd').click();
      await expect(details).toBeVisible({ timeout: 3000 });
    }).toPass({ timeout: 20000 });
    await expect(details.locator('tr', { hasText: 'Computer' }).locator('td')).toHaveText('a');
    await expect(details.locator('tr', { hasText: 'EventID' }).locator('td')).toHaveText('4688');
    await expect(details.locator('.jp-huntkit-proctree-ancestor')).toHaveCount(3);
    await expect(details.locator('.jp-huntkit-proctree-ancestor').nth(2)).toContainText(
      'cmd.exe  PID 0x20'
    );

    // Your own column names, through a mapping: the same trees per host.
    const own = await addCell(
      page,
      'huntkit.process_tree(df.rename(columns={"TimeGenerated": "When", "NewProcessName": "Image", "NewProcessId": "Pid", "ProcessId": "PPid", "Computer": "Host"}), mapping={"time_stamp": "When", "process_name": "Image", "process_id": "Pid", "parent_id": "PPid", "host_name": "Host", "cmd_line": "CommandLine"})'
    );
    const mapped = own.locator('.jp-huntkit-proctree');
    await expect(mapped).toHaveAttribute('data-processes', '7');
    expect(await rowImages(mapped)).toEqual(TREES);
  });

  test('"Open in huntkit" draws a process tree from a CSV file with no kernel', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(PROCS_CSV, 'text', `${tmpPath}/procs.csv`);
    await runCommand(page, 'huntkit:open-view', { path: `${tmpPath}/procs.csv` });
    const viewer = page.locator('.jp-huntkit-viewer');
    await viewer.locator('select.jp-huntkit-viewer-kind').selectOption('process_tree');
    const tree = viewer.locator('.jp-huntkit-proctree');
    await expect(tree).toHaveAttribute('data-processes', '5');
    await viewer.locator('select[data-option="legend_col"]').selectOption('Computer');
    await expect(tree.locator('.jp-huntkit-proctree-legend-item')).toHaveText(['a (3)', 'b (2)']);
    // A schema whose columns are not there: the message names one.
    await viewer.locator('select[data-option="schema"]').selectOption('sysmon');
    await expect(viewer.locator('.jp-huntkit-view-error')).toContainText('UtcTime');
    await viewer.locator('select[data-option="schema"]').selectOption('4688');
    await expect(viewer.locator('.jp-huntkit-proctree')).toHaveAttribute('data-visible', '5');
  });
});
