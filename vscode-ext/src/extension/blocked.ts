/**
 * Why the extension host makes no provider call now (a lookup for the
 * renderer or a SIEM query), or null: an untrusted workspace first (the
 * extension declares `untrustedWorkspaces: limited`), then a gateway that
 * could not start, then the sensitive switch. No `vscode` import, so the
 * rule is tested under plain Node.
 */
export interface CallState {
  /** `vscode.workspace.isTrusted`. */
  trusted: boolean;
  /** Why the gateway could not be made (a bad test setting), or null. */
  gatewayError: string | null;
  /** `huntkit.sensitive`. */
  sensitive: boolean;
}

export function whyBlocked(state: CallState): string | null {
  if (!state.trusted) {
    return 'lookups and queries are disabled in an untrusted workspace (trust it to run them)';
  }
  if (state.gatewayError) {
    return state.gatewayError;
  }
  if (state.sensitive) {
    return 'external lookups are blocked: the sensitive switch (huntkit.sensitive) is on';
  }
  return null;
}
