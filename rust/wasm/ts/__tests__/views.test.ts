import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { DecodeView } from '../views/decodeView.js';
import { IocTableView } from '../views/iocTable.js';
import { StatusView } from '../views/status.js';
import { SAMPLE_ITEMS, decoded, ioc, sampleResult } from './fixtures.js';

const XSS = '<img src=x onerror=alert(1)>';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
const doc = dom.window.document;
after(() => dom.window.close());

function mount<T extends { node: HTMLElement }>(view: T): T {
  doc.body.replaceChildren(view.node);
  return view;
}

function cells(view: IocTableView, column: string): string[] {
  return [...view.node.querySelectorAll(`tbody td.jp-huntkit-col-${column}`)].map(
    td => td.textContent ?? ''
  );
}

describe('IocTableView', () => {
  it('renders untrusted values as text, never as HTML', () => {
    const view = mount(new IocTableView({ document: doc }));
    view.setResult(sampleResult([ioc(XSS, XSS, 1, 0, `${XSS}"'&`)]));
    assert.equal(doc.querySelectorAll('img').length, 0, 'no element was created from data');
    assert.deepEqual(cells(view, 'value'), [XSS]);
    assert.deepEqual(cells(view, 'refanged'), [`${XSS}"'&`]);
    assert.deepEqual(cells(view, 'type'), [XSS]);
    const chip = [...view.node.querySelectorAll('.jp-huntkit-chip-label')].map(e => e.textContent);
    assert.deepEqual(chip, ['All', XSS]);
    assert.ok(view.node.innerHTML.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('shows one row per IoC and per-type chips that filter on click', () => {
    const view = mount(new IocTableView({ document: doc }));
    view.setResult(sampleResult());
    assert.equal(view.node.querySelectorAll('tr.jp-huntkit-ioc-row').length, SAMPLE_ITEMS.length);
    const chips = [...view.node.querySelectorAll<HTMLButtonElement>('.jp-huntkit-chip')];
    assert.deepEqual(
      chips.map(c => c.textContent),
      ['All7', 'url1', 'dns2', 'ipv41', 'md5_hash1', 'email1', 'cve1']
    );
    chips.find(c => c.dataset.type === 'dns')!.click();
    assert.deepEqual(cells(view, 'refanged'), ['evil.example.com', 'contoso.com']);
    const active = view.node.querySelector<HTMLButtonElement>(
      '.jp-huntkit-chip.jp-huntkit-mod-active'
    )!;
    assert.equal(active.dataset.type, 'dns');
    assert.equal(active.getAttribute('aria-pressed'), 'true');
    // A second click on the same chip shows every type again.
    active.click();
    assert.equal(cells(view, 'refanged').length, SAMPLE_ITEMS.length);
  });

  it('sorts when a header is clicked, toggling direction', () => {
    const view = mount(new IocTableView({ document: doc }));
    view.setResult(sampleResult());
    const header = view.node.querySelector<HTMLButtonElement>('th.jp-huntkit-col-count button')!;
    header.click();
    assert.deepEqual(cells(view, 'count'), ['5', '3', '3', '2', '1', '1', '1']);
    assert.equal(header.parentElement!.getAttribute('aria-sort'), 'descending');
    header.click();
    assert.deepEqual(cells(view, 'count'), ['1', '1', '1', '2', '3', '3', '5']);
    assert.equal(header.parentElement!.getAttribute('aria-sort'), 'ascending');
  });

  it('filters by the text box', () => {
    const view = mount(new IocTableView({ document: doc, filterDelay: 0 }));
    view.setResult(sampleResult());
    const box = view.node.querySelector<HTMLInputElement>('input.jp-huntkit-filter')!;
    box.value = 'contoso';
    box.dispatchEvent(new dom.window.Event('input'));
    assert.deepEqual(cells(view, 'refanged'), ['bob@contoso.com', 'contoso.com']);
    assert.match(
      view.node.querySelector('.jp-huntkit-summary')!.textContent!,
      /^2 of 7 distinct IoCs match/
    );
    box.value = 'nothing-like-this';
    box.dispatchEvent(new dom.window.Event('input'));
    assert.equal(
      view.node.querySelector('.jp-huntkit-empty')!.textContent,
      'No IoCs match the filter.'
    );
  });

  it('draws a page of rows at a time for large results', () => {
    const items = Array.from({ length: 100_000 }, (_, i) =>
      ioc('ipv4', `10.0.${(i >> 8) & 255}.${i & 255}`, 1, i)
    );
    const view = mount(new IocTableView({ document: doc, pageSize: 200 }));
    view.setResult(sampleResult(items));
    assert.equal(view.node.querySelectorAll('tbody tr').length, 200);
    const more = view.node.querySelector<HTMLButtonElement>('.jp-huntkit-more')!;
    assert.equal(more.hidden, false);
    assert.equal(more.textContent, 'Show 200 more (99,800 not shown)');
    more.click();
    assert.equal(view.node.querySelectorAll('tbody tr').length, 400);
    assert.equal(view.rows.length, 100_000);
  });

  it('copies the refanged value of a row, and all visible rows as CSV and JSON', async () => {
    const copied: string[] = [];
    const downloads: Array<[string, string]> = [];
    const view = mount(
      new IocTableView({
        document: doc,
        copy: async text => {
          copied.push(text);
          return true;
        },
        download: (text, name) => downloads.push([text, name])
      })
    );
    view.setResult(sampleResult());
    view.setTypeFilter('email');
    view.node.querySelector<HTMLButtonElement>('tbody .jp-huntkit-copy-row')!.click();
    view.node.querySelector<HTMLButtonElement>('.jp-huntkit-copy-csv')!.click();
    view.node.querySelector<HTMLButtonElement>('.jp-huntkit-copy-json')!.click();
    view.node.querySelector<HTMLButtonElement>('.jp-huntkit-download-csv')!.click();
    await new Promise(resolve => setImmediate(resolve));
    assert.equal(copied[0], 'bob@contoso.com');
    assert.equal(
      copied[1],
      'IoCType,Observable,Refanged,Count,FirstOffset\r\nemail,bob[at]contoso.com,bob@contoso.com,3,105\r\n'
    );
    assert.deepEqual(JSON.parse(copied[2]), [SAMPLE_ITEMS[4]]);
    assert.deepEqual(downloads, [[copied[1], 'iocs.csv']]);
    assert.equal(view.node.querySelector('tbody .jp-huntkit-copy-row')!.textContent, 'Copied');
    view.dispose();
  });

  it('says when nothing was found', () => {
    const view = mount(new IocTableView({ document: doc }));
    view.setResult(sampleResult([]));
    const empty = view.node.querySelector<HTMLElement>('.jp-huntkit-empty')!;
    assert.equal(empty.hidden, false);
    assert.equal(empty.textContent, 'No IoCs found.');
  });
});

describe('DecodeView', () => {
  it('nests payloads by parent and shows the annotated text as text', () => {
    const view = mount(new DecodeView({ document: doc }));
    view.setResult({
      rows: [
        decoded('1.1', null, {
          file_type: 'gzip',
          decoded_string: '',
          printable_bytes: '\\x1f\\x8b'
        }),
        decoded('1.2', '1.1', { file_name: XSS, decoded_string: XSS })
      ],
      annotated: `run <decoded type='base64' name='${XSS}'/>`,
      warnings: [],
      truncated: false
    });
    assert.equal(doc.querySelectorAll('img').length, 0);
    const outer = view.node.querySelectorAll(':scope .jp-huntkit-decode-tree > li');
    assert.equal(outer.length, 1);
    const inner = outer[0].querySelectorAll('.jp-huntkit-decode-children > li');
    assert.equal(inner.length, 1);
    assert.equal(inner[0].querySelector('.jp-huntkit-decoded')!.textContent, XSS);
    assert.match(inner[0].querySelector('.jp-huntkit-decode-kind')!.textContent!, /<img/);
    assert.equal(outer[0].querySelector('.jp-huntkit-decoded')!.textContent, '\\x1f\\x8b');
    assert.equal(
      view.node.querySelector('.jp-huntkit-annotated')!.textContent,
      `run <decoded type='base64' name='${XSS}'/>`
    );
    assert.equal(view.node.querySelector<HTMLElement>('.jp-huntkit-warning')!.hidden, true);
    assert.equal(view.node.querySelector('.jp-huntkit-summary')!.textContent, '2 decoded payloads');
  });

  it('shows warnings prominently when a limit cut decoding short', () => {
    const view = mount(new DecodeView({ document: doc }));
    view.setResult({
      rows: [],
      annotated: 'x',
      warnings: [`zip bomb ${XSS} stopped at 64 MiB`],
      truncated: true
    });
    const warning = view.node.querySelector<HTMLElement>('.jp-huntkit-warning')!;
    assert.equal(warning.hidden, false);
    assert.equal(warning.getAttribute('role'), 'alert');
    assert.ok(warning.classList.contains('jp-huntkit-mod-truncated'));
    assert.match(warning.textContent!, /incomplete/);
    assert.equal(warning.querySelector('li')!.textContent, `zip bomb ${XSS} stopped at 64 MiB`);
    assert.equal(doc.querySelectorAll('img').length, 0);
    assert.equal(
      view.node.querySelector('.jp-huntkit-summary')!.textContent,
      'No encoded data found.'
    );
  });
});

describe('StatusView', () => {
  it('shows progress, errors with their kind, and clears', () => {
    const view = mount(new StatusView(doc));
    assert.equal(view.node.hidden, true);
    view.showProgress('Extracting', 512 * 1024, 1024 * 1024);
    const bar = view.node.querySelector<HTMLElement>('[role=progressbar]')!;
    assert.equal(bar.getAttribute('aria-valuenow'), '50');
    assert.match(view.node.textContent!, /50% \(512 KB of 1.0 MB\)/);
    view.showError(XSS, 'parse');
    assert.equal(view.node.getAttribute('role'), 'alert');
    assert.equal(view.node.querySelector('.jp-huntkit-error-kind')!.textContent, 'parse');
    assert.equal(view.node.querySelector('.jp-huntkit-status-text')!.textContent, XSS);
    assert.equal(doc.querySelectorAll('img').length, 0);
    view.clear();
    assert.equal(view.node.hidden, true);
  });
});
