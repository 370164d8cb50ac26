// The Node host the core is given: the functions src/web/host.rs reads as the platform's traits
// (src/platform/mod.rs): the org connection's access token and instance URL as its session
// source, Node's fetch as its transport, a CoreStore as its storage and Date as its clock, the
// same shape tests/node/core.test.mjs passes in memory. Nothing here decides anything about
// Salesforce.
import type { Area, CoreStore } from './store.js';

/** The org the CLI logged in to, as its auth gives it. */
export interface OrgLogin {
  /** `https://<MyDomain>.my.salesforce.com`, without a trailing slash. */
  instanceUrl: string;
  accessToken: string;
}

interface WireRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: string | null;
}

interface WireResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  redirected?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface NodeHost {
  fetch(request: WireRequest): Promise<WireResponse>;
  storageGet(area: Area, key: string): Promise<string | null>;
  storageSet(area: Area, key: string, json: string): Promise<void>;
  storageKeys(area: Area, prefix: string): Promise<string>;
  now(): number;
  session(orgUrl: string): Promise<OrgLogin | null>;
  /** API calls sent, for progress and measurements. */
  readonly sent: number;
  /** Whether the org answered 401 Unauthorized (its session is gone) during this command. */
  readonly unauthorized: boolean;
}

export function nodeHost(login: OrgLogin, store: CoreStore): NodeHost {
  const apiHost = new URL(login.instanceUrl).host;
  let sent = 0;
  let unauthorized = false;
  return {
    get sent() {
      return sent;
    },
    get unauthorized() {
      return unauthorized;
    },

    /**
     * One API call, to the org's own API host only. A redirect is never followed, so the token
     * never leaves that host (salesforce.md §I.15).
     */
    async fetch({ method, url, headers, body }) {
      const target = new URL(url);
      if (target.protocol !== 'https:' || target.host !== apiHost) {
        throw new Error(`Forcefield sends the org's token to ${apiHost} only, not to ${target.host}.`);
      }
      sent += 1;
      const response = await fetch(target, { method, headers, body: body ?? undefined, redirect: 'manual' });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        return { status: response.status, headers: [], body: '', redirected: true };
      }
      if (response.status === 401) unauthorized = true;
      return { status: response.status, headers: [...response.headers], body: await response.text() };
    },

    storageGet: (area, key) => store.get(area, key),
    storageSet: (area, key, json) => store.set(area, key, json),
    storageKeys: async (area, prefix) => JSON.stringify(await store.keys(area, prefix)),
    now: () => Date.now(),

    /** The CLI's login answers for its own org's hosts only. */
    async session(orgUrl) {
      return new URL(orgUrl).host === apiHost ? login : null;
    },
  };
}
