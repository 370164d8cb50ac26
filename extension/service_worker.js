// Background: loads the Rust core and hands it every message from the content scripts. The one
// exception, `openGenerator`, is browser plumbing (open a tab), not a question for the core.
// Chrome runs this as a module service worker, Firefox as a module event page. No top-level
// await: a service worker must register its listeners synchronously.
import init, { handle } from './pkg/forcefield.js';
import { onMessage, openGenerator } from './browser.js';

const core = init({ module_or_path: new URL('./pkg/forcefield_bg.wasm', import.meta.url) });

onMessage(async (message, sender) => {
  if (message?.type === 'openGenerator') {
    if (!sender.tab) return { type: 'failed', message: 'The generator opens from a Salesforce tab.' };
    // Only a Salesforce Id shape is passed on; the page re-reads the user through the API.
    const userId = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(message.userId ?? '') ? message.userId : null;
    await openGenerator(sender.tab, userId);
    return { type: 'generatorOpened' };
  }
  await core;
  return handle(message, sender.url ?? null, sender.tab?.cookieStoreId ?? null);
});
