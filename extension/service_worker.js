// Background: loads the Rust core and hands it every message from the content scripts. The one
// exception, `openGenerator`, is browser plumbing (open a tab), not a question for the core.
// Chrome runs this as a module service worker, Firefox as a module event page. No top-level
// await: a service worker must register its listeners synchronously.
import init, { Core } from './pkg/forcefield.js';
import { browserHost, onMessage, openGenerator } from './browser.js';

const core = init({ module_or_path: new URL('./pkg/forcefield_bg.wasm', import.meta.url) })
  .then(() => new Core(browserHost));

onMessage(async (message, sender) => {
  if (message?.type === 'openGenerator') {
    if (!sender.tab) return { type: 'failed', message: 'The generator opens from a Salesforce tab.' };
    // Only a Salesforce Id shape is passed on; the page re-reads the user through the API.
    const userId = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(message.userId ?? '') ? message.userId : null;
    await openGenerator(sender.tab, userId);
    return { type: 'generatorOpened' };
  }
  // The browser's own sender record goes with the message: the core reads the frame's URL and
  // tab from it, never from the message.
  return (await core).answerContentScript(message, sender);
});
