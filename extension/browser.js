// The one module that calls the browser's extension APIs (chrome.* in Chrome, browser.* in
// Firefox). `browserHost` is what the Rust core is given as its host; the worker and the pages
// import the rest. Nothing here decides anything.

const api = globalThis.browser ?? globalThis.chrome;

function plainCookie(cookie) {
  return { domain: cookie.domain, value: cookie.value };
}

/**
 * The browser as the Rust core's host (src/web/host.rs describes the shape): `fetch` to the
 * org's API host, the `sid` cookies, extension storage (values as JSON text) and the clock.
 */
export const browserHost = {
  /**
   * One API call. Cookies are never sent (the bearer token is); a redirect is never followed,
   * so the token stays on the org's API host (salesforce.md §A.6).
   */
  async fetch({ method, url, headers, body }) {
    const response = await fetch(url, {
      method, headers, body: body ?? undefined, credentials: 'omit', cache: 'no-store', redirect: 'manual',
    });
    if (response.type === 'opaqueredirect') return { status: 0, headers: [], body: '', redirected: true };
    return { status: response.status, headers: [...response.headers], body: await response.text() };
  },

  /** The `sid` cookie the browser would send to `url`, or null (salesforce.md §A.3). */
  async sidCookieForUrl(url, storeId) {
    const details = { url, name: 'sid' };
    if (storeId) details.storeId = storeId;
    const cookie = await api.cookies.get(details);
    return cookie ? plainCookie(cookie) : null;
  },

  /** Every secure `sid` cookie on `domain` and its subdomains (salesforce.md §A.3). */
  async sidCookiesOnDomain(domain, storeId) {
    const details = { domain, name: 'sid', secure: true };
    if (storeId) details.storeId = storeId;
    const cookies = await api.cookies.getAll(details);
    return cookies.map(plainCookie);
  },

  async storageGet(area, key) {
    const items = await api.storage[area].get(key);
    return key in items ? JSON.stringify(items[key]) : null;
  },

  /** Stores the value of `json` under `key`; `null` removes the key (the core's "absent"). */
  async storageSet(area, key, json) {
    const value = JSON.parse(json);
    if (value === null) await api.storage[area].remove(key);
    else await api.storage[area].set({ [key]: value });
  },

  /** The keys of a storage area that start with `prefix`, as JSON text of an array. */
  async storageKeys(area, prefix) {
    const items = await api.storage[area].get(null);
    return JSON.stringify(Object.keys(items).filter((key) => key.startsWith(prefix)));
  },

  now() {
    return Date.now();
  },

  /** Opens the generator beside a content script's tab, after the core allowed it. */
  openGenerator(besideTab, userId) {
    if (!besideTab) throw new Error('the generator opens beside a Salesforce tab');
    return openGenerator(besideTab, userId);
  },

  /** Opens the record types page beside a content script's tab, after the core allowed it. */
  openRecordTypes(besideTab, userId) {
    if (!besideTab) throw new Error('the record types page opens beside a Salesforce tab');
    return openRecordTypes(besideTab, userId);
  },

  /** Opens the access review beside a content script's tab, after the core allowed it. */
  openAccessReview(besideTab, userId) {
    if (!besideTab) throw new Error('the access review opens beside a Salesforce tab');
    return openAccessReview(besideTab, userId);
  },
};

/** Routes messages from this extension's own content scripts to `handler(message, sender)`. */
export function onMessage(handler) {
  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== api.runtime.id) return false;
    handler(message, sender).then(sendResponse, (error) =>
      sendResponse({ type: 'failed', message: String(error?.message ?? error) }),
    );
    return true; // The answer comes asynchronously.
  });
}

/** The tab the popup is about: `?tab=<id>` when opened for a given tab, else the active tab. */
export async function targetTab(tabIdParam) {
  const tabId = Number.parseInt(tabIdParam ?? '', 10);
  if (Number.isInteger(tabId)) return api.tabs.get(tabId);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

export function extensionUrl(path) {
  return api.runtime.getURL(path);
}

/**
 * Opens the record types page (a profile's default record types) in a new tab beside
 * `besideTab`, for the profile of `userId`.
 */
export async function openRecordTypes(besideTab, userId) {
  return openBeside(besideTab, 'app/record-types.html', userId);
}

async function openBeside(besideTab, page, userId) {
  const query = new URLSearchParams({ tab: String(besideTab.id) });
  if (userId) query.set('user', userId);
  const details = { url: extensionUrl(`${page}?${query}`), active: true };
  if (Number.isInteger(besideTab.index)) details.index = besideTab.index + 1;
  if (Number.isInteger(besideTab.id)) details.openerTabId = besideTab.id;
  if (Number.isInteger(besideTab.windowId)) details.windowId = besideTab.windowId;
  return api.tabs.create(details);
}

/**
 * Opens the access review of an integration user in a new tab beside `besideTab`; the page reads
 * the user again through the API and refuses one who isn't an integration user.
 */
export async function openAccessReview(besideTab, userId) {
  return openBeside(besideTab, 'app/access.html', userId);
}

/**
 * Opens the permission set generator in a new tab beside `besideTab` (the Salesforce tab whose
 * org it works on), optionally for one user. `tabs.create` needs no extra permission.
 */
export async function openGenerator(besideTab, userId) {
  return openBeside(besideTab, 'app/generator.html', userId);
}
