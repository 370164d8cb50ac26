// Background: loads the Rust core and hands it every message from the content scripts, with the
// browser's own sender record: the core reads the frame's URL and tab from it, never from the
// message, and answers (or refuses) by what a content script may ask. Opening the generator or
// the record types page goes through the core too; it calls back `browserHost.openGenerator` or
// `browserHost.openRecordTypes` when it allows it.
// Chrome runs this as a module service worker, Firefox as a module event page. No top-level
// await: a service worker must register its listeners synchronously.
import init, { Core } from './pkg/forcefield.js';
import { browserHost, onMessage } from './browser.js';

const core = init({ module_or_path: new URL('./pkg/forcefield_bg.wasm', import.meta.url) })
  .then(() => new Core(browserHost));

onMessage(async (message, sender) => (await core).answerContentScript(message, sender));
