/**
 * The extension's Node side. The renderer does all the drawing in the
 * webview; this answers what needs the network or a secret: the Lookup
 * view's provider calls (through `Gateway`, over the renderer's optional
 * message channel), the commands that store provider keys in
 * `SecretStorage` and sign in to Azure, and logs views that could not be
 * drawn to the "huntkit" output channel.
 */
import * as vscode from 'vscode';
import {
  RENDERER_ID,
  isRendererMessage,
  type ExtensionMessage,
  type RendererMessage
} from '../common/messages';
import registryDoc from '../../../jupyterlab-ext/jupyterlab_huntkit/server/providers.json';
import {
  Gateway,
  GatewayError,
  notCalledHere,
  secretKeys,
  type ProviderDef,
  type RegistryDoc
} from './gateway';

/** Settings section; every setting is `huntkit.*`. */
const SECTION = 'huntkit';
/** Where VS Code's Microsoft sign-in reads the sovereign cloud. */
const SOVEREIGN_SETTING = 'microsoft-sovereign-cloud.environment';

/** The `SecretStorage` key of one provider secret (`huntkit.provider.virustotal.AuthKey`). */
export const secretKey = (provider: string, name: string): string =>
  `huntkit.provider.${provider}.${name}`;

/** The authentication provider and scopes of "Sign in to Azure", honouring the sovereign-cloud setting. */
function azureAuth(): { providerId: string; scopes: string[] } {
  const sovereign = vscode.workspace.getConfiguration().get<string>(SOVEREIGN_SETTING);
  const scopes = vscode.workspace
    .getConfiguration(SECTION)
    .get<string[]>('azure.scopes', ['https://api.loganalytics.io/.default']);
  // VS Code signs in to a sovereign cloud through its own provider id.
  return { providerId: sovereign ? 'microsoft-sovereign-cloud' : 'microsoft', scopes };
}

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('huntkit', { log: true });
  const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(SECTION);
  const doc = registryDoc as unknown as RegistryDoc;
  let gateway: Gateway | null = null;
  let gatewayError: string | null = null;
  const makeGateway = (): void => {
    try {
      gatewayError = null;
      gateway = new Gateway(
        doc,
        {
          secret: async (provider, name) => context.secrets.get(secretKey(provider, name)),
          token: async (p: ProviderDef) => {
            const { providerId, scopes } = azureAuth();
            const scope = p.auth.scope ? [p.auth.scope] : scopes;
            const session = await vscode.authentication.getSession(providerId, scope, {
              silent: true
            });
            if (!session) {
              throw new GatewayError(
                401,
                `provider '${p.name}' needs azure: run "huntkit: Sign in to Azure"`
              );
            }
            return session.accessToken;
          },
          sensitive: () => settings().get<boolean>('sensitive', false)
        },
        {
          timeoutSeconds: settings().get<number>('lookup.timeoutSeconds', 30),
          testBaseUrls: settings().get<Record<string, string>>(
            'testing.loopbackProviderBaseUrls',
            {}
          )
        }
      );
      const tests = Object.keys(settings().get('testing.loopbackProviderBaseUrls', {}));
      if (tests.length) {
        log.warn(
          `test setting huntkit.testing.loopbackProviderBaseUrls moves ${tests.join(', ')} to loopback`
        );
      }
    } catch (error) {
      gateway = null;
      gatewayError = error instanceof Error ? error.message : String(error);
      log.error(`provider calls are off: ${gatewayError}`);
    }
  };
  makeGateway();

  /** Why lookups cannot run now, or null. */
  const blocked = (): string | null => {
    if (!vscode.workspace.isTrusted) {
      return 'lookups are disabled in an untrusted workspace (trust it to look up)';
    }
    if (gatewayError) {
      return gatewayError;
    }
    if (settings().get<boolean>('sensitive', false)) {
      return 'external lookups are blocked: the sensitive switch (huntkit.sensitive) is on';
    }
    return null;
  };

  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  const answer = async (message: RendererMessage): Promise<ExtensionMessage | null> => {
    switch (message.type) {
      case 'viewError':
        log.warn(`output ${message.outputId}: ${message.message}`);
        return null;
      case 'providerStatus': {
        const status = gateway ? await gateway.status() : { providers: [] };
        return {
          type: 'providerStatusAnswer',
          callId: message.callId,
          blocked: blocked(),
          providers: status.providers.map(
            ({ name, configName, kind, configured, missing, note }) => ({
              name,
              configName,
              kind,
              configured,
              missing,
              ...(note ? { note } : {})
            })
          )
        };
      }
      case 'providerCall': {
        const why = blocked();
        try {
          if (why || !gateway) {
            throw new GatewayError(403, why ?? 'provider calls are off');
          }
          const response = await gateway.call(message.request);
          log.info(
            `${message.request.provider}.${message.request.operation} answered ${response.status}`
          );
          return { type: 'providerAnswer', callId: message.callId, response };
        } catch (error) {
          const e = error instanceof GatewayError ? error : new GatewayError(500, String(error));
          log.warn(
            `${String(message.request.provider)}.${String(message.request.operation)}: ${e.message}`
          );
          return {
            type: 'providerAnswer',
            callId: message.callId,
            failure: { status: e.status, message: e.message, retryAfter: e.retryAfter }
          };
        }
      }
    }
  };

  context.subscriptions.push(
    log,
    messaging.onDidReceiveMessage(({ editor, message }) => {
      if (!isRendererMessage(message)) {
        return;
      }
      void answer(message).then(reply => {
        if (reply) {
          void messaging.postMessage(reply, editor);
        }
      });
    }),
    vscode.workspace.onDidChangeConfiguration(event => {
      if (event.affectsConfiguration(SECTION)) {
        makeGateway();
      }
    }),
    vscode.commands.registerCommand('huntkit.setApiKey', () => setApiKey(context, doc)),
    vscode.commands.registerCommand('huntkit.signInToAzure', () => signInToAzure(log)),
    vscode.commands.registerCommand('huntkit.toggleSensitive', async () => {
      const on = !settings().get<boolean>('sensitive', false);
      await settings().update('sensitive', on, vscode.ConfigurationTarget.Global);
      log.info(`sensitive switch ${on ? 'on: every lookup is refused' : 'off'}`);
      void vscode.window.showInformationMessage(
        on
          ? 'huntkit: sensitive switch on: every external lookup is refused'
          : 'huntkit: sensitive switch off: lookups run on Run'
      );
    })
  );
}

/** "huntkit: Set API key": a provider from the core's registry, then store or delete its secrets. */
async function setApiKey(context: vscode.ExtensionContext, doc: RegistryDoc): Promise<void> {
  const items = [];
  for (const p of doc.providers) {
    const keys = notCalledHere(p) ? [] : secretKeys(p);
    if (keys.length === 0) {
      continue;
    }
    const stored = await Promise.all(keys.map(k => context.secrets.get(secretKey(p.name, k))));
    items.push({
      label: p.name,
      description: p.configName,
      detail: keys.map((k, i) => `${k}: ${stored[i] ? 'stored' : 'not set'}`).join(', '),
      provider: p,
      keys
    });
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: 'huntkit: Set API key',
    placeHolder: 'The provider whose key to store (in VS Code’s secret storage)'
  });
  if (!pick) {
    return;
  }
  const action = await vscode.window.showQuickPick(
    [
      { label: `Set ${pick.keys.join(' and ')}`, set: true },
      { label: `Delete the stored ${pick.keys.join(' and ')}`, set: false }
    ],
    { title: `huntkit: ${pick.label}` }
  );
  if (!action) {
    return;
  }
  for (const key of pick.keys) {
    const id = secretKey(pick.label, key);
    if (!action.set) {
      await context.secrets.delete(id);
      continue;
    }
    const value = await vscode.window.showInputBox({
      title: `huntkit: ${pick.label} ${key}`,
      prompt: `${pick.provider.configName} ${key} (kept in VS Code’s secret storage, sent to ${pick.label} only)`,
      password: key !== 'ApiID',
      ignoreFocusOut: true,
      validateInput: v => (v.trim() ? null : 'enter a value, or press Escape')
    });
    if (value === undefined) {
      return;
    }
    await context.secrets.store(id, value.trim());
  }
  void vscode.window.showInformationMessage(
    `huntkit: ${pick.label} ${action.set ? 'key stored' : 'keys deleted'}`
  );
}

/** "huntkit: Sign in to Azure": a Microsoft session through VS Code (sovereign cloud honoured). */
async function signInToAzure(log: vscode.LogOutputChannel): Promise<void> {
  const { providerId, scopes } = azureAuth();
  try {
    const session = await vscode.authentication.getSession(providerId, scopes, {
      createIfNone: true
    });
    log.info(`signed in to azure as ${session.account.label} (${providerId})`);
    void vscode.window.showInformationMessage(
      `huntkit: signed in to Azure as ${session.account.label}`
    );
  } catch (error) {
    void vscode.window.showErrorMessage(
      `huntkit: Azure sign-in failed: ${error instanceof Error ? error.message : String(error)}`
    );
  }
}

export function deactivate(): void {}
