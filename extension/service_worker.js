// Background: loads the Rust core and hands it every message from the content scripts.
// Chrome runs this as a module service worker, Firefox as a module event page. No top-level
// await: a service worker must register its listeners synchronously.
import init, { handle } from './pkg/forcefield.js';
import { onMessage } from './browser.js';

const core = init({ module_or_path: new URL('./pkg/forcefield_bg.wasm', import.meta.url) });

onMessage(async (message, sender) => {
  await core;
  return handle(message, sender.url ?? null, sender.tab?.cookieStoreId ?? null);
});
