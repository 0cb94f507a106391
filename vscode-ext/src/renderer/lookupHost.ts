/**
 * The Lookup view's host in a VS Code notebook: the extension host, reached
 * over the renderer's optional message channel. Each planned request (the
 * core's `HttpRequest`: provider, operation, path, query, body; never a URL
 * or a key) goes to the extension, which checks it against the provider
 * registry, adds the key from `SecretStorage` and calls the provider; the
 * answer comes back on the same channel, matched by `callId`.
 */
import type {
  HttpRequest,
  HttpResponse,
  LookupHost,
  LookupHostProvider,
  LookupRefusal
} from '@huntkit/engine';
import type { RendererContext } from 'vscode-notebook-renderer';
import {
  isExtensionMessage,
  type ExtensionMessage,
  type RendererMessage
} from '../common/messages';

/** Longest wait for the extension host's answer (its own call timeout is shorter). */
const ANSWER_TIMEOUT_MS = 5 * 60 * 1000;

/** The extension host as a `LookupHost`, or null when the renderer has no message channel. */
export function extensionLookupHost(ctx: RendererContext<unknown>): LookupHost | null {
  const post = ctx.postMessage?.bind(ctx);
  const listen = ctx.onDidReceiveMessage?.bind(ctx);
  if (!post || !listen) {
    return null;
  }
  let next = 1;
  const pending = new Map<number, (message: ExtensionMessage) => void>();
  listen(message => {
    if (isExtensionMessage(message)) {
      pending.get(message.callId)?.(message);
      pending.delete(message.callId);
    }
  });
  const ask = (message: RendererMessage & { callId: number }): Promise<ExtensionMessage> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(message.callId);
        reject(new Error('the VS Code extension host did not answer'));
      }, ANSWER_TIMEOUT_MS);
      pending.set(message.callId, answer => {
        clearTimeout(timer);
        resolve(answer);
      });
      void post(message);
    });
  return {
    label: 'the VS Code extension host',
    async providers(): Promise<{ providers: LookupHostProvider[]; blocked: string | null }> {
      const answer = await ask({ type: 'providerStatus', callId: next++ });
      if (answer.type !== 'providerStatusAnswer') {
        throw new Error('the VS Code extension host answered something else');
      }
      return { providers: answer.providers, blocked: answer.blocked };
    },
    async call(
      request: HttpRequest
    ): Promise<{ response: HttpResponse } | { refused: LookupRefusal }> {
      let answer: ExtensionMessage;
      try {
        answer = await ask({ type: 'providerCall', callId: next++, request });
      } catch (error) {
        return { refused: { message: error instanceof Error ? error.message : String(error) } };
      }
      if (answer.type === 'providerAnswer' && answer.response) {
        return { response: answer.response };
      }
      if (answer.type === 'providerAnswer' && answer.failure) {
        return { refused: answer.failure };
      }
      return { refused: { message: 'the VS Code extension host answered something else' } };
    }
  };
}
