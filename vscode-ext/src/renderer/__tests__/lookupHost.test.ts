/**
 * The renderer's side of the channel: the Lookup view's host posts planned
 * requests (never a URL or a key) and matches answers by `callId`; without a
 * message channel there is no host, and views draw offline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpRequest } from '@huntkit/engine';
import type { RendererContext } from 'vscode-notebook-renderer';
import {
  isExtensionMessage,
  isRendererMessage,
  type ExtensionMessage,
  type RendererMessage
} from '../../common/messages';
import { extensionLookupHost } from '../lookupHost';

/** A renderer context whose extension answers with `reply`. */
function context(reply: (m: RendererMessage) => ExtensionMessage | null): {
  ctx: RendererContext<unknown>;
  sent: RendererMessage[];
} {
  const sent: RendererMessage[] = [];
  let listener: ((m: unknown) => void) | null = null;
  const ctx = {
    postMessage(message: unknown) {
      assert.ok(isRendererMessage(message), JSON.stringify(message));
      sent.push(message);
      const answer = reply(message);
      // Answers arrive later, and an unrelated message first.
      setTimeout(() => {
        listener?.({ type: 'somethingElse', callId: -1 });
        if (answer) {
          listener?.(answer);
        }
      }, 5);
    },
    onDidReceiveMessage(l: (m: unknown) => void) {
      listener = l;
      return { dispose() {} };
    }
  } as unknown as RendererContext<unknown>;
  return { ctx, sent };
}

const request: HttpRequest = {
  provider: 'virustotal',
  operation: 'ip',
  method: 'GET',
  path: '/ip_addresses/185.220.101.1',
  query: [],
  headers: [],
  body: null
};

describe('the renderer lookup host', () => {
  it('is absent without a message channel (views draw offline)', () => {
    assert.equal(extensionLookupHost({} as RendererContext<unknown>), null);
  });

  it('sends the planned request and returns the answer of its own call', async () => {
    const { ctx, sent } = context(m =>
      m.type === 'providerCall'
        ? {
            type: 'providerAnswer',
            callId: m.callId,
            response: { status: 200, headers: [['content-type', 'application/json']], body: '{}' }
          }
        : null
    );
    const host = extensionLookupHost(ctx);
    assert.ok(host);
    const [a, b] = await Promise.all([host.call({ ...request }), host.call({ ...request })]);
    assert.deepEqual(a, {
      response: { status: 200, headers: [['content-type', 'application/json']], body: '{}' }
    });
    assert.deepEqual(b, a);
    assert.deepEqual(
      sent.map(m => m.type === 'providerCall' && [m.callId, m.request.path]),
      [
        [1, '/ip_addresses/185.220.101.1'],
        [2, '/ip_addresses/185.220.101.1']
      ]
    );
    assert.ok(!JSON.stringify(sent).includes('http'), 'no URL leaves the renderer');
  });

  it('hands a refusal (status, message, Retry-After) to the view', async () => {
    const { ctx } = context(m =>
      m.type === 'providerCall'
        ? {
            type: 'providerAnswer',
            callId: m.callId,
            failure: { status: 429, message: 'rate limit reached', retryAfter: '30' }
          }
        : null
    );
    const host = extensionLookupHost(ctx);
    assert.deepEqual(await host?.call({ ...request }), {
      refused: { status: 429, message: 'rate limit reached', retryAfter: '30' }
    });
  });

  it('asks which providers have keys, and why lookups are blocked', async () => {
    const { ctx } = context(m =>
      m.type === 'providerStatus'
        ? {
            type: 'providerStatusAnswer',
            callId: m.callId,
            blocked: 'lookups are disabled in an untrusted workspace',
            providers: [
              { name: 'virustotal', configName: 'VirusTotal', kind: 'ti', configured: true }
            ]
          }
        : null
    );
    const answer = await extensionLookupHost(ctx)?.providers();
    assert.equal(answer?.blocked, 'lookups are disabled in an untrusted workspace');
    assert.deepEqual(
      answer?.providers.map(p => [p.name, p.configured]),
      [['virustotal', true]]
    );
  });

  it('narrows only well-formed messages', () => {
    assert.equal(isRendererMessage({ type: 'providerCall', callId: 1 }), false);
    assert.equal(isRendererMessage({ type: 'providerCall', callId: 1, request: {} }), true);
    assert.equal(isRendererMessage({ type: 'fetch', url: 'http://x' }), false);
    assert.equal(isExtensionMessage({ type: 'providerAnswer', callId: '1' }), false);
    assert.equal(isExtensionMessage({ type: 'providerAnswer', callId: 1 }), true);
  });
});
