// Background: loads the Rust core and hands it every message from the content scripts. The
// exceptions, `openGenerator`, `openRecordTypes` and `openAccessReview`, are browser plumbing
// (open a tab), not questions for the core.
// Chrome runs this as a module service worker, Firefox as a module event page. No top-level
// await: a service worker must register its listeners synchronously.
import init, { Core } from './pkg/forcefield.js';
import { browserHost, onMessage, openAccessReview, openGenerator, openRecordTypes } from './browser.js';

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
  if (message?.type === 'openRecordTypes') {
    // The same plumbing for the record types page, which needs a user.
    const userId = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(message.userId ?? '') ? message.userId : null;
    if (!sender.tab || !userId) return { type: 'failed', message: 'The record types page opens from a user\'s page.' };
    await openRecordTypes(sender.tab, userId);
    return { type: 'recordTypesOpened' };
  }
  if (message?.type === 'openAccessReview') {
    // The same plumbing for the access review, which needs a user.
    const userId = /^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(message.userId ?? '') ? message.userId : null;
    if (!sender.tab || !userId) return { type: 'failed', message: 'The access review opens from an integration user.' };
    await openAccessReview(sender.tab, userId);
    return { type: 'accessReviewOpened' };
  }
  // The browser's own sender record goes with the message: the core reads the frame's URL and
  // tab from it, never from the message.
  return (await core).answerContentScript(message, sender);
});
