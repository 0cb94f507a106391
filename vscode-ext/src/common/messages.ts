/**
 * What the renderer (webview) and the extension (Node) share: the renderer's
 * id and the messages between them, defined once. Messaging is optional
 * (`requiresMessaging: "optional"`): the renderer draws without it, and only
 * reports to the extension when a channel exists.
 */

/** `contributes.notebookRenderer[0].id` in package.json. */
export const RENDERER_ID = 'huntkit.view';

/** Messages from the renderer to the extension, keyed on `type`. */
export type RendererMessage =
  /** A bundle could not be drawn; the output shows `message` too. */
  { type: 'viewError'; outputId: string; message: string };

/** Narrows what arrives on the channel (it is untyped) to a `RendererMessage`. */
export function isRendererMessage(value: unknown): value is RendererMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const m = value as Record<string, unknown>;
  return m.type === 'viewError' && typeof m.outputId === 'string' && typeof m.message === 'string';
}
