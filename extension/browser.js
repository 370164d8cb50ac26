// The one module that calls the browser's extension APIs (chrome.* in Chrome, browser.* in
// Firefox). The Rust core imports the cookie and storage functions; the worker and the popup
// import the rest. Nothing here decides anything.

const api = globalThis.browser ?? globalThis.chrome;

function plainCookie(cookie) {
  return { domain: cookie.domain, value: cookie.value };
}

/** The `sid` cookie the browser would send to `url`, or null (salesforce.md §A.3). */
export async function sidCookieForUrl(url, storeId) {
  const details = { url, name: 'sid' };
  if (storeId) details.storeId = storeId;
  const cookie = await api.cookies.get(details);
  return cookie ? plainCookie(cookie) : null;
}

/** Every secure `sid` cookie on `domain` and its subdomains (salesforce.md §A.3). */
export async function sidCookiesOnDomain(domain, storeId) {
  const details = { domain, name: 'sid', secure: true };
  if (storeId) details.storeId = storeId;
  const cookies = await api.cookies.getAll(details);
  return cookies.map(plainCookie);
}

export async function storageGet(area, key) {
  const items = await api.storage[area].get(key);
  return items[key] ?? null;
}

export async function storageSet(area, key, value) {
  await api.storage[area].set({ [key]: value });
}

/** The keys of a storage area that start with `prefix`. */
export async function storageKeys(area, prefix) {
  const items = await api.storage[area].get(null);
  return Object.keys(items).filter((key) => key.startsWith(prefix));
}

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
 * Opens the permission set generator in a new tab beside `besideTab` (the Salesforce tab whose
 * org it works on), optionally for one user. `tabs.create` needs no extra permission.
 */
export async function openGenerator(besideTab, userId) {
  const query = new URLSearchParams({ tab: String(besideTab.id) });
  if (userId) query.set('user', userId);
  const details = { url: extensionUrl(`app/generator.html?${query}`), active: true };
  if (Number.isInteger(besideTab.index)) details.index = besideTab.index + 1;
  if (Number.isInteger(besideTab.id)) details.openerTabId = besideTab.id;
  if (Number.isInteger(besideTab.windowId)) details.windowId = besideTab.windowId;
  return api.tabs.create(details);
}
