// The toolbar popup: asks the Rust core about the current tab's org and shows the answer.
// Org data is rendered with textContent only.
import init, { Core } from '../pkg/forcefield.js';
import { browserHost, openGenerator, targetTab } from '../browser.js';
import '../dom.js';

const KIND_LABELS = {
  production: 'Production',
  sandbox: 'Sandbox',
  scratch: 'Scratch org',
  developerEdition: 'Developer Edition',
};

const main = document.getElementById('status');

const { h } = globalThis.forcefieldDom;

function show(...nodes) {
  main.replaceChildren(...nodes);
  main.setAttribute('aria-busy', 'false');
  // Time from opening the popup to its answer, for `make bench`.
  performance.measure('forcefield:status-shown', { start: 0, end: performance.now() });
}

function showUnavailable(reason) {
  show(h('div', { class: 'ff-alert', role: 'alert', 'data-ff': 'status-error' }, reason));
}

function field(label, value, role) {
  return h('div', { class: 'ff-field' },
    h('dt', {}, label),
    h('dd', { 'data-ff': role }, value));
}

function showConnected(status, core, tab) {
  const domain = status.myDomain
    ? status.myDomain.name + (status.myDomain.sandbox ? ` — sandbox ${status.myDomain.sandbox}` : '')
    : status.apiHost;
  const toggle = h('input', { type: 'checkbox', id: 'enabled', 'data-ff': 'org-enabled' });
  toggle.checked = status.enabled;
  const note = h('p', { class: 'ff-muted', 'data-ff': 'toggle-note' });
  toggle.addEventListener('change', async () => {
    toggle.disabled = true;
    const reply = await core({ type: 'setOrgEnabled', orgId: status.orgId, enabled: toggle.checked });
    toggle.disabled = false;
    if (reply.type === 'orgEnabled') {
      note.textContent = `Forcefield is ${reply.enabled ? 'on' : 'off'} for this org. Reload its Salesforce tabs to apply.`;
    } else {
      toggle.checked = !toggle.checked;
      note.textContent = reply.message ?? 'The setting could not be saved.';
    }
  });
  show(
    ...(status.settingsProblem ? [h('div', { class: 'ff-alert', role: 'alert', 'data-ff': 'settings-problem' }, status.settingsProblem)] : []),
    h('section', { class: 'ff-card', 'data-ff': 'org-status' },
      h('div', { class: 'ff-card-title' },
        h('h2', { 'data-ff': 'org-name' }, status.orgName),
        h('span', { class: `ff-badge ff-${status.kind}`, 'data-ff': 'org-kind' }, KIND_LABELS[status.kind] ?? status.kind)),
      h('dl', {},
        field('My Domain', domain, 'my-domain'),
        field('Logged in as', status.userName, 'user-name'),
        field('Username', status.username, 'username'),
        field('API', `v${status.apiVersion} on ${status.apiHost}`, 'api'))),
    h('label', { class: 'ff-toggle', for: 'enabled' }, toggle, ' Forcefield on in this org'),
    note,
    ...(status.setAside ?? []).map((kept) => setAsideNotice(kept, core)),
    generateButton(tab),
  );
}

/** Stored data that couldn't be read: the core's sentence, a copy to save, and "Forget". */
function setAsideNotice(kept, core) {
  const notice = h('div', { class: 'ff-warning', role: 'status', 'data-ff': 'set-aside' });
  const save = h('a', {
    href: URL.createObjectURL(new Blob([kept.raw], { type: 'application/json' })),
    download: 'forcefield-unreadable.json',
    'data-ff': 'set-aside-save',
  }, 'Save a copy');
  const forget = h('button', { type: 'button', class: 'ff-link-button', 'data-ff': 'set-aside-forget' }, 'Forget it');
  forget.addEventListener('click', async () => {
    forget.disabled = true;
    const reply = await core({ type: 'forgetUnreadable', key: kept.key });
    if (reply.type === 'forgotten') notice.remove();
    else {
      forget.disabled = false;
      notice.append(h('p', {}, reply.message ?? 'It could not be forgotten.'));
    }
  });
  notice.append(h('p', {}, kept.message), h('div', { class: 'ff-actions' }, save, forget));
  return notice;
}

/** Opens the permission set generator for this tab's org, beside the tab. */
function generateButton(tab) {
  const button = h('button', { type: 'button', class: 'ff-button', 'data-ff': 'generate' }, 'Generate permission set');
  button.addEventListener('click', async () => {
    button.disabled = true;
    await openGenerator(tab, null);
    window.close();
  });
  return button;
}

async function main_() {
  // Compiling the core and finding the tab don't depend on each other.
  const [, tab] = await Promise.all([
    init({ module_or_path: new URL('../pkg/forcefield_bg.wasm', import.meta.url) }),
    targetTab(new URLSearchParams(location.search).get('tab')),
  ]);
  const storeId = tab?.cookieStoreId ?? null;
  const forcefield = new Core(browserHost);
  const core = (request) => forcefield.ask(request, storeId);
  if (!tab?.url) {
    showUnavailable('Open a Salesforce org in this tab to use Forcefield.');
    return;
  }
  const askedAt = performance.now();
  const reply = await core({ type: 'orgStatus', tabUrl: tab.url });
  performance.measure('forcefield:org-status', { start: askedAt, end: performance.now() });
  if (reply.type !== 'orgStatus') {
    showUnavailable(reply.message ?? 'Forcefield could not read this tab.');
  } else if (reply.state === 'connected') {
    showConnected(reply, core, tab);
  } else {
    showUnavailable(reply.reason);
  }
}

main_().catch((error) => showUnavailable(`Forcefield failed to start: ${error?.message ?? error}`));
