/**
 * The entity graph view (issue #17) in a real JupyterLab and kernel:
 * `huntkit.entity_graph(nodes, edges)` sends two Arrow tables, the wasm
 * core lays them out in the engine's worker (seeded ForceAtlas2), and the
 * page draws them. Checks: nodes drawn, hover shows the details as text
 * (markup in a name is not run), zoom and drag, a graph selection selects
 * on the timeline under it, expand and add a note; and a 100k-node bundle
 * is refused with a message while the page keeps answering; and the
 * offline flow: a Sentinel incident export opened with "Open in huntkit"
 * becomes an entity graph with no kernel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { addCell, runCell, runCommand } from './helpers';

// One-liners only: the cell editor re-indents Python blocks as it types.
const SETUP = `
import pandas as pd, huntkit
nodes = pd.DataFrame({"Id": ["h1", "a1", "ip1", "al1", "f1"], "Name": ["web01", "alice", "10.0.0.5", "<img src=x onerror=window.__pwned=1>", "evil.exe"], "Type": ["Host", "Account", "IpAddress", "Alert", "File"], "TimeGenerated": pd.to_datetime(["2024-01-01T10:00:00Z", None, None, "2024-01-01T11:00:00Z", "2024-01-01T10:30:00Z"], utc=True)})
edges = pd.DataFrame({"Source": ["h1", "h1", "al1", "al1"], "Target": ["a1", "ip1", "h1", "f1"], "Label": ["logon", None, "on", "drops"]})
`;

/** Screen position (relative to the canvas) of node `slot`, from the frame's `data-screen`. */
async function nodeAt(graph: Locator, slot: number): Promise<{ x: number; y: number }> {
  const screen = (await graph.getAttribute('data-screen')) ?? '';
  const xy = screen.split(',').map(Number);
  return { x: xy[slot * 2], y: xy[slot * 2 + 1] };
}

test.describe('entity graph view', () => {
  test('draws, hovers as text, zooms, drags, selects with the timeline, expands and notes', async ({
    page
  }) => {
    await page.notebook.createNew('graph.ipynb');
    await runCell(page, 0, SETUP);
    const out = await addCell(page, 'huntkit.entity_graph(nodes, edges, seed=3, visible_nodes=4)');
    const graph = out.locator('.jp-huntkit-graph');
    await expect(graph).toHaveAttribute('data-kind', 'entity_graph');
    // The 4 best linked of 5: h1 (3), al1 (2), then a1 and ip1 (1; the first by order).
    await expect(graph).toHaveAttribute('data-nodes', '4');
    await expect(graph).toHaveAttribute('data-edges', '3');
    const canvas = graph.locator('canvas.jp-huntkit-graph-canvas');
    // Something is painted: the canvas is not one colour.
    const colours = await canvas.evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 16) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(3);

    // Hover the alert (slot 3 in table order: h1, a1, ip1, al1): its name is text.
    await expect(graph).toHaveAttribute('data-screen', /\d/);
    const box = (await canvas.boundingBox())!;
    const alert = await nodeAt(graph, 3);
    await page.mouse.move(box.x + alert.x, box.y + alert.y);
    const tooltip = graph.locator('.jp-huntkit-graph-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip.locator('.jp-huntkit-graph-tooltip-name')).toHaveText(
      '<img src=x onerror=window.__pwned=1>'
    );
    await expect(tooltip).toContainText('Type: Alert');
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)
    ).toBeUndefined();

    // Zoom in with the wheel.
    const before = Number(await graph.getAttribute('data-scale'));
    await page.mouse.wheel(0, -300);
    await expect
      .poll(async () => Number(await graph.getAttribute('data-scale')))
      .toBeGreaterThan(before);

    // Drag the host 40 px right: it moves, and the worker keeps it there.
    const host = await nodeAt(graph, 0);
    await page.mouse.move(box.x + host.x, box.y + host.y);
    await page.mouse.down();
    await page.mouse.move(box.x + host.x + 20, box.y + host.y, { steps: 4 });
    await page.mouse.move(box.x + host.x + 40, box.y + host.y, { steps: 4 });
    await page.mouse.up();
    await expect(graph).toHaveAttribute('data-dragged', '0');
    const moved = await nodeAt(graph, 0);
    expect(Math.abs(moved.x - (host.x + 40))).toBeLessThanOrEqual(2);

    // Click the alert: selected on the graph, its details shown, and its row on the timeline.
    const timeline = graph.locator('.jp-huntkit-graph-timeline .jp-huntkit-chart');
    await expect(timeline).toHaveAttribute('data-kind', 'timeline');
    const alertNow = await nodeAt(graph, 3);
    await page.mouse.click(box.x + alertNow.x, box.y + alertNow.y);
    await expect(graph).toHaveAttribute('data-selected', '1');
    await expect(graph.locator('.jp-huntkit-graph-details')).toContainText('drops → evil.exe');
    await expect(timeline).toHaveAttribute('data-selected', '1');

    // Expand it: its hidden file is shown (and on the timeline).
    await graph.getByRole('button', { name: 'Expand' }).click();
    await expect(graph).toHaveAttribute('data-nodes', '5');

    // A note on the selected alert.
    await graph.getByRole('button', { name: 'Add note' }).click();
    await graph.locator('.jp-huntkit-graph-note textarea').fill('<b>checked</b> with the owner');
    await graph.locator('.jp-huntkit-graph-note button[type="submit"]').click();
    await expect(graph).toHaveAttribute('data-nodes', '6');
    await expect(graph.locator('.jp-huntkit-graph-details')).toContainText(
      '<b>checked</b> with the owner'
    );
  });

  test('a 100k-node graph is refused with a message, and the page keeps working', async ({
    page
  }) => {
    await page.notebook.createNew('big-graph.ipynb');
    await runCell(page, 0, 'import pandas as pd, huntkit');
    const out = await addCell(
      page,
      'huntkit.entity_graph(pd.DataFrame({"Id": [f"n{i}" for i in range(100000)], "Type": "Host"}), pd.DataFrame({"Source": [f"n{i}" for i in range(99999)], "Target": [f"n{i + 1}" for i in range(99999)]}))'
    );
    const error = out.locator('.jp-huntkit-view-error');
    await expect(error).toContainText('100000 nodes, more than max_nodes (50000)');
    // The page answers at once: a new cell runs and shows its output.
    const next = await addCell(page, 'print("still here")');
    await expect(next).toContainText('still here');
  });

  test('"Open in huntkit" draws a Sentinel incident export as an entity graph, no kernel', async ({
    page,
    tmpPath
  }) => {
    // tests/fixtures/entities: an incident with its alerts and entities
    // (`huntkit graph` reads 8 nodes and 9 links from it).
    const json = readFileSync(
      join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'entities', 'sentinel_incident.json'),
      'utf8'
    );
    await page.contents.uploadContent(json, 'text', `${tmpPath}/incident.json`);
    await runCommand(page, 'huntkit:open-view', { path: `${tmpPath}/incident.json` });
    const viewer = page.locator('.jp-huntkit-viewer');
    await expect(viewer.locator('select.jp-huntkit-viewer-kind')).toHaveValue('incident_graph');
    const graph = viewer.locator('.jp-huntkit-graph');
    await expect(graph).toHaveAttribute('data-kind', 'entity_graph');
    await expect(graph).toHaveAttribute('data-nodes', '8');
    await expect(graph).toHaveAttribute('data-edges', '9');
  });
});
