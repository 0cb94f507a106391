/** Steps the end-to-end tests share: run a JupyterLab command, run cells. */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

/**
 * Three 4688 events on two hosts that reuse PID 0x10: explorer → cmd on
 * host a (alice), explorer on host b (bob). With each host's inferred
 * parent 0x4 that is 5 processes.
 */
export const PROCS_CSV = [
  'TimeGenerated,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine,SubjectUserName,Computer',
  '2024-01-01T00:00:00Z,explorer.exe,0x10,0x4,,explorer.exe,alice,a',
  '2024-01-01T00:01:00Z,cmd.exe,0x20,0x10,explorer.exe,cmd /c whoami,alice,a',
  '2024-01-01T00:00:30Z,explorer.exe,0x10,0x4,,explorer.exe,bob,b'
].join('\n');

/** Runs a JupyterLab command with arguments, as a menu or palette would. */
export async function runCommand(
  page: IJupyterLabPageFixture,
  id: string,
  args: unknown
): Promise<void> {
  await page.evaluate(
    async ([command, commandArgs]) => {
      const app = (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string, args: unknown): Promise<unknown> } };
        }
      ).jupyterapp;
      await app.commands.execute(command as string, commandArgs);
    },
    [id, args] as const
  );
}

/** Sets cell `index` to `code`, runs it and returns its output area. */
export async function runCell(
  page: IJupyterLabPageFixture,
  index: number,
  code: string
): Promise<Locator> {
  await page.notebook.setCell(index, 'code', code);
  await page.notebook.runCell(index, true);
  return (await page.notebook.getCellOutputLocator(index)) as Locator;
}

/** Appends a code cell, runs it and returns its output area. */
export async function addCell(page: IJupyterLabPageFixture, code: string): Promise<Locator> {
  await page.notebook.addCell('code', code);
  const index = (await page.notebook.getCellCount()) - 1;
  await page.notebook.runCell(index, true);
  return (await page.notebook.getCellOutputLocator(index)) as Locator;
}
