// The access review: an extension page that loads the whole core itself, like the generator
// page. The core reads everything the integration user gets (profile, permission sets,
// permission set groups with their muting sets), decides what is broad, filters, sorts and
// writes the CSV (src/access/); this page draws its replies with DOM APIs, org data as text only.
// It reads and never writes: "Generate a narrower set" opens the generator, where nothing is
// written before Preview and Apply.
import init, { Core } from '../pkg/generator/forcefield.js';
import { browserHost, targetTab } from '../browser.js';
import '../dom.js';
import { alert, card, nextId } from './slds.js';

const ACCESS = [
  ['read', 'Read'], ['create', 'Create'], ['edit', 'Edit'], ['delete', 'Delete'],
  ['viewAll', 'View All'], ['modifyAll', 'Modify All'], ['viewAllFields', 'View All Fields'],
];
const FIELD_ACCESS = [['read', 'Read'], ['edit', 'Edit']];
const SORTS = [['name', 'API name'], ['label', 'Label'], ['access', 'Most access first'], ['sources', 'Most sources first']];
const KIND_LABELS = { profile: 'Profile', permissionSet: 'Permission set', permissionSetGroup: 'Permission set group' };

const main = document.getElementById('access');
const orgBox = document.getElementById('org');

const { h } = globalThis.forcefieldDom;

function showFatal(message) {
  main.replaceChildren(alert('error', 'access-error', message));
  main.setAttribute('aria-busy', 'false');
  document.body.dataset.ffReady = 'true';
}

let core;
let orgUrl;
let storeId;
let review;
const query = { object: '', field: '', source: null, access: null, flaggedOnly: false, sort: 'name', descending: false };

const sourceLabel = (id) => {
  const source = review.sources.find((s) => s.id === id);
  return source ? `${KIND_LABELS[source.kind] ?? source.kind} \u201c${source.label}\u201d` : id;
};

// ---------------------------------------------------------------- the user and their sources

function userCard() {
  const user = review.user;
  const facts = [
    ['Name', user.name, 'access-user-name'],
    ['Username', user.username, 'access-username'],
    ['Profile', user.profileName, 'access-profile'],
    ['User licence', user.licenseName, 'access-license'],
    ['Active', user.active ? 'Yes' : 'No', 'access-active'],
  ];
  return card(`Access of ${user.name}`, 'access-user',
    h('dl', { class: 'ff-facts' }, facts.map(([label, value, role]) => h('div', {}, h('dt', {}, label), h('dd', { 'data-ff': role }, value)))),
    h('h3', { class: 'slds-form-element__legend' }, 'Where the access comes from'),
    h('ul', { 'data-ff': 'access-sources' }, review.sources.map((s) => h('li', { 'data-ff': 'access-source', 'data-kind': s.kind },
      `${KIND_LABELS[s.kind] ?? s.kind}: `, h('strong', {}, s.label), s.apiName && s.apiName !== s.label ? h('code', {}, ` ${s.apiName}`) : null,
      s.namespace ? h('span', { class: 'slds-badge' }, `managed: ${s.namespace}`) : null))),
    review.scopeNotes.map((note) => h('p', { class: 'ff-note', 'data-ff': 'access-scope-note' }, note)));
}

// ---------------------------------------------------------------- broad grants, narrower set

function generatorUrl() {
  const params = new URLSearchParams({ org: new URL(orgUrl).origin + '/', user: review.user.id, narrower: '1' });
  if (storeId) params.set('store', storeId);
  return `generator.html?${params}`;
}

function flagsCard() {
  const flags = review.flags;
  const list = flags.length
    ? h('ul', { class: 'ff-flags', 'data-ff': 'access-flags' }, flags.map((f) => h('li', { 'data-ff': 'access-flag', 'data-permission': f.permission, 'data-object': f.object ?? '' },
      h('strong', {}, f.object ? `${f.label} on ${f.object}` : f.label), ' — ',
      h('span', { class: 'ff-muted' }, f.sources.map(sourceLabel).join(', ')),
      h('p', { class: 'ff-note', 'data-ff': 'access-flag-reason' }, f.reason))))
    : h('p', { 'data-ff': 'access-no-flags' }, 'Nothing broad for an integration: no View All Data, Modify All Data, View All, Modify All or View All Fields.');
  const narrower = review.narrower;
  const removed = narrower.removed.length
    ? h('details', { class: 'ff-details', open: true, 'data-ff': 'narrower-removed' },
      h('summary', {}, `Left out of the narrower set (${narrower.removed.length})`),
      h('ul', {}, narrower.removed.map((r) => h('li', { 'data-ff': 'narrower-removed-item' }, r))))
    : null;
  const notCarried = narrower.notCarried.length
    ? h('details', { class: 'ff-details', 'data-ff': 'narrower-not-carried' },
      h('summary', {}, `Not carried over (${narrower.notCarried.length})`),
      h('ul', {}, narrower.notCarried.map((r) => h('li', {}, r))))
    : null;
  const generate = h('a', { class: 'slds-button slds-button_brand', 'data-ff': 'generate-narrower', href: generatorUrl(), target: '_blank', rel: 'noopener' },
    'Generate a narrower set');
  return card('Broad for an integration', 'access-broad', list,
    h('p', { class: 'ff-muted' }, 'A narrower set holds today\'s access from permission sets and groups without the grants above; the profile stays as it is. The generator opens with it: nothing is written before you preview and apply.'),
    removed, notCarried, h('div', { class: 'ff-actions' }, generate));
}

function overridesCard() {
  if (!review.overrides.length) return null;
  return card('Overrides that field checkboxes don\'t show', 'access-overrides',
    h('ul', { class: 'ff-flags' }, review.overrides.map((o) => h('li', { 'data-ff': 'access-override', 'data-permission': o.permission, 'data-object': o.object ?? '' },
      h('strong', {}, o.object ? `${o.label} on ${o.object}` : o.label), ' — ',
      h('span', { class: 'ff-muted' }, o.sources.map(sourceLabel).join(', ')),
      h('p', { class: 'ff-note' }, o.meaning)))));
}

function groupsCard() {
  if (!review.groups.length) return null;
  return card('Permission set groups', 'access-groups', review.groups.map((g) => h('div', { 'data-ff': 'access-group', 'data-group': g.label },
    h('h3', { class: 'slds-form-element__legend' }, g.label, g.status ? ` (${g.status})` : ''),
    h('p', {}, 'Members: ', g.members.join(', ') || 'none'),
    h('p', { 'data-ff': 'access-group-muting' }, 'Muting set: ', g.muting ?? 'none'),
    g.muted.length ? h('details', { class: 'ff-details', 'data-ff': 'access-group-muted' },
      h('summary', {}, `Muted in this group (${g.muted.length})`), h('ul', {}, g.muted.map((m) => h('li', {}, m)))) : null,
    g.notApplied.map((n) => alert('warning', 'access-group-not-applied', n)),
    g.aggregateDiffers.length ? h('details', { class: 'ff-details', 'data-ff': 'access-group-aggregate' },
      h('summary', {}, `Salesforce's own aggregate of this group differs (${g.aggregateDiffers.length})`),
      h('ul', {}, g.aggregateDiffers.map((d) => h('li', {}, d)))) : null)));
}

function systemCard() {
  return card('System permissions', 'access-system',
    review.systemPermissions.length
      ? h('ul', {}, review.systemPermissions.map((p) => h('li', { 'data-ff': 'access-system-permission', 'data-name': p.name },
        h('strong', {}, p.label), ' — ', h('span', { class: 'ff-muted' }, p.sources.map(sourceLabel).join(', ')))))
      : h('p', { class: 'ff-muted' }, 'None.'));
}

// ---------------------------------------------------------------- objects and fields

const tableSlot = h('div', { 'data-ff': 'access-tables' });
const countLine = h('p', { class: 'ff-muted', 'data-ff': 'access-count', 'aria-live': 'polite' });

function cell(c) {
  if (!c.granted) return h('td', { 'data-access': c.access, 'data-granted': 'false' });
  const label = `${c.access}: ${c.sources.join(', ')}${c.flag ? `. Broad for an integration: ${c.flag}` : ''}`;
  return h('td', { class: c.flag ? 'ff-cell-flagged' : 'ff-cell-granted', 'data-access': c.access, 'data-granted': 'true', 'aria-label': label, title: c.flag ?? '' },
    h('span', { class: 'ff-check', 'aria-hidden': 'true' }, '\u2713'),
    c.flag ? h('span', { class: 'ff-flag-mark', 'data-ff': 'access-cell-flag', 'aria-hidden': 'true' }, '\u26a0') : null,
    c.sources.map((s) => h('span', { class: 'ff-sources' }, s)));
}

function objectTable(lines) {
  return h('div', { class: 'ff-table-wrap' }, h('table', { class: 'slds-table', 'data-ff': 'access-objects' },
    h('caption', { class: 'ff-muted' }, 'Objects'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Object'), ACCESS.map(([, label]) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, lines.map((line) => h('tr', { 'data-ff': 'access-object-row', 'data-object': line.name },
      h('th', { scope: 'row' }, line.label, line.label !== line.name ? h('code', {}, ` ${line.name}`) : null),
      line.cells.map(cell))))));
}

function fieldTable(lines) {
  return h('div', { class: 'ff-table-wrap' }, h('table', { class: 'slds-table', 'data-ff': 'access-fields' },
    h('caption', { class: 'ff-muted' }, 'Fields'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), FIELD_ACCESS.map(([, label]) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, lines.map((line) => h('tr', { 'data-ff': 'access-field-row', 'data-field': line.name },
      h('th', { scope: 'row' }, line.label), line.cells.map(cell))))));
}

let asked = 0;
async function redraw() {
  const ticket = ++asked;
  const reply = await core({ type: 'accessTable', review, query });
  if (ticket !== asked) return;
  if (reply.type !== 'accessTable') {
    tableSlot.replaceChildren(alert('error', 'access-error', reply.message ?? 'The table could not be drawn.'));
    return;
  }
  countLine.textContent = `${reply.objects.length} of ${reply.totalObjects} objects, ${reply.fields.length} of ${reply.totalFields} fields shown.`;
  tableSlot.replaceChildren(
    reply.objects.length ? objectTable(reply.objects) : h('p', { class: 'ff-muted', 'data-ff': 'access-no-objects' }, 'No object matches.'),
    reply.fields.length ? fieldTable(reply.fields) : h('p', { class: 'ff-muted', 'data-ff': 'access-no-fields' }, 'No field matches.'));
}

let typing = null;
function later() {
  clearTimeout(typing);
  typing = setTimeout(redraw, 120);
}

function labelled(label, control) {
  control.id = nextId('f');
  return h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: control.id }, label), control);
}

async function exportCsv(button, status) {
  button.disabled = true;
  const reply = await core({ type: 'accessCsv', review, query });
  button.disabled = false;
  if (reply.type !== 'accessCsv') {
    status.replaceChildren(alert('error', 'access-error', reply.message ?? 'The CSV could not be written.'));
    return;
  }
  const url = URL.createObjectURL(new Blob([reply.csv], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: reply.fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  status.replaceChildren(h('span', { 'data-ff': 'access-csv-done' }, `Exported ${reply.fileName}.`));
}

function tableCard() {
  const object = h('input', { class: 'slds-input', type: 'search', 'data-ff': 'filter-object', placeholder: 'Label or API name', autocomplete: 'off' });
  const field = h('input', { class: 'slds-input', type: 'search', 'data-ff': 'filter-field', placeholder: 'Field API name', autocomplete: 'off' });
  const source = h('select', { class: 'slds-select', 'data-ff': 'filter-source' },
    h('option', { value: '' }, 'All sources'),
    review.sources.map((s) => h('option', { value: s.id }, `${KIND_LABELS[s.kind] ?? s.kind}: ${s.label}`)));
  const access = h('select', { class: 'slds-select', 'data-ff': 'filter-access' },
    h('option', { value: '' }, 'Any access'), ACCESS.map(([value, label]) => h('option', { value }, label)));
  const sort = h('select', { class: 'slds-select', 'data-ff': 'sort' }, SORTS.map(([value, label]) => h('option', { value }, label)));
  const descending = h('input', { type: 'checkbox', 'data-ff': 'sort-descending', id: nextId('desc') });
  const flagged = h('input', { type: 'checkbox', 'data-ff': 'filter-flagged', id: nextId('flag') });
  object.addEventListener('input', () => { query.object = object.value; later(); });
  field.addEventListener('input', () => { query.field = field.value; later(); });
  source.addEventListener('change', () => { query.source = source.value || null; redraw(); });
  access.addEventListener('change', () => { query.access = access.value || null; redraw(); });
  sort.addEventListener('change', () => { query.sort = sort.value; redraw(); });
  descending.addEventListener('change', () => { query.descending = descending.checked; redraw(); });
  flagged.addEventListener('change', () => { query.flaggedOnly = flagged.checked; redraw(); });
  const status = h('span', { 'aria-live': 'polite' });
  const csv = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'export-csv' }, 'Export CSV');
  csv.addEventListener('click', () => exportCsv(csv, status));
  return card('Objects and fields', 'access-table',
    h('div', { class: 'ff-row' }, labelled('Object', object), labelled('Field', field), labelled('Source', source), labelled('Access', access)),
    h('div', { class: 'ff-row' }, labelled('Sort', sort),
      h('label', { class: 'ff-inline', for: descending.id }, descending, 'Descending'),
      h('label', { class: 'ff-inline', for: flagged.id }, flagged, 'Only what is broad for an integration'),
      csv, status),
    countLine, tableSlot);
}

// ---------------------------------------------------------------- can these sets be assigned?

function verdictItem(v) {
  const blocked = v.verdict.state === 'blocked';
  return h('li', { 'data-ff': 'assign-verdict', 'data-name': v.name, 'data-state': v.verdict.state },
    h('strong', {}, v.label), v.namespace ? h('code', {}, ` ${v.namespace}__`) : null,
    v.licenseName ? h('span', { class: 'ff-muted' }, ` — licence ${v.licenseName}`) : null,
    v.assigned ? h('span', { class: 'slds-badge', 'data-ff': 'assign-assigned' }, 'assigned') : null, ' ',
    h('span', { class: blocked ? 'ff-verdict-blocked' : 'ff-verdict-decides' }, blocked ? 'Blocked' : 'Salesforce decides at assignment'),
    blocked
      ? h('ul', {}, v.verdict.blockers.map((b) => h('li', { 'data-ff': 'assign-blocker', 'data-kind': b.kind }, b.message)))
      : (v.verdict.unchecked.length ? h('ul', { class: 'ff-muted' }, v.verdict.unchecked.map((u) => h('li', {}, u))) : null));
}

async function assignCard(slot) {
  const reply = await core({ type: 'checkAssignableSets', orgUrl, userId: review.user.id });
  if (reply.type !== 'assignableSets') {
    slot.replaceChildren(card('Can these permission sets be assigned?', 'access-assign', alert('error', 'access-error', reply.message ?? 'The check failed.')));
    return;
  }
  const blocked = reply.verdicts.filter((v) => v.verdict.state === 'blocked');
  const others = reply.verdicts.filter((v) => v.verdict.state !== 'blocked');
  slot.replaceChildren(card('Can these permission sets be assigned?', 'access-assign',
    h('p', { class: 'ff-muted' }, `Checked before anyone tries, from the licences and what each set grants (${reply.apiCalls} API calls). "Blocked" means the assignment is known to fail; everything else is for Salesforce to decide when it is assigned.`),
    blocked.length ? h('ul', { class: 'ff-verdicts', 'data-ff': 'assign-blocked' }, blocked.map(verdictItem)) : h('p', {}, 'No permission set is known to be blocked for this user.'),
    h('details', { class: 'ff-details', 'data-ff': 'assign-others' },
      h('summary', {}, `${others.length} other permission sets: Salesforce decides at assignment`),
      h('ul', { class: 'ff-verdicts' }, others.map(verdictItem)))));
}

// ---------------------------------------------------------------- start

async function start() {
  const params = new URLSearchParams(location.search);
  const [, tab] = await Promise.all([
    init({ module_or_path: new URL('../pkg/generator/forcefield_bg.wasm', import.meta.url) }),
    params.get('org') ? null : targetTab(params.get('tab')),
  ]);
  orgUrl = params.get('org') ?? tab?.url;
  storeId = params.get('store') ?? tab?.cookieStoreId ?? null;
  const forcefield = new Core(browserHost);
  core = (request) => forcefield.ask(request, storeId);
  if (!orgUrl || !/^https:/.test(orgUrl)) return showFatal('Open the access review from an integration user in a Salesforce tab.');
  const userId = params.get('user');
  if (!userId) return showFatal('Open the access review from an integration user: it needs a user.');
  // Remember the org, so a reload works after the Setup tab has moved on.
  const remembered = new URLSearchParams(params);
  remembered.set('org', new URL(orgUrl).origin + '/');
  if (storeId) remembered.set('store', storeId);
  history.replaceState(null, '', `?${remembered}`);
  orgBox.replaceChildren(h('span', { class: 'ff-muted', 'data-ff': 'org-host' }, new URL(orgUrl).host));

  const reply = await core({ type: 'accessReview', orgUrl, userId });
  if (reply.type !== 'accessReview') return showFatal(reply.message ?? 'The access could not be read.');
  review = reply.review;
  document.title = `Access review: ${review.user.name} — Forcefield`;
  const assignSlot = h('div', { 'data-ff': 'access-assign-slot' }, card('Can these permission sets be assigned?', 'access-assign-loading', h('p', { class: 'ff-muted' }, 'Checking the org\'s permission sets…')));
  main.replaceChildren(userCard(), flagsCard(), overridesCard() ?? '', groupsCard() ?? '', tableCard(), systemCard(), assignSlot,
    h('p', { class: 'ff-muted', 'data-ff': 'access-api-calls' }, `Read with ${reply.apiCalls} API call${reply.apiCalls === 1 ? '' : 's'}.`));
  await redraw();
  main.setAttribute('aria-busy', 'false');
  document.body.dataset.ffReady = 'true';
  performance.measure('forcefield:access-ready', { start: 0, end: performance.now() });
  await assignCard(assignSlot);
  assignSlot.dataset.ffDone = 'true';
}

start().catch((error) => showFatal(`The access review failed to start: ${error?.message ?? error}`));
