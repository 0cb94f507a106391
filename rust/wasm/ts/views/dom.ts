/**
 * A tiny element builder. Text goes in through `textContent` only: every
 * string shown by the views comes from untrusted data, and none of it is
 * ever parsed as HTML. Attribute names are fixed by the calling code.
 */

/** What `h` can set on a new element. */
export interface ElementProps {
  className?: string;
  /** Set as `textContent`. */
  text?: string;
  /** Tooltip (`title` property). */
  title?: string;
  /** Fixed attributes such as `role`, `type`, `aria-*` or `data-*`. */
  attrs?: Record<string, string>;
}

/** The document the views build into (a host or a test can pass its own). */
export type DocumentLike = Pick<
  Document,
  'createElement' | 'createTextNode' | 'createDocumentFragment'
>;

/** Creates `<tag>` with `props` and `children` (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  doc: DocumentLike,
  tag: K,
  props: ElementProps = {},
  children: Array<Node | string | null | undefined> = []
): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  if (props.className) {
    element.className = props.className;
  }
  if (props.text !== undefined) {
    element.textContent = props.text;
  }
  if (props.title !== undefined) {
    element.title = props.title;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) {
      continue;
    }
    element.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
  return element;
}

/** A `<button type="button">` that calls `onClick`. */
export function button(
  doc: DocumentLike,
  label: string,
  onClick: (event: MouseEvent) => void,
  props: ElementProps = {}
): HTMLButtonElement {
  const element = h(doc, 'button', {
    ...props,
    text: label,
    attrs: { type: 'button', ...props.attrs }
  });
  element.addEventListener('click', onClick);
  return element;
}

/** Removes every child of `element`. */
export function clear(element: Element): void {
  element.replaceChildren();
}

/** `1234567` → `1,234,567` (locale-independent, for stable tests). */
export function formatCount(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A byte count for people: `512 B`, `1.5 KB`, `3.2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `text` cut to `max` characters, with a note of what was left out. */
export function preview(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  return `${text.slice(0, max)}… (${formatCount(text.length - max)} more characters)`;
}
