// What every `sf forcefield` command shares: the core loaded for the `--target-org` connection,
// asking it, and the exit codes (0 ok or healthy, 1 error, 2 bad flags or input, 3 needs
// attention; with --json, `status` is the same number). Commands hold no Salesforce rules: they
// ask the core and show its answer.
import { join } from 'node:path';
import { Global, Messages, Org, SfError } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { loadCore, type Core, type Reply } from './core.js';
import { nodeHost, type NodeHost } from './host.js';
import { CoreStore } from './store.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@forcefield/plugin-forcefield', 'forcefield');

export const EXIT = { ok: 0, error: 1, input: 2, attention: 3 } as const;

/** The core bound to one org. */
export interface OrgCore {
  core: Core;
  host: NodeHost;
  /** The org's instance URL, which names the org in requests (`orgUrl`). */
  orgUrl: string;
  org: Org;
}

/** Where the core keeps what lasts between commands (apply journals): under the CLI's own state. */
export function stateDir(): string {
  return join(Global.SF_DIR, 'forcefield');
}

/** Bad input (a flag, a file, a name): exit 2, nothing written. */
export function inputError(message: string, actions: string[] = []): SfError {
  return new SfError(message, 'ForcefieldInput', actions, EXIT.input);
}

/** Salesforce or the core could not do it: exit 1. */
export function failure(message: string, actions: string[] = []): SfError {
  return new SfError(message, 'ForcefieldFailed', actions, EXIT.error);
}

export abstract class ForcefieldCommand<T> extends SfCommand<T> {
  /** Loads the core for `org`, with the connection's access token and instance URL. */
  protected async coreFor(org: Org): Promise<OrgCore> {
    const connection = org.getConnection();
    if (!connection.accessToken || !connection.instanceUrl) {
      throw failure(messages.getMessage('error.noAccessToken', [org.getUsername() ?? '']));
    }
    const orgUrl = connection.instanceUrl.replace(/\/+$/, '');
    const host = nodeHost({ instanceUrl: orgUrl, accessToken: connection.accessToken }, new CoreStore(stateDir()));
    return { core: await loadCore(host), host, orgUrl, org };
  }

  /**
   * Asks the core. A `failed` reply (the core could not serve the request: no session, an
   * expired one, Salesforce refused) is this command's error, exit 1; any other reply type than
   * `expected` is a bug in the plugin.
   */
  public async ask<R extends Reply | { type: string }>(target: OrgCore | Core, request: { type: string } & Record<string, unknown>, expected: string[]): Promise<R> {
    const core = 'core' in target ? target.core : target;
    const reply = await core.ask(request, null);
    if (reply.type === 'failed') {
      // The core words an expired session for the browser; the CLI's way back in is a login.
      const relogin = 'host' in target && target.host.unauthorized;
      throw failure(String(reply.message), relogin ? [messages.getMessage('action.login', [target.orgUrl])] : []);
    }
    if (!expected.includes(reply.type)) {
      throw failure(messages.getMessage('error.unexpectedReply', [request.type, reply.type]));
    }
    return reply as R;
  }

  /** Flag errors oclif finds (a missing or unknown flag, a value not among the options) are
   * bad input: exit 2, as every other bad input. */
  protected override async catch(error: Error & { parse?: unknown; oclif?: { exit?: number } }): Promise<never> {
    if (error.parse !== undefined) error.oclif = { ...error.oclif, exit: EXIT.input };
    return super.catch(error);
  }

  /** Marks the run as "needs attention" (exit 3; --json `status` 3). */
  protected needsAttention(): void {
    process.exitCode = EXIT.attention;
  }
}
