/**
 * What the end-to-end XSS checks look for (issue #16), shared by the
 * Galata spec (`jupyterlab-ext/ui-tests/tests/hardening.spec.ts`) and the
 * VS Code test (`tests/vscode/renderer.e2e.mjs`). CommonJS, so both the
 * Playwright-compiled TypeScript and the ES module can import it.
 */
'use strict';

/**
 * Runs in a page frame (pass it to Playwright's `frame.evaluate`, so it
 * may use nothing from outside itself): whatever was made from data —
 * elements data could create (scripts, frames, images, media, styles,
 * forms, SVG animation) inside huntkit's roots, inline event handlers,
 * `javascript:`/`data:` links, and the sentinel a payload sets when it
 * runs. Attributes are checked in the whole document with `everywhere`,
 * else inside the roots only. One line per finding.
 *
 * @param {{ roots: string, everywhere: boolean }} options
 * @returns {string[]}
 */
function scanFrame(options) {
  const found = [];
  if (window.__xss !== undefined) {
    found.push(`window.__xss was set in ${location.href}`);
  }
  const banned = new Set(
    'script iframe object embed img video audio source link meta base style template marquee math foreignobject animate set noscript form isindex keygen use image'.split(
      ' '
    )
  );
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'];
  const describe = el => el.outerHTML.slice(0, 120);
  const inRoots = [];
  for (const root of document.querySelectorAll(options.roots)) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      inRoots.push(el);
      if (banned.has(el.localName.toLowerCase())) {
        found.push(`<${el.localName}> inside huntkit: ${describe(el)}`);
      }
    }
  }
  for (const el of options.everywhere ? document.querySelectorAll('*') : inRoots) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      // Browsers drop whitespace and control characters in a URL's scheme.
      const value = [...attr.value]
        .filter(c => c.charCodeAt(0) > 0x20)
        .join('')
        .toLowerCase();
      if (name.startsWith('on')) {
        found.push(`inline handler ${name} on ${describe(el)}`);
      }
      if (urlAttributes.includes(name) && /^(javascript|vbscript|data:text\/html)/.test(value)) {
        found.push(`${name}=${attr.value.slice(0, 60)} on ${describe(el)}`);
      }
    }
  }
  return found;
}

/**
 * A request data caused: to a host a payload names (`xss.invalid`), to a
 * relative `xss…` path a payload's `src`/`href` would resolve, or — with
 * `origin` — to any origin but the test server's.
 *
 * @param {string} url
 * @param {string} [origin]
 * @returns {boolean}
 */
function causedByData(url, origin) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) {
    return false;
  }
  return (
    (origin !== undefined && parsed.origin !== origin) ||
    parsed.hostname === 'xss.invalid' ||
    /(^|\/)xss(\.invalid|\.png|\.css)?([/?#]|$)/.test(parsed.pathname)
  );
}

module.exports = { scanFrame, causedByData };
