/**
 * The extension's Node side. The renderer does all the drawing in the
 * webview; this only listens on the renderer's optional message channel and
 * logs views that could not be drawn to the "huntkit" output channel.
 */
import * as vscode from 'vscode';
import { RENDERER_ID, isRendererMessage } from '../common/messages';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('huntkit', { log: true });
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  context.subscriptions.push(
    log,
    messaging.onDidReceiveMessage(({ message }) => {
      if (isRendererMessage(message)) {
        log.warn(`output ${message.outputId}: ${message.message}`);
      }
    })
  );
}

export function deactivate(): void {}
