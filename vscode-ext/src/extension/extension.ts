/**
 * The extension's Node side. The renderer does all the drawing in the
 * webview; this answers what needs the network or a secret: the Lookup
 * view's provider calls (through `Gateway`, over the renderer's optional
 * message channel), SIEM queries ("huntkit: Run SIEM query", planned by the
 * core in this process), the commands that store provider keys in
 * `SecretStorage` and sign in to Azure, and logs views that could not be
 * drawn to the "huntkit" output channel.
 */
import * as path from 'node:path';
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
  type ProviderResponse,
  type RegistryDoc
} from './gateway';
import { whyBlocked } from './blocked';
import { SiemWorker } from './siemClient';
import { previewCsv, reportLines } from './siemQuery';

/** Settings section; every setting is `huntkit.*`. */
const SECTION = 'huntkit';
/** Where VS Code's Microsoft sign-in reads the sovereign cloud. */
const SOVEREIGN_SETTING = 'microsoft-sovereign-cloud.environment';

/** The `SecretStorage` key of one provider secret (`huntkit.provider.virustotal.AuthKey`). */
export const secretKey = (provider: string, name: string): string =>
  `huntkit.provider.${provider}.${name}`;

/**
 * Where "huntkit: Set API key" keeps a pre-obtained Azure access token
 * (used instead of the Microsoft sign-in when set; the end-to-end test's
 * way in, as `HUNTKIT_AZURE_TOKEN` is the Jupyter server's).
 */
const AZURE_TOKEN = { provider: 'azure', key: 'accessToken' };

/** Splunk's optional secrets: a token or a user name and password, and the port. */
const OPTIONAL_KEYS = new Set(['bearer_token', 'username', 'password', 'port']);

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
          token: async (p: ProviderDef, scope: string) => {
            const given = await context.secrets.get(
              secretKey(AZURE_TOKEN.provider, AZURE_TOKEN.key)
            );
            if (given) {
              return given;
            }
            const { providerId, scopes } = azureAuth();
            // Queries are asked for by the user: VS Code may show its sign-in.
            const session = await vscode.authentication.getSession(
              providerId,
              scope ? [scope] : scopes,
              { createIfNone: true }
            );
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
          queryTimeoutSeconds: settings().get<number>('query.timeoutSeconds', 660),
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
  const blocked = (): string | null =>
    whyBlocked({
      trusted: vscode.workspace.isTrusted,
      gatewayError,
      sensitive: settings().get<boolean>('sensitive', false)
    });

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
    vscode.commands.registerCommand('huntkit.runQuery', async () => {
      const why = blocked();
      if (why || !gateway) {
        void vscode.window.showErrorMessage(`huntkit: ${why ?? 'provider calls are off'}`);
        return;
      }
      const g = gateway;
      await runSiemQuery(context, log, request => g.call(request, 'query'));
    }),
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
    const keys = notCalledHere(p, p.kind === 'siem' ? 'query' : 'output') ? [] : secretKeys(p);
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
  const azure = await context.secrets.get(secretKey(AZURE_TOKEN.provider, AZURE_TOKEN.key));
  items.push({
    label: AZURE_TOKEN.provider,
    description: 'a pre-obtained Azure access token (instead of "Sign in to Azure")',
    detail: `${AZURE_TOKEN.key}: ${azure ? 'stored' : 'not set'}`,
    provider: { configName: 'Azure' } as ProviderDef,
    keys: [AZURE_TOKEN.key]
  });
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
      password: !['ApiID', 'host', 'port', 'Cluster', 'username'].includes(key),
      ignoreFocusOut: true,
      validateInput: v =>
        v.trim() || OPTIONAL_KEYS.has(key) ? null : 'enter a value, or press Escape'
    });
    if (value === undefined) {
      return;
    }
    if (value.trim()) {
      await context.secrets.store(id, value.trim());
    } else {
      await context.secrets.delete(id);
    }
  }
  void vscode.window.showInformationMessage(
    `huntkit: ${pick.label} ${action.set ? 'key stored' : 'keys deleted'}`
  );
}

/** A thrown value's message (the wasm module throws `Error`s with the core's wording). */
const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * "huntkit: Run SIEM query": a SIEM provider, one of the bundled templates
 * of its data environment, the template's required parameters, the
 * workspace (Log Analytics) or database (Kusto). The core, in a worker
 * thread (`siemWorker.ts`), plans each request and reads each answer; the
 * gateway performs each call here (host from the registry, token or key
 * from VS Code). The chunk report goes to the output channel and the rows
 * (the first 1000) to a new CSV editor.
 */
async function runSiemQuery(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  send: (request: unknown) => Promise<ProviderResponse>
): Promise<void> {
  const out = (name: string): string => path.join(context.extensionPath, 'out', name);
  let label = 'query';
  const worker = new SiemWorker(
    out('siemWorker.js'),
    out('huntkit_wasm_bg.wasm'),
    send,
    (ms, attempt) => log.warn(`${label}: rate limited, retry ${attempt} in ${ms / 1000} s`)
  );
  try {
    const catalog = await worker.catalog();
    const provider = await vscode.window.showQuickPick(
      catalog.map(p => ({
        label: p.name,
        description: p.environment,
        detail: `msticpyconfig section ${p.configName}`,
        info: p
      })),
      { title: 'huntkit: Run SIEM query', placeHolder: 'The SIEM to query' }
    );
    if (!provider) {
      return;
    }
    const template = await vscode.window.showQuickPick(
      provider.info.templates.map(t => ({ label: t.name, detail: t.description, template: t })),
      { title: `huntkit: ${provider.label} query`, placeHolder: 'The query template' }
    );
    if (!template) {
      return;
    }
    const params: Record<string, unknown> = {};
    for (const p of template.template.parameters.filter(q => q.required)) {
      const value = await vscode.window.showInputBox({
        title: `huntkit: ${template.label} ${p.name}`,
        prompt: p.description,
        ignoreFocusOut: true,
        validateInput: v => (v.trim() ? null : 'enter a value, or press Escape')
      });
      if (value === undefined) {
        return;
      }
      params[p.name] = value.trim();
    }
    const target: Record<string, string> = {};
    const where =
      provider.label === 'loganalytics'
        ? { key: 'workspaceId', prompt: 'Log Analytics workspace id (a GUID)' }
        : provider.label === 'kusto'
          ? { key: 'database', prompt: 'Kusto database (empty: the template’s)' }
          : null;
    if (where) {
      const remembered = context.globalState.get<string>(`huntkit.query.${where.key}`, '');
      const value = await vscode.window.showInputBox({
        title: `huntkit: ${template.label} ${where.key}`,
        prompt: where.prompt,
        value: remembered,
        ignoreFocusOut: true
      });
      if (value === undefined) {
        return;
      }
      if (value.trim()) {
        target[where.key] = value.trim();
        await context.globalState.update(`huntkit.query.${where.key}`, value.trim());
      }
    }
    const options: Record<string, unknown> = { target };
    if (provider.info.jobs) {
      // Search jobs suit long searches an export's connection would not survive.
      const mode = await vscode.window.showQuickPick(
        [
          { label: 'Export', detail: 'One request whose answer streams every row', mode: 'export' },
          { label: 'Search job', detail: 'Created, polled until done, read in pages', mode: 'jobs' }
        ],
        { title: `huntkit: ${template.label} on ${provider.label}`, placeHolder: 'Run as' }
      );
      if (!mode) {
        return;
      }
      options.mode = mode.mode;
    }
    label = provider.label;
    log.info(`query ${template.label} on ${provider.label}: started`);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `huntkit: ${template.label} on ${provider.label}`
      },
      () => worker.run(template.label, params, provider.label, options)
    );
    for (const line of reportLines(result)) {
      log.info(line);
    }
    const doc = await vscode.workspace.openTextDocument({
      language: 'csv',
      content: previewCsv(result)
    });
    await vscode.window.showTextDocument(doc, { preview: false });
    const shown =
      result.preview.length < result.rows ? ` (first ${result.preview.length} shown)` : '';
    const say =
      result.status === 'ok'
        ? vscode.window.showInformationMessage
        : vscode.window.showWarningMessage;
    void say(
      `huntkit: ${template.label}: ${result.status}, ${result.rows} rows${shown}; chunk report in the huntkit output`
    );
  } catch (error) {
    log.error(`query failed: ${messageOf(error)}`);
    void vscode.window.showErrorMessage(`huntkit: query failed: ${messageOf(error)}`);
  } finally {
    worker.dispose();
  }
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
