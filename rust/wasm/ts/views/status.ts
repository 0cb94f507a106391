/**
 * A status line: a progress bar while the engine works, an error (with its
 * kind) when it fails, or a short note.
 */
import { clear, formatBytes, h, type DocumentLike } from './dom.js';

/** How progress is counted. */
export type ProgressUnit = 'bytes' | 'characters';

/** The status element of a panel. */
export class StatusView {
  /** The element to put in the page. */
  readonly node: HTMLDivElement;
  private readonly doc: DocumentLike;

  constructor(doc: DocumentLike = document) {
    this.doc = doc;
    this.node = h(doc, 'div', { className: 'jp-huntkit-status', attrs: { 'aria-live': 'polite' } });
    this.node.hidden = true;
  }

  /** Shows a progress bar (`total` 0: indeterminate). */
  showProgress(label: string, done = 0, total = 0, unit: ProgressUnit = 'bytes'): void {
    const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const percent = Math.round(fraction * 100);
    const bar = h(this.doc, 'div', { className: 'jp-huntkit-progress-bar' });
    bar.style.width = `${total > 0 ? percent : 100}%`;
    const track = h(
      this.doc,
      'div',
      {
        className: `jp-huntkit-progress${total > 0 ? '' : ' jp-huntkit-mod-indeterminate'}`,
        attrs: {
          role: 'progressbar',
          'aria-valuemin': '0',
          'aria-valuemax': '100',
          ...(total > 0 ? { 'aria-valuenow': String(percent) } : {}),
          'aria-label': label
        }
      },
      [bar]
    );
    const amount =
      total > 0
        ? unit === 'bytes'
          ? ` ${percent}% (${formatBytes(done)} of ${formatBytes(total)})`
          : ` ${percent}%`
        : '';
    this.render('jp-huntkit-mod-running', [
      h(this.doc, 'span', { className: 'jp-huntkit-status-text', text: `${label}${amount}` }),
      track
    ]);
  }

  /** Shows an error message and its kind. */
  showError(message: string, kind?: string): void {
    const children: Node[] = [
      h(this.doc, 'span', { className: 'jp-huntkit-status-text', text: message })
    ];
    if (kind) {
      children.unshift(h(this.doc, 'span', { className: 'jp-huntkit-error-kind', text: kind }));
    }
    this.render('jp-huntkit-mod-error', children);
    this.node.setAttribute('role', 'alert');
  }

  /** Shows a short note. */
  showMessage(text: string): void {
    this.render('jp-huntkit-mod-info', [
      h(this.doc, 'span', { className: 'jp-huntkit-status-text', text })
    ]);
  }

  /** Hides the status line. */
  clear(): void {
    clear(this.node);
    this.node.className = 'jp-huntkit-status';
    this.node.removeAttribute('role');
    this.node.hidden = true;
  }

  private render(modifier: string, children: Node[]): void {
    this.node.removeAttribute('role');
    this.node.className = `jp-huntkit-status ${modifier}`;
    this.node.replaceChildren(...children);
    this.node.hidden = false;
  }
}
