/**
 * The decode results: warnings (prominent when a limit cut decoding short),
 * the tree of decoded payloads (nested by `parent`) with their encoding,
 * file type, sizes, a preview and hashes, and the annotated input text.
 */
import type { DecodeResult, DecodedItem } from '../../pkg/huntkit_wasm.js';
import { buildDecodeTree, type DecodeNode } from './decodeTree.js';
import { clear, formatBytes, formatCount, h, preview, type DocumentLike } from './dom.js';

/** Settings of a `DecodeView`. */
export interface DecodeViewOptions {
  /** The document to build in (default: the global one). */
  document?: DocumentLike;
  /** Payload nodes drawn at most (default 1000). */
  maxNodes?: number;
  /** Characters of each decoded payload shown (default 4000). */
  previewChars?: number;
  /** Characters of the annotated text shown (default 1,000,000). */
  maxAnnotatedChars?: number;
}

/** The decode view. Call `setResult` with each `decode` result. */
export class DecodeView {
  /** The element to put in the page. */
  readonly node: HTMLDivElement;

  private readonly doc: DocumentLike;
  private readonly maxNodes: number;
  private readonly previewChars: number;
  private readonly maxAnnotatedChars: number;

  private readonly warnings: HTMLDivElement;
  private readonly summary: HTMLDivElement;
  private readonly tree: HTMLUListElement;
  private readonly annotatedSection: HTMLElement;
  private readonly annotated: HTMLPreElement;

  constructor(options: DecodeViewOptions = {}) {
    this.doc = options.document ?? document;
    this.maxNodes = options.maxNodes ?? 1000;
    this.previewChars = options.previewChars ?? 4000;
    this.maxAnnotatedChars = options.maxAnnotatedChars ?? 1_000_000;
    const doc = this.doc;
    this.warnings = h(doc, 'div', { className: 'jp-huntkit-warning' });
    this.summary = h(doc, 'div', {
      className: 'jp-huntkit-summary',
      attrs: { 'aria-live': 'polite' }
    });
    this.tree = h(doc, 'ul', {
      className: 'jp-huntkit-decode-tree',
      attrs: { role: 'tree', 'aria-label': 'Decoded payloads' }
    });
    this.annotated = h(doc, 'pre', { className: 'jp-huntkit-annotated' });
    this.annotatedSection = h(doc, 'section', { className: 'jp-huntkit-annotated-section' }, [
      h(doc, 'h3', { className: 'jp-huntkit-heading', text: 'Annotated text' }),
      this.annotated
    ]);
    this.node = h(doc, 'div', { className: 'jp-huntkit-decode' }, [
      this.warnings,
      this.summary,
      this.tree,
      this.annotatedSection
    ]);
    this.setResult(null);
  }

  /** Shows a decode result (`null`: nothing yet). */
  setResult(result: DecodeResult | null): void {
    this.renderWarnings(result);
    clear(this.tree);
    if (!result) {
      this.summary.textContent = '';
      this.tree.hidden = true;
      this.annotatedSection.hidden = true;
      return;
    }
    const roots = buildDecodeTree(result.rows);
    const count = result.rows.length;
    let drawn = 0;
    const draw = (nodes: readonly DecodeNode[], parent: HTMLUListElement): void => {
      for (const node of nodes) {
        if (drawn >= this.maxNodes) {
          return;
        }
        drawn++;
        const item = this.renderNode(node.item);
        parent.append(item);
        if (node.children.length) {
          const list = h(this.doc, 'ul', {
            className: 'jp-huntkit-decode-children',
            attrs: { role: 'group' }
          });
          item.querySelector('details')?.append(list);
          draw(node.children, list);
        }
      }
    };
    draw(roots, this.tree);
    this.tree.hidden = count === 0;
    let summary =
      count === 0
        ? 'No encoded data found.'
        : `${formatCount(count)} decoded payload${count === 1 ? '' : 's'}`;
    if (drawn < count) {
      summary += ` (the first ${formatCount(drawn)} are shown)`;
    }
    this.summary.textContent = summary;

    this.annotatedSection.hidden = false;
    this.annotated.textContent =
      result.annotated.length > this.maxAnnotatedChars
        ? preview(result.annotated, this.maxAnnotatedChars)
        : result.annotated;
  }

  private renderWarnings(result: DecodeResult | null): void {
    const doc = this.doc;
    clear(this.warnings);
    const messages = result?.warnings ?? [];
    const truncated = result?.truncated ?? false;
    if (!truncated && !messages.length) {
      this.warnings.hidden = true;
      this.warnings.removeAttribute('role');
      return;
    }
    this.warnings.hidden = false;
    this.warnings.className = `jp-huntkit-warning${truncated ? ' jp-huntkit-mod-truncated' : ''}`;
    this.warnings.setAttribute('role', truncated ? 'alert' : 'status');
    if (truncated) {
      this.warnings.append(
        h(doc, 'strong', {
          className: 'jp-huntkit-warning-title',
          text: 'Decoding stopped at a limit: the results below are incomplete.'
        })
      );
    }
    if (messages.length) {
      this.warnings.append(
        h(
          doc,
          'ul',
          { className: 'jp-huntkit-warning-list' },
          messages.map(message => h(doc, 'li', { text: message }))
        )
      );
    }
  }

  private renderNode(item: DecodedItem): HTMLLIElement {
    const doc = this.doc;
    const kind = [item.file_type, item.file_name].filter((part): part is string => !!part);
    const summary = h(doc, 'summary', { className: 'jp-huntkit-decode-summary' }, [
      h(doc, 'span', { className: 'jp-huntkit-badge', text: item.encoding_type || 'decoded' }),
      kind.length
        ? h(doc, 'span', { className: 'jp-huntkit-decode-kind', text: kind.join(' · ') })
        : null,
      h(doc, 'span', {
        className: 'jp-huntkit-decode-size',
        text: `${formatBytes(item.input_bytes)} encoded`,
        title: `${formatCount(item.input_bytes)} encoded bytes`
      }),
      h(doc, 'span', {
        className: 'jp-huntkit-decode-ref',
        text: `#${item.reference}`,
        title: `reference ${item.reference}, depth ${item.depth}, characters ${item.start}–${item.end}`
      })
    ]);
    const text = item.decoded_string || item.printable_bytes;
    const hashes = h(doc, 'dl', { className: 'jp-huntkit-hashes' });
    for (const [name, value] of [
      ['MD5', item.md5],
      ['SHA1', item.sha1],
      ['SHA256', item.sha256]
    ] as const) {
      if (value) {
        hashes.append(h(doc, 'dt', { text: name }), h(doc, 'dd', { text: value }));
      }
    }
    const details = h(doc, 'details', { className: 'jp-huntkit-decode-details' }, [
      summary,
      h(doc, 'pre', { className: 'jp-huntkit-decoded', text: preview(text, this.previewChars) }),
      h(doc, 'div', {
        className: 'jp-huntkit-decode-original',
        text: `from: ${preview(item.original_string, 200)}`,
        title: preview(item.original_string, 2000)
      }),
      hashes
    ]);
    details.open = true;
    return h(doc, 'li', { className: 'jp-huntkit-decode-node', attrs: { role: 'treeitem' } }, [
      details
    ]);
  }
}
