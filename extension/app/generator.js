// The permission set generator: an extension page that loads the Rust core itself (like the
// popup), so an apply keeps running when the background worker stops. It renders the core's
// replies with DOM APIs (org data as text only) and sends the admin's choices back as a spec;
// the core plans, checks and applies. `startApply` then `continueApply` in a loop drive the apply.
// This module starts the page; each card is a module of generator/, their shared state is
// generator/state.js.
import { browserHost, targetTab } from '../browser.js';
import init, { Core } from '../pkg/generator/forcefield.js';
import { assignmentCheck } from './assignment-check.js';
import { alert, card, h } from './slds.js';
import { renderIdentity, setIntegrationName } from './generator/identity.js';
import { renderLicense } from './generator/license.js';
import { renderObjects } from './generator/objects.js';
import { renderOrg, renderPending } from './generator/pending.js';
import { apply, applyButton, changed, currentSpec, exportButton, exportXml, planSlot, preview, previewButton, progressSlot, staleNote } from './generator/plan.js';
import { adopt, renderStart } from './generator/start.js';
import { page, sections, state } from './generator/state.js';
import { renderSystemPermissions } from './generator/system-permissions.js';
import { expiryField, localTime, renderUser } from './generator/user.js';

const main = document.getElementById('generator');

/** "Can this set be assigned?" (assignment-check.js), made once the org is known. */
let assignment = null;

function rerender() {
  renderIdentity(sections.identity);
  renderLicense(sections.license);
  renderObjects(sections.objects);
  renderSystemPermissions(sections.system);
  // The expiry sits on the user's card, which a new starting point doesn't redraw.
  if (expiryField) {
    expiryField.value = localTime(state.assignmentExpiration);
    expiryField.setAttribute('value', expiryField.value);
  }
  assignment?.annotate();
  changed();
}

/** `?narrower=1` from the access review: today's access minus its broad grants, each listed. */
async function loadNarrower(userId) {
  const message = h('div', { 'aria-live': 'polite' });
  const from = card('From the access review', 'narrower', message);
  await adopt(await page.core({ type: 'narrowerSpec', orgUrl: page.orgUrl, userId }), message, rerender, true);
  return from;
}

function showFatal(message) {
  main.replaceChildren(alert('error', 'generator-error', message));
  main.setAttribute('aria-busy', 'false');
}

async function start() {
  const params = new URLSearchParams(location.search);
  const [, tab] = await Promise.all([
    init({ module_or_path: new URL('../pkg/generator/forcefield_bg.wasm', import.meta.url) }),
    params.get('org') ? null : targetTab(params.get('tab')),
  ]);
  page.orgUrl = params.get('org') ?? tab?.url;
  const storeId = params.get('store') ?? tab?.cookieStoreId ?? null;
  const forcefield = new Core(browserHost);
  page.core = (request) => forcefield.ask(request, storeId);
  if (!page.orgUrl || !/^https:/.test(page.orgUrl)) return showFatal('Open the generator from a Salesforce tab.');
  // Remember the org, so a reload (or resuming an apply) works after the Setup tab has moved on.
  const remembered = new URLSearchParams(params);
  remembered.set('org', new URL(page.orgUrl).origin + '/');
  if (storeId) remembered.set('store', storeId);
  history.replaceState(null, '', `?${remembered}`);

  const request = { type: 'generatorContext', orgUrl: page.orgUrl };
  if (params.get('user')) request.userId = params.get('user');
  const reply = await page.core(request);
  if (reply.type !== 'generatorContext') return showFatal(reply.message ?? 'The org could not be read.');
  page.context = reply;
  page.rerender = rerender;
  renderOrg(page.context.org);
  renderUser(sections.user);
  if (page.context.user) await setIntegrationName(page.context.user.name);
  renderStart(sections.start, rerender);
  previewButton.addEventListener('click', preview);
  applyButton.addEventListener('click', apply);
  exportButton.addEventListener('click', exportXml);
  assignment = assignmentCheck({ core: page.core, orgUrl: page.orgUrl, h, alert, card, spec: currentSpec, assigneeId: () => state.assigneeId });
  previewButton.addEventListener('click', () => assignment.check());
  rerender();
  const narrower = params.get('narrower') && page.context.user ? await loadNarrower(page.context.user.id) : '';
  main.replaceChildren(sections.pending, narrower, sections.user, sections.start, sections.identity, sections.license, sections.objects, sections.system,
    assignment.card,
    card('Preview and apply', 'apply-card', planSlot, staleNote,
      h('div', { class: 'ff-actions' }, previewButton, applyButton, exportButton), progressSlot));
  assignment.check();
  main.setAttribute('aria-busy', 'false');
  document.body.dataset.ffReady = 'true';
  // From opening the page to the generator being usable, for `make bench`.
  performance.measure('forcefield:generator-ready', { start: 0, end: performance.now() });
  await renderPending(sections.pending);
}

start().catch((error) => showFatal(`The generator failed to start: ${error?.message ?? error}`));
