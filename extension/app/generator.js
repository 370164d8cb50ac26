// The permission set generator: an extension page that loads the Rust core itself (like the
// popup), so an apply keeps running when the background worker stops. It renders the core's
// replies with DOM APIs (org data as text only) and sends the admin's choices back as a spec;
// the core plans, checks and applies. `startApply` then `continueApply` in a loop drive the apply.
import init, { Core } from '../pkg/generator/forcefield.js';
import { browserHost, targetTab } from '../browser.js';
import { ACCESS_LEVELS, fromSpec, toSpec } from './spec.js';
import { assignmentCheck } from './assignment-check.js';
import '../dom.js';
import { alert, card, checkbox, nextId, textInput } from './slds.js';

const KIND_LABELS = { production: 'Production', sandbox: 'Sandbox', scratch: 'Scratch org', developerEdition: 'Developer Edition' };
const OBJECTS_SHOWN = 150;
/** Plan findings about the permission set license (`FindingCode::is_license` in the core). */
const LICENSE_FINDINGS = new Set(['noIntegrationLicense', 'licenseExhausted', 'licenseCreateOnly']);

const main = document.getElementById('generator');
const orgBox = document.getElementById('org');

const { h } = globalThis.forcefieldDom;

function slot(role) {
  return h('div', { 'data-ff': role });
}

/** Everything the page knows; `spec.js` turns it into the core's PermissionSetSpec and back. */
const state = {
  integrationName: '',
  label: '',
  apiName: '',
  nameProblems: [],
  apiNameEdited: false,
  description: '',
  license: 'none',
  objects: new Map(), // sobject → { access, fieldMode, picked: Map<field, 'read'|'readEdit'> }
  systemPermissions: new Set(),
  assignmentExpiration: null, // ISO dateTime in UTC, or null: the assignment doesn't expire
  targetPermissionSetId: null,
  assigneeId: null,
};

let core;
let orgUrl;
let context;
const fieldCache = new Map(); // sobject → Promise<fields[]>
let planFresh = false;
let staleBecause = 'The choices changed since this preview: preview again before applying.';
let applying = false;

function fieldsOf(sobject) {
  if (!fieldCache.has(sobject)) {
    fieldCache.set(sobject, core({ type: 'objectFields', orgUrl, sobject }).then((reply) => {
      if (reply.type !== 'objectFields') {
        fieldCache.delete(sobject);
        throw new Error(reply.message ?? `The fields of ${sobject} could not be read.`);
      }
      return reply.fields;
    }));
  }
  return fieldCache.get(sobject);
}

/** Any change to the choices makes the previewed plan stale: Apply waits for a new preview. */
function changed() {
  planFresh = false;
  staleBecause = 'The choices changed since this preview: preview again before applying.';
  renderPlanState();
}

// ---------------------------------------------------------------- org header, pending applies

function renderOrg(org) {
  const kind = org.isProduction ? 'production' : org.kind;
  const domain = org.myDomain ? org.myDomain.name + (org.myDomain.sandbox ? ` — sandbox ${org.myDomain.sandbox}` : '') : org.apiHost;
  orgBox.replaceChildren(
    h('span', { class: 'ff-org-name', 'data-ff': 'org-name' }, org.orgName),
    h('span', { class: 'ff-muted', 'data-ff': 'my-domain' }, domain),
    h('span', { class: `slds-badge ff-${kind}`, 'data-ff': 'org-kind' }, KIND_LABELS[kind] ?? kind));
}

/**
 * Lists the org's unfinished applies (one banner each, naming its set), then marks `container`
 * `data-ff-listed` so a reader (or a test) knows the list is complete, banners or none.
 */
async function renderPending(container) {
  const reply = await core({ type: 'pendingApplies', orgUrl });
  if (reply.type !== 'applies') container.append(failure(reply, 'Unfinished applies could not be read: '));
  for (const apply of reply.applies ?? []) {
    const progress = slot('pending-progress');
    // Interrupted or paused: resume. Undo stopped: finish the clean-up. Records left for a
    // decision (or a journal that can't be read): shown with their choices.
    const resumable = apply.status === 'running' || apply.status === 'paused';
    const cleanup = apply.status === 'cleanupNeeded';
    const action = resumable
      ? h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'resume-apply' }, 'Resume')
      : cleanup ? h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'finish-cleanup' }, 'Finish clean-up') : null;
    const of = apply.setName ? ` of ${apply.setName}` : '';
    const intro = apply.raw !== undefined && apply.raw !== null ? 'An apply\'s journal can\'t be read. '
      : resumable ? `An apply${of} was interrupted: `
        : cleanup ? `An apply${of} failed and its undo did not finish: `
          : `An apply${of} left records for your decision: `;
    const banner = alert('warning', 'pending-apply',
      h('p', {}, intro, apply.raw ? '' : describeApply(apply)),
      action && apply.message ? h('p', {}, apply.message) : null,
      action ? null : progress,
      action ? h('div', { class: 'ff-actions' }, action) : null, action ? progress : null);
    if (!action) progress.replaceChildren(progressView(apply, progress));
    action?.addEventListener('click', async () => {
      action.disabled = true;
      const final = await driveApply({ type: resumable ? 'continueApply' : 'finishCleanUp', orgUrl, applyId: apply.applyId }, progress, apply.setName);
      if (final?.status === 'done' || final?.status === 'rolledBack' || final?.status === 'failed') {
        banner.classList.replace('slds-theme_warning', 'slds-theme_success');
        action.remove();
      } else action.disabled = false;
    });
    container.append(banner);
  }
  container.dataset.ffListed = 'true';
}

function describeApply(apply) {
  const done = apply.steps.filter((s) => s.state === 'done').length;
  return `${done} of ${apply.steps.length} steps done.`;
}

// ---------------------------------------------------------------- the user, creating one

function renderUser(container) {
  const user = context.user;
  if (user) {
    state.assigneeId = user.id;
    const facts = [
      ['Username', user.username, 'user-username'],
      ['Profile', user.profileName ?? '—', 'user-profile'],
      ['Integration user', user.isIntegration ? 'Yes' : 'No', 'user-integration'],
      ['Salesforce API Integration license', user.hasIntegrationPsl ? 'Assigned' : 'Not assigned yet', 'user-psl'],
      ['Permission sets', user.assignedPermissionSets.map((p) => p.label).join(', ') || 'None', 'user-permission-sets'],
    ];
    // A default record type lives on the profile, outside the permission set: its own page.
    const recordTypes = new URLSearchParams({ org: orgUrl, user: user.id });
    const storeId = new URLSearchParams(location.search).get('store');
    if (storeId) recordTypes.set('store', storeId);
    container.replaceChildren(card(`For ${user.name}`, 'user',
      h('dl', { class: 'ff-facts' }, facts.map(([label, value, role]) => h('div', {}, h('dt', {}, label), h('dd', { 'data-ff': role }, value)))),
      h('p', {}, h('a', { href: `record-types.html?${recordTypes}`, target: '_blank', 'data-ff': 'open-record-types' },
        'Default record types of this user\'s profile…')),
      expiryInput(),
      user.isIntegration ? null : alert('warning', 'user-warning', 'This user is not an integration user; the permission set will still be assigned to them.')));
    return;
  }
  container.replaceChildren(card('Integration user', 'user',
    h('p', { class: 'ff-muted' }, 'No user chosen: the permission set is created without an assignment. You can create the integration user first.'),
    createUserForm(container)));
}

/** When the assignment ends (optional). The browser's local time goes to the core in UTC; whether it can be used is the core's answer. */
let expiryField = null;

/** An ISO dateTime as the browser's local `datetime-local` value. */
function localTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function expiryInput() {
  const id = nextId('expiry');
  const input = h('input', { type: 'datetime-local', id, class: 'slds-input', 'data-ff': 'assignment-expiry', value: localTime(state.assignmentExpiration) });
  expiryField = input;
  input.addEventListener('change', () => {
    const date = input.value ? new Date(input.value) : null;
    state.assignmentExpiration = date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
    changed();
  });
  return h('div', { class: 'slds-form-element' },
    h('label', { class: 'slds-form-element__label', for: id }, 'Assignment ends (optional)'),
    h('div', { class: 'slds-form-element__control' }, input),
    h('p', { class: 'ff-muted' }, 'Leave empty for an assignment that doesn\'t expire. Salesforce removes the assignment at that time.'));
}

function createUserForm(container) {
  const fields = {
    firstName: textInput('First name', { 'data-ff': 'new-user-first-name', autocomplete: 'off' }),
    lastName: textInput('Last name (required)', { 'data-ff': 'new-user-last-name', required: true, autocomplete: 'off' }),
    username: textInput('Username (required)', { 'data-ff': 'new-user-username', required: true, autocomplete: 'off' }, 'Unique across all Salesforce orgs, in the form of an email address.'),
    email: textInput('Email (required)', { 'data-ff': 'new-user-email', type: 'email', required: true, autocomplete: 'off' }),
    alias: textInput('Alias', { 'data-ff': 'new-user-alias', autocomplete: 'off' }),
  };
  const confirm = checkbox('I understand that a user cannot be deleted once created (only deactivated).', { 'data-ff': 'confirm-create-user' });
  const result = h('div', { 'aria-live': 'polite' });
  const create = h('button', { type: 'submit', class: 'slds-button slds-button_neutral', 'data-ff': 'create-user', disabled: true }, 'Create integration user');
  confirm.querySelector('input').addEventListener('change', (e) => { create.disabled = !e.target.checked; });
  const value = (key) => fields[key].querySelector('input').value.trim();
  const form = h('form', { class: 'ff-grid', 'data-ff': 'create-user-form' }, Object.values(fields), confirm, h('div', {}, create), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    create.disabled = true;
    const request = { type: 'createIntegrationUser', orgUrl, lastName: value('lastName'), username: value('username'), email: value('email') };
    if (value('firstName')) request.firstName = value('firstName');
    if (value('alias')) request.alias = value('alias');
    const reply = await core(request);
    if (reply.type !== 'userCreated') {
      result.replaceChildren(failure(reply));
      create.disabled = false;
      return;
    }
    const fresh = await core({ type: 'generatorContext', orgUrl, userId: reply.userId });
    if (fresh.type === 'generatorContext' && fresh.user) {
      context.user = fresh.user;
      if (!state.integrationName) await setIntegrationName(fresh.user.name);
      renderUser(container);
      renderIdentity(sections.identity);
      changed();
    } else {
      result.replaceChildren(alert('success', 'user-created', `Created ${reply.username}.`));
    }
  });
  return h('details', { class: 'ff-details' }, h('summary', {}, 'Create the integration user first (optional)'), form);
}

function failure(reply, prefix = '') {
  const code = reply?.errorCode ? `${reply.errorCode}: ` : '';
  return alert('error', 'error', `${prefix}${code}${reply?.message ?? 'The request failed.'}`);
}

// ---------------------------------------------------------------- start from, templates

function renderStart(container, rerenderAll) {
  const select = h('select', { class: 'slds-select', id: nextId('start'), 'data-ff': 'start-from' });
  select.append(h('option', { value: 'blank' }, 'Blank'));
  const group = (label, entries) => entries.length ? h('optgroup', { label }, entries) : null;
  select.append(
    group('Templates', context.templates.map((t) => h('option', { value: `template:${t.name}` }, t.name))),
    group('Copy a permission set', context.permissionSets.map((p) => h('option', { value: `permissionSet:${p.id}` }, `${p.label} (${p.name})`))),
    group('Copy a profile', (context.profiles ?? []).map((p) => h('option', { value: `profile:${p.id}` }, p.name))));
  const message = h('div', { 'aria-live': 'polite' });
  const load = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'load-start' }, 'Start from this');
  const remove = h('button', { type: 'button', class: 'slds-button slds-button_text-destructive', 'data-ff': 'delete-template', hidden: true }, 'Delete template');
  select.addEventListener('change', () => { remove.hidden = !select.value.startsWith('template:'); });
  load.addEventListener('click', async () => {
    const [kind, id] = [select.value.split(':')[0], select.value.slice(select.value.indexOf(':') + 1)];
    if (kind === 'blank') return adopt({ type: 'spec', spec: null, warnings: [] }, message, rerenderAll, true);
    const request = kind === 'template' ? { type: 'loadTemplate', name: id }
      : { type: 'loadAccess', orgUrl, source: kind === 'profile' ? { profileId: id } : { permissionSetId: id } };
    load.disabled = true;
    // A copy of another set's or profile's access is a starting point: the name stays this one's,
    // so applying creates a new set instead of updating the one copied from.
    adopt(await core(request), message, rerenderAll, kind !== 'template');
    load.disabled = false;
  });
  remove.addEventListener('click', async () => {
    const reply = await core({ type: 'deleteTemplate', name: select.value.slice('template:'.length) });
    if (reply.type === 'templates') {
      context.templates = reply.templates;
      renderStart(container, rerenderAll);
    } else message.replaceChildren(failure(reply));
  });

  const file = h('input', { type: 'file', accept: '.xml,.permissionset,text/xml,application/xml', 'data-ff': 'import-xml', class: 'ff-file' });
  file.addEventListener('change', async () => {
    const [chosen] = file.files;
    if (!chosen) return;
    adopt(await core({ type: 'importXml', xml: await chosen.text(), fileName: chosen.name }), message, rerenderAll);
    file.value = '';
  });

  // Several sets and profiles at once: the core merges them (src/generator/sources.rs).
  const unionChoices = h('select', { class: 'slds-select', id: nextId('union'), multiple: true, size: 4, 'data-ff': 'union-sources' },
    group('Permission sets', context.permissionSets.map((p) => h('option', { value: `permissionSet:${p.id}` }, `${p.label} (${p.name})`))),
    group('Profiles', (context.profiles ?? []).map((p) => h('option', { value: `profile:${p.id}` }, p.name))));
  const loadUnion = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'load-union' }, 'Start from their union');
  loadUnion.addEventListener('click', async () => {
    const sources = [...unionChoices.selectedOptions].map((option) => {
      const [kind, id] = [option.value.split(':')[0], option.value.slice(option.value.indexOf(':') + 1)];
      return kind === 'profile' ? { profileId: id } : { permissionSetId: id };
    });
    loadUnion.disabled = true;
    adopt(await core({ type: 'loadUnion', orgUrl, sources }), message, rerenderAll, true);
    loadUnion.disabled = false;
  });

  const templateName = textInput('Save these choices as a template', { 'data-ff': 'template-name', placeholder: 'Template name' });
  const save = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'save-template' }, 'Save template');
  save.addEventListener('click', async () => {
    const name = templateName.querySelector('input').value.trim();
    if (!name) return message.replaceChildren(alert('error', 'error', 'Name the template first.'));
    const reply = await core({ type: 'saveTemplate', name, spec: await currentSpec() });
    if (reply.type !== 'templates') return message.replaceChildren(failure(reply));
    context.templates = reply.templates;
    renderStart(container, rerenderAll);
  });

  container.replaceChildren(card('Start from', 'start',
    ...(context.setAsideTemplates ?? []).map((kept) => setAsideNotice(kept)),
    h('div', { class: 'ff-row' },
      h('div', { class: 'slds-form-element' },
        h('label', { class: 'slds-form-element__label', for: select.id }, 'Blank, a template, or a copy of existing access'),
        h('div', { class: 'slds-form-element__control' }, select)),
      load, remove),
    h('div', { class: 'ff-row' },
      h('div', { class: 'slds-form-element' },
        h('label', { class: 'slds-form-element__label', for: unionChoices.id }, 'Or the union of several permission sets and profiles'),
        h('div', { class: 'slds-form-element__control' }, unionChoices)),
      loadUnion),
    h('div', { class: 'ff-row' },
      h('label', { class: 'slds-button slds-button_neutral ff-file-label' }, 'Import Metadata API XML…', file)),
    h('div', { class: 'ff-row' }, templateName, save),
    message));
}

/** A template store that couldn't be read: the core's sentence, its raw content, "Forget". */
function setAsideNotice(kept) {
  const notice = alert('warning', 'set-aside-templates');
  const save = h('a', {
    href: URL.createObjectURL(new Blob([kept.raw], { type: 'application/json' })),
    download: 'forcefield-unreadable-templates.json',
    class: 'slds-button slds-button_neutral',
    'data-ff': 'set-aside-save',
  }, 'Save their content');
  const forget = h('button', { type: 'button', class: 'slds-button slds-button_text-destructive', 'data-ff': 'set-aside-forget' }, 'Forget them');
  forget.addEventListener('click', async () => {
    forget.disabled = true;
    const reply = await core({ type: 'forgetUnreadable', key: kept.key });
    if (reply.type !== 'forgotten') {
      forget.disabled = false;
      return notice.append(failure(reply));
    }
    context.setAsideTemplates = context.setAsideTemplates.filter((k) => k !== kept);
    notice.remove();
  });
  const raw = h('details', {}, h('summary', {}, 'Show their content'), h('pre', { class: 'ff-raw', 'data-ff': 'set-aside-raw' }, kept.raw));
  notice.append(h('div', {}, h('p', {}, kept.message), raw, h('div', { class: 'ff-actions' }, save, forget)));
  return notice;
}

/** Takes a `spec` reply (template, copy, XML) as the page's new choices. */
async function adopt(reply, message, rerenderAll, keepName = false) {
  if (reply.type !== 'spec') return message.replaceChildren(failure(reply));
  const loaded = fromSpec(reply.spec);
  const kept = { assigneeId: state.assigneeId, targetPermissionSetId: state.targetPermissionSetId };
  if (keepName) {
    for (const key of ['integrationName', 'label', 'apiName', 'apiNameEdited', 'nameProblems', 'description']) kept[key] = state[key];
  }
  Object.assign(state, loaded, kept);
  await Promise.all([...state.objects.keys()].map((sobject) => fieldsOf(sobject).catch(() => null)));
  rerenderAll();
  message.replaceChildren(...(reply.warnings ?? []).map((w) => alert('warning', 'load-warning', w)),
    reply.spec ? alert('success', 'loaded', 'Loaded. Review the choices below, then preview.') : '');
  changed();
}

// ---------------------------------------------------------------- name, label, target

let namesAsked = 0;

/** Label "Integration – <name>" and the API name, derived and checked by the core (salesforce.md §C.1). */
async function setIntegrationName(name) {
  state.integrationName = name;
  const asked = ++namesAsked;
  const reply = await core({ type: 'deriveNames', integrationName: name });
  if (asked !== namesAsked || reply.type !== 'names') return;
  state.label = reply.label;
  if (!state.apiNameEdited) {
    state.apiName = reply.name;
    state.nameProblems = reply.problems;
  }
}

function renderIdentity(container) {
  const name = textInput('Integration name', { 'data-ff': 'generator-name', '.value': state.integrationName, required: true, autocomplete: 'off' });
  const label = h('output', { 'data-ff': 'ps-label' }, state.label);
  const apiName = textInput('API name', { 'data-ff': 'ps-api-name', '.value': state.apiName, autocomplete: 'off', maxlength: 80 },
    'Letters, digits and single underscores; starts with a letter, does not end with an underscore.');
  const problem = h('div', { class: 'slds-form-element__help ff-error', 'data-ff': 'api-name-error', 'aria-live': 'polite' });
  const nameInput = name.querySelector('input');
  const apiInput = apiName.querySelector('input');
  const showProblems = () => {
    const problems = state.apiNameEdited ? [] : state.nameProblems;
    problem.textContent = problems.join(' ');
    apiInput.setAttribute('aria-invalid', problems.length ? 'true' : 'false');
  };
  nameInput.addEventListener('input', async () => {
    changed();
    await setIntegrationName(nameInput.value);
    label.textContent = state.label;
    apiInput.value = state.apiName;
    showProblems();
  });
  // An API name typed by hand is checked by the core when it plans (a blocker names the rule).
  apiInput.addEventListener('input', () => {
    state.apiName = apiInput.value;
    state.apiNameEdited = apiInput.value !== '';
    showProblems();
    changed();
  });
  showProblems();
  const description = h('textarea', { class: 'slds-textarea', id: nextId('desc'), 'data-ff': 'ps-description', maxlength: 255, '.value': state.description });
  description.addEventListener('input', () => { state.description = description.value; changed(); });

  const target = h('select', { class: 'slds-select', id: nextId('target'), 'data-ff': 'target-permission-set' },
    h('option', { value: '' }, 'Create a new permission set'),
    context.permissionSets.map((p) => h('option', { value: p.id, '.selected': p.id === state.targetPermissionSetId }, `Update ${p.label} (${p.name})`)));
  target.addEventListener('change', () => { state.targetPermissionSetId = target.value || null; changed(); });

  container.replaceChildren(card('Permission set', 'identity',
    h('div', { class: 'ff-grid' }, name,
      h('div', { class: 'slds-form-element' }, h('span', { class: 'slds-form-element__label' }, 'Label'), h('div', { class: 'ff-static' }, label)),
      h('div', {}, apiName, problem),
      h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: target.id }, 'Create or update'), target)),
    h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: description.id }, 'Description'), description)));
}

// ---------------------------------------------------------------- license

function renderLicense(container) {
  const psl = context.integrationPsl;
  const name = nextId('license');
  const option = (value, label, detail, role) => {
    const id = nextId('radio');
    const input = h('input', { type: 'radio', name, id, value, 'data-ff': role, '.checked': state.license === value });
    input.addEventListener('change', () => { state.license = value; changed(); });
    return h('div', { class: 'slds-radio' }, input,
      h('label', { class: 'slds-radio__label', for: id }, h('span', { class: 'slds-form-element__label' }, label), h('span', { class: 'ff-muted' }, detail)));
  };
  container.replaceChildren(card('License', 'license',
    h('fieldset', { class: 'slds-form-element' },
      h('legend', { class: 'slds-form-element__legend' }, 'Permission set license'),
      option('none', 'None', ' — usable by any user license', 'license-none'),
      option('integration', psl?.label ?? 'Salesforce API Integration',
        psl ? ` — ${psl.used} of ${psl.total} assigned` : ' — not available in this org', 'license-integration')),
    slot('license-warning')));
}

// ---------------------------------------------------------------- objects and fields

function renderObjects(container) {
  const search = h('input', { class: 'slds-input', type: 'search', id: nextId('objsearch'), 'data-ff': 'object-search', placeholder: 'Search objects by label or API name', autocomplete: 'off' });
  const count = h('p', { class: 'ff-muted', 'aria-live': 'polite', 'data-ff': 'object-count' });
  const list = h('ul', { class: 'ff-objects', 'aria-label': 'Objects' });
  const draw = () => {
    const term = search.value.trim().toLowerCase();
    const matches = context.objects.filter((o) => state.objects.has(o.name)
      || !term || o.name.toLowerCase().includes(term) || o.label.toLowerCase().includes(term));
    matches.sort((a, b) => Number(state.objects.has(b.name)) - Number(state.objects.has(a.name)));
    const shown = matches.slice(0, OBJECTS_SHOWN);
    list.replaceChildren(...shown.map((o) => objectRow(o, draw)));
    count.textContent = `${state.objects.size} selected · ${matches.length} shown${matches.length > shown.length ? ` (first ${shown.length}; refine the search)` : ''} of ${context.objects.length} objects`;
  };
  search.addEventListener('input', draw);
  draw();
  container.replaceChildren(card('Objects and fields', 'objects',
    h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: search.id }, 'Objects that can be granted'), search),
    count, list));
}

function objectRow(object, redraw) {
  const chosen = state.objects.get(object.name);
  const include = h('input', { type: 'checkbox', id: nextId('obj'), 'data-ff': 'object-include', '.checked': Boolean(chosen),
    'aria-label': `Grant access to ${object.label}` });
  const row = h('li', { class: 'ff-object', 'data-ff': 'object-row', 'data-object': object.name },
    h('div', { class: 'ff-object-head' }, include,
      h('label', { for: include.id }, h('span', { class: 'ff-object-label' }, object.label), ' ', h('code', {}, object.name)),
      object.custom ? h('span', { class: 'slds-badge' }, 'Custom') : null));
  include.addEventListener('change', () => {
    if (include.checked) {
      state.objects.set(object.name, { access: { read: true, create: false, edit: false, delete: false, viewAll: false, modifyAll: false, viewAllFields: false }, fieldMode: 'readOnly', picked: new Map() });
    } else state.objects.delete(object.name);
    changed();
    redraw();
    row.ownerDocument.querySelector(`[data-object="${CSS.escape(object.name)}"] [data-ff="object-include"]`)?.focus();
  });
  if (chosen) row.append(objectDetail(object, chosen));
  return row;
}

function objectDetail(object, chosen) {
  const access = h('fieldset', { class: 'ff-access', 'data-ff': 'object-access' }, h('legend', {}, `Access to ${object.label}`));
  const boxes = new Map();
  for (const [key, label] of ACCESS_LEVELS) {
    const box = checkbox(label, { 'data-ff': `access-${key}`, '.checked': chosen.access[key] });
    const input = box.querySelector('input');
    boxes.set(key, input);
    input.addEventListener('change', async () => {
      const reply = await core({ type: 'objectAccessChange', access: chosen.access, permission: key, on: input.checked });
      // Should the core not answer, the box goes back: the form never shows access it won't plan.
      if (reply?.type === 'objectAccess') chosen.access = reply.access;
      for (const [k, b] of boxes) b.checked = Boolean(chosen.access[k]);
      changed();
    });
    access.append(box);
  }
  // View All Fields (API 63.0+): offered where the org has it, with the core's risk and words.
  const viewAllFields = context.viewAllFields ?? { available: false };
  if (viewAllFields.available || chosen.access.viewAllFields) {
    const box = checkbox('View All Fields', { 'data-ff': 'access-viewAllFields', '.checked': Boolean(chosen.access.viewAllFields) });
    const input = box.querySelector('input');
    boxes.set('viewAllFields', input);
    input.addEventListener('change', async () => {
      const reply = await core({ type: 'viewAllFieldsChange', access: chosen.access, on: input.checked });
      if (reply?.type === 'objectAccess') chosen.access = reply.access;
      for (const [k, b] of boxes) b.checked = Boolean(chosen.access[k]);
      changed();
    });
    access.append(h('div', { class: 'ff-view-all-fields', 'data-ff': 'view-all-fields' }, box,
      viewAllFields.risk ? h('span', { class: `slds-badge ff-risk-${viewAllFields.risk}`, 'data-ff': 'risk' }, RISK_LABELS[viewAllFields.risk] ?? viewAllFields.risk) : null,
      h('p', { class: 'ff-muted' }, viewAllFields.explanation ?? '')));
  }
  const fieldsSlot = h('div', { 'data-ff': 'object-fields' }, h('p', { class: 'ff-muted' }, 'Reading fields…'));
  fieldsOf(object.name).then(
    (fields) => fieldsSlot.replaceChildren(fieldChooser(object, chosen, fields)),
    (error) => fieldsSlot.replaceChildren(alert('error', 'error', error.message)));
  return h('div', { class: 'ff-object-detail' }, access, fieldsSlot);
}

const GRANT_NOTE = { readEdit: 'Read and edit', readOnly: 'Read only', none: 'Cannot be granted' };

function fieldChooser(object, chosen, fields) {
  const name = nextId('mode');
  const grantable = fields.filter((f) => f.grant !== 'none');
  const modes = [
    ['all', `All permissionable fields (${grantable.length}), with edit where allowed`],
    ['readOnly', `All permissionable fields, read only`],
    ['pick', 'Pick fields'],
  ];
  const picker = h('div', { class: 'ff-picker' });
  const modeSet = h('fieldset', { class: 'slds-form-element' }, h('legend', { class: 'slds-form-element__legend' }, 'Fields'),
    modes.map(([value, label]) => {
      const id = nextId('radio');
      const input = h('input', { type: 'radio', name, id, value, 'data-ff': `field-mode-${value}`, '.checked': chosen.fieldMode === value });
      input.addEventListener('change', () => {
        chosen.fieldMode = value;
        changed();
        drawPicker();
      });
      return h('div', { class: 'slds-radio' }, input, h('label', { class: 'slds-radio__label', for: id }, h('span', { class: 'slds-form-element__label' }, label)));
    }));
  const drawPicker = () => {
    picker.replaceChildren(chosen.fieldMode === 'pick' ? fieldPicker(chosen, fields) : fieldSummary(fields));
  };
  drawPicker();
  return h('div', {}, modeSet, picker);
}

/** In the two "all" modes: only the fields that can't be granted, or only read, and why. */
function fieldSummary(fields) {
  const limited = fields.filter((f) => f.grant !== 'readEdit');
  if (!limited.length) return h('p', { class: 'ff-muted' }, 'Every field can be granted read and edit.');
  return h('details', { class: 'ff-details' }, h('summary', {}, `${limited.length} fields are read-only or can't be granted`),
    h('ul', { class: 'ff-limited' }, limited.map((f) => h('li', { 'data-ff': 'field-limited', 'data-field': f.name },
      h('span', {}, f.label), ' ', h('code', {}, f.name), ' — ', GRANT_NOTE[f.grant], f.reason ? `: ${f.reason}` : ''))));
}

function fieldPicker(chosen, fields) {
  const search = h('input', { class: 'slds-input', type: 'search', id: nextId('fsearch'), 'data-ff': 'field-search', placeholder: 'Search fields', autocomplete: 'off' });
  const filter = h('select', { class: 'slds-select', id: nextId('ffilter'), 'data-ff': 'field-filter', 'aria-label': 'Show fields' },
    h('option', { value: 'all' }, 'All fields'), h('option', { value: 'custom' }, 'Custom fields'), h('option', { value: 'standard' }, 'Standard fields'),
    h('option', { value: 'selected' }, 'Selected fields'), h('option', { value: 'limited' }, 'Read-only or not grantable'));
  const selectAll = h('input', { type: 'checkbox', id: nextId('fall'), 'data-ff': 'field-select-all' });
  const count = h('span', { class: 'ff-muted', 'aria-live': 'polite', 'data-ff': 'field-count' });
  const body = h('tbody');
  const visible = () => {
    const term = search.value.trim().toLowerCase();
    return fields.filter((f) => (!term || f.name.toLowerCase().includes(term) || f.label.toLowerCase().includes(term))
      && (filter.value === 'all' || (filter.value === 'custom' && f.custom) || (filter.value === 'standard' && !f.custom)
        || (filter.value === 'selected' && chosen.picked.has(f.name)) || (filter.value === 'limited' && f.grant !== 'readEdit')));
  };
  const draw = () => {
    const rows = visible();
    body.replaceChildren(...rows.map((f) => fieldRow(f, chosen, sync)));
    sync();
  };
  const sync = () => {
    const rows = visible().filter((f) => f.grant !== 'none');
    const picked = rows.filter((f) => chosen.picked.has(f.name)).length;
    selectAll.checked = rows.length > 0 && picked === rows.length;
    selectAll.indeterminate = picked > 0 && picked < rows.length;
    count.textContent = `${chosen.picked.size} of ${fields.filter((f) => f.grant !== 'none').length} grantable fields selected`;
  };
  selectAll.addEventListener('change', () => {
    for (const f of visible()) {
      if (f.grant === 'none') continue;
      if (selectAll.checked && !chosen.picked.has(f.name)) chosen.picked.set(f.name, 'read');
      if (!selectAll.checked) chosen.picked.delete(f.name);
    }
    changed();
    draw();
  });
  search.addEventListener('input', draw);
  filter.addEventListener('change', draw);
  draw();
  return h('div', {},
    h('div', { class: 'ff-row' },
      h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: search.id }, 'Search fields'), search),
      filter, count),
    h('table', { class: 'slds-table slds-table_bordered slds-table_cell-buffer' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, h('label', { class: 'ff-select-all' }, selectAll, ' Read (all shown)')),
        h('th', { scope: 'col' }, 'Edit'), h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Note'))),
      body));
}

function fieldRow(field, chosen, sync) {
  const access = chosen.picked.get(field.name);
  const read = h('input', { type: 'checkbox', 'data-ff': 'field-read', '.checked': Boolean(access), disabled: field.grant === 'none', 'aria-label': `Read ${field.label}` });
  const edit = h('input', { type: 'checkbox', 'data-ff': 'field-edit', '.checked': access === 'readEdit', disabled: field.grant !== 'readEdit', 'aria-label': `Edit ${field.label}` });
  // Field-level security: Edit needs Read; clearing Read clears Edit (salesforce.md §C.3).
  read.addEventListener('change', () => {
    if (read.checked) chosen.picked.set(field.name, edit.checked ? 'readEdit' : 'read');
    else { chosen.picked.delete(field.name); edit.checked = false; }
    changed();
    sync();
  });
  edit.addEventListener('change', () => {
    if (edit.checked) { read.checked = true; chosen.picked.set(field.name, 'readEdit'); }
    else if (read.checked) chosen.picked.set(field.name, 'read');
    changed();
    sync();
  });
  return h('tr', { 'data-ff': 'field-row', 'data-field': field.name, 'data-grant': field.grant },
    h('td', {}, read), h('td', {}, edit),
    h('td', {}, h('span', {}, field.label), h('br'), h('code', {}, field.name)),
    h('td', {}, field.fieldType),
    h('td', { class: field.grant === 'readEdit' ? '' : 'ff-muted', 'data-ff': 'field-reason' },
      field.grant === 'readEdit' ? '' : `${GRANT_NOTE[field.grant]}${field.reason ? `: ${field.reason}` : ''}`));
}

// ---------------------------------------------------------------- system permissions

const RISK_LABELS = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

function renderSystemPermissions(container) {
  const byName = new Map(context.systemPermissions.map((p) => [p.name, p]));
  const boxes = new Map();
  const rows = context.systemPermissions.map((permission) => {
    const id = nextId('sys');
    const input = h('input', { type: 'checkbox', id, 'data-ff': 'system-permission-box', '.checked': state.systemPermissions.has(permission.name),
      disabled: !permission.available, 'aria-describedby': `${id}-why` });
    boxes.set(permission.name, input);
    input.addEventListener('change', () => {
      // The org's own dependencies (PermissionDependency): turning one on turns on what it requires.
      const visit = (name, on) => {
        if (on) {
          state.systemPermissions.add(name);
          for (const required of byName.get(name)?.requires ?? []) if (!state.systemPermissions.has(required)) visit(required, true);
        } else {
          state.systemPermissions.delete(name);
          for (const other of context.systemPermissions) if (other.requires.includes(name) && state.systemPermissions.has(other.name)) visit(other.name, false);
        }
      };
      visit(permission.name, input.checked);
      for (const [name, box] of boxes) box.checked = state.systemPermissions.has(name);
      changed();
    });
    return h('li', { class: 'ff-permission', 'data-ff': 'system-permission', 'data-name': permission.name },
      input,
      h('div', {},
        h('label', { for: id, class: 'ff-permission-label' }, permission.label),
        ' ', h('span', { class: `slds-badge ff-risk-${permission.risk}`, 'data-ff': 'risk' }, RISK_LABELS[permission.risk] ?? permission.risk),
        h('p', { class: 'ff-muted', id: `${id}-why` }, permission.explanation,
          permission.requires.length ? ` Requires: ${permission.requires.map((r) => byName.get(r)?.label ?? r).join(', ')}.` : '',
          permission.available ? '' : ` Not available: ${permission.unavailableReason ?? 'not in this org'}.`)));
  });
  // Permissions beyond the short list (a copied profile's, a union's): shown so they can be taken out.
  const others = [...state.systemPermissions].filter((name) => !byName.has(name)).sort();
  const otherRows = others.map((name) => {
    const id = nextId('sys');
    const input = h('input', { type: 'checkbox', id, 'data-ff': 'other-permission-box', '.checked': true });
    input.addEventListener('change', () => {
      if (input.checked) state.systemPermissions.add(name); else state.systemPermissions.delete(name);
      changed();
    });
    return h('li', { class: 'ff-permission', 'data-ff': 'other-permission', 'data-name': name }, input, h('label', { for: id }, h('code', {}, name)));
  });
  container.replaceChildren(card('System permissions', 'system-permissions',
    h('p', { class: 'ff-muted' }, 'A short list of what integrations commonly need. API Enabled comes with the integration license and profile, not from here.'),
    h('ul', { class: 'ff-permissions' }, rows),
    others.length ? h('p', { class: 'ff-muted' }, 'Also in these choices (copied):') : null,
    others.length ? h('ul', { class: 'ff-permissions', 'data-ff': 'other-permissions' }, otherRows) : null));
}

// ---------------------------------------------------------------- plan, apply, export

const planSlot = slot('plan');
const progressSlot = h('div', { 'data-ff': 'progress', 'aria-live': 'polite' });
const applyButton = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'apply', disabled: true }, 'Apply');
const previewButton = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'preview' }, 'Preview plan');
const exportButton = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'export-xml' }, 'Export Metadata API XML');
const staleNote = h('p', { class: 'ff-muted', 'data-ff': 'plan-stale', 'aria-live': 'polite' });
let confirmProduction = null;
let currentPlan = null;
/** Another window holds the previewed set's lock: Apply waits. */
let lockedOut = false;

async function currentSpec() {
  const fields = new Map();
  for (const sobject of state.objects.keys()) fields.set(sobject, await fieldsOf(sobject).catch(() => []));
  return toSpec(state, fields, context);
}

function renderPlanState() {
  const blocked = (currentPlan?.blockers?.length ?? 0) > 0 || currentPlan?.steps.length === 0;
  // The core decides which plans need the production confirmation (every plan that writes).
  const needsConfirmation = currentPlan?.requiresConfirmation;
  applyButton.disabled = applying || lockedOut || !planFresh || blocked || (needsConfirmation && !confirmProduction?.checked);
  staleNote.textContent = currentPlan && !planFresh && !applying ? staleBecause : '';
}

function planRequest(spec, type) {
  const request = { type, orgUrl, spec };
  if (state.assigneeId) request.assigneeId = state.assigneeId;
  if (state.targetPermissionSetId) request.targetPermissionSetId = state.targetPermissionSetId;
  return request;
}

async function preview() {
  previewButton.disabled = true;
  planSlot.setAttribute('aria-busy', 'true');
  const reply = await core(planRequest(await currentSpec(), 'planPermissionSet'));
  previewButton.disabled = false;
  planSlot.setAttribute('aria-busy', 'false');
  if (reply.type !== 'plan') {
    currentPlan = null;
    planSlot.replaceChildren(failure(reply));
    return;
  }
  currentPlan = reply.plan;
  planFresh = true;
  planSlot.replaceChildren(planView(reply.plan));
  // From the preview to the end of its apply, this window holds the set's lock.
  lockedOut = !(await holdSetLock(reply.plan.permissionSet.name));
  if (lockedOut) planSlot.prepend(busy(reply.plan.permissionSet.name));
  const licenseWarning = document.querySelector('[data-ff="license-warning"]');
  // Findings carry a code; the page picks the license ones by code, never by their words.
  licenseWarning?.replaceChildren(...reply.plan.warnings.filter((w) => LICENSE_FINDINGS.has(w.code)).map((w) => alert('warning', 'license-problem', w.message)),
    ...reply.plan.blockers.filter((b) => LICENSE_FINDINGS.has(b.code)).map((b) => alert('error', 'license-problem', b.message)));
  renderPlanState();
}

function planView(plan) {
  const org = context.org;
  const kind = org.isProduction ? 'production' : org.kind;
  const nodes = [
    h('p', { 'data-ff': 'plan-org' }, 'On ', h('strong', {}, org.orgName), ` (${org.myDomain?.name ?? org.apiHost}, ${KIND_LABELS[kind] ?? kind})`),
    h('ol', { class: 'ff-steps', 'data-ff': 'plan-steps', 'data-permission-set': plan.permissionSet.action },
      plan.steps.map((step) => h('li', { 'data-ff': 'plan-step', 'data-kind': step.kind, 'data-action': step.action, 'data-count': step.count }, step.description))),
    h('p', { 'data-ff': 'plan-api-calls' }, `${plan.apiCalls.reads + plan.apiCalls.writes} API calls (${plan.apiCalls.reads} reads, ${plan.apiCalls.writes} writes).`),
    ...plan.warnings.map((w) => alert('warning', 'plan-warning', w.message)),
    ...plan.blockers.filter((b) => b.code !== 'licenseCreateOnly').map((b) => alert('error', 'plan-blocker', b.message)),
  ];
  if (plan.excludedFields?.length) {
    nodes.push(h('details', { class: 'ff-details', 'data-ff': 'plan-excluded' },
      h('summary', {}, `${plan.excludedFields.length} chosen fields are left out`),
      h('ul', {}, plan.excludedFields.map((f) => h('li', {}, h('code', {}, f.field), ` — ${f.reason}`)))));
  }
  if (plan.licenseChange) {
    // LicenseId is create-only (salesforce.md §C.1): offer a new set beside the old one, with a name and
    // a label of its own (both must be unique, salesforce.md §C.1 DUPLICATE_MASTER_LABEL).
    const fresh = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'new-permission-set-instead' }, 'Create a new permission set instead');
    fresh.addEventListener('click', async () => {
      state.targetPermissionSetId = null;
      state.apiName = `${state.apiName.slice(0, 78)}_2`;
      state.apiNameEdited = true;
      state.label = `${state.label.slice(0, 76)} (2)`;
      rerender();
      await preview();
    });
    nodes.push(alert('warning', 'license-change', `License ${plan.licenseChange.from} → ${plan.licenseChange.to}: ${plan.licenseChange.message} `, fresh));
  }
  confirmProduction = null;
  if (plan.steps.length === 0) {
    nodes.push(alert('success', 'plan-nothing', 'The org already matches these choices: nothing to apply.'));
  }
  if (plan.requiresConfirmation) {
    const box = checkbox(`I am applying this to the production org ${org.orgName}.`, { 'data-ff': 'confirm-production' });
    confirmProduction = box.querySelector('input');
    confirmProduction.addEventListener('change', renderPlanState);
    nodes.push(h('div', { class: 'ff-confirm' }, box));
  }
  return h('div', { 'data-ff': 'plan-preview' }, nodes);
}

/**
 * One apply per org and permission set in this browser profile: a Web Lock named after the org
 * and the set's API name, held from the preview to the end of the apply. Web Locks are shared by
 * every page and worker of the extension's origin, so a second generator window previewing or
 * resuming the same set is told another window has it, and never sends the same writes.
 */
const setLock = { name: null, release: null };

function lockName(setName) {
  return `forcefield-apply:${context.org.orgId}:${String(setName).toLowerCase()}`;
}

/** Holds the lock of `setName` (letting go of any other); false when another window has it. */
async function holdSetLock(setName) {
  const name = lockName(setName);
  if (setLock.name === name) return true;
  releaseSetLock();
  return new Promise((resolve) => {
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      return new Promise((release) => {
        setLock.name = name;
        setLock.release = release;
        resolve(true);
      });
    });
  });
}

function releaseSetLock() {
  setLock.release?.();
  setLock.name = null;
  setLock.release = null;
}

function busy(setName) {
  return alert('warning', 'apply-busy',
    `Another Forcefield window is working on ${setName}. Follow it there; once that window is closed, you can continue here.`);
}

/** Whether an apply has ended (the org is as planned, as before, or its records are listed). */
const SETTLED = new Set(['done', 'failed', 'rolledBack', 'needsAttention']);

/**
 * Sends `request` (startApply, continueApply, finishCleanUp, resolveAttention), then
 * `continueApply` while the apply runs, drawing its progress in `into`, under the set's lock.
 * Answers the final progress, `{ changedPlan }` when the org changed since the preview (nothing
 * was written), or null.
 */
async function driveApply(request, into, setName) {
  if (!(await holdSetLock(setName))) {
    into.replaceChildren(busy(setName));
    return null;
  }
  let reply = await core(request);
  for (;;) {
    if (reply?.type === 'plan') return { changedPlan: reply.plan };
    const apply = showApply(reply, into);
    if (apply?.status !== 'running') {
      if (!apply || SETTLED.has(apply.status)) releaseSetLock();
      return apply;
    }
    reply = await core({ type: 'continueApply', orgUrl, applyId: apply.applyId });
  }
}

/** Draws an apply's progress; null when the reply is not progress. */
function showApply(reply, into) {
  if (reply?.type !== 'applyProgress') {
    into.replaceChildren(failure(reply, 'The apply could not continue: '));
    return null;
  }
  into.replaceChildren(progressView(reply.apply, into));
  return reply.apply;
}

const STATUS_TEXT = {
  running: 'Applying…',
  paused: 'Paused: nothing more was written.',
  done: 'Done: the org holds what the preview showed.',
  failed: 'Failed. Nothing was written: the org is as it was before.',
  rolledBack: 'Failed; every change was undone: the org is as it was before.',
  cleanupNeeded: 'Failed, and the undo could not finish yet. These records remain:',
  needsAttention: 'Forcefield undid what it could; the records below need your decision.',
};
const ACTION_TEXT = { delete: 'Delete it', restore: 'Put back the value from before', recreate: 'Create it again', keep: 'Leave it as it is' };
const STATE_TEXT = { pending: 'Waiting', running: 'Running', done: 'Done', failed: 'Failed', undone: 'Undone' };

function progressView(apply, into) {
  const nodes = [h('p', { 'data-ff': 'apply-status', 'data-status': apply.status, class: `ff-status ff-status-${apply.status}` }, STATUS_TEXT[apply.status] ?? apply.status)];
  if (apply.message) nodes.push(alert(apply.status === 'done' ? 'success' : 'error', 'apply-message', apply.message));
  nodes.push(h('ol', { class: 'ff-steps' }, apply.steps.map((step) => h('li', { 'data-ff': 'progress-step', 'data-state': step.state, 'data-step': step.id },
    h('span', { class: 'ff-step-state' }, STATE_TEXT[step.state] ?? step.state), ' ', step.description,
    step.total ? h('span', { class: 'ff-muted', 'data-ff': 'progress-count' }, ` ${step.done} of ${step.total}`) : null,
    step.error ? alert('error', 'step-error', `${step.error.errorCode}: ${step.error.message}`, step.error.fields?.length ? ` (${step.error.fields.join(', ')})` : '') : null))));
  if (apply.remaining?.length) {
    nodes.push(h('ul', { 'data-ff': 'remaining' }, apply.remaining.map((r) => h('li', {},
      `${r.sobjectType} `, h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, r.id)))));
  }
  if (apply.attention?.length) nodes.push(attentionView(apply, into));
  if (apply.raw !== undefined && apply.raw !== null) {
    nodes.push(h('details', { class: 'ff-details', 'data-ff': 'journal-raw', open: true },
      h('summary', {}, 'The journal as stored'), h('pre', { class: 'ff-raw' }, apply.raw)));
  }
  if (apply.status === 'cleanupNeeded') {
    const cleanUp = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'finish-cleanup' }, 'Finish clean-up');
    cleanUp.addEventListener('click', () => { cleanUp.disabled = true; driveApply({ type: 'finishCleanUp', orgUrl, applyId: apply.applyId }, into, apply.setName); });
    nodes.push(cleanUp);
  }
  if (apply.status === 'paused') {
    const resume = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'resume-apply' }, 'Resume');
    resume.addEventListener('click', () => { resume.disabled = true; driveApply({ type: 'continueApply', orgUrl, applyId: apply.applyId }, into, apply.setName); });
    nodes.push(resume);
  }
  if (apply.status === 'done' && apply.permissionSetId) {
    const setup = new URL(orgUrl);
    nodes.push(h('p', {}, h('a', { 'data-ff': 'open-permission-set', target: '_blank', rel: 'noopener noreferrer',
      href: `${setup.origin}/lightning/setup/PermSets/page?address=${encodeURIComponent(`/${apply.permissionSetId}`)}` }, 'Open the permission set in Setup')));
  }
  return h('div', {}, nodes);
}

/**
 * The records an apply left untouched, each with what Forcefield found and one button per
 * choice; a choice other than "leave it" undoes that record through the journal.
 */
function attentionView(apply, into) {
  return h('ul', { 'data-ff': 'attention' }, apply.attention.map((item) => {
    const buttons = item.chosen ? [h('span', { class: 'ff-muted', 'data-ff': 'attention-chosen' }, `Decided: ${ACTION_TEXT[item.chosen] ?? item.chosen}`)]
      : item.actions.map((action) => {
        const button = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': `attention-${action}` }, ACTION_TEXT[action] ?? action);
        button.addEventListener('click', () => {
          button.disabled = true;
          driveApply({ type: 'resolveAttention', orgUrl, applyId: apply.applyId, item: item.item, action }, into, apply.setName || apply.applyId);
        });
        return button;
      });
    return h('li', { 'data-ff': 'attention-item', 'data-reason': item.reason },
      item.sobjectType ? `${item.sobjectType} ` : '',
      item.url ? h('a', { href: item.url, target: '_blank', rel: 'noopener noreferrer' }, item.id) : (item.id ?? ''),
      h('p', {}, item.evidence),
      apply.namedIds?.length ? h('ul', { 'data-ff': 'named-ids' }, apply.namedIds.map((id) => h('li', {},
        h('a', { href: `${new URL(orgUrl).origin}/${id}`, target: '_blank', rel: 'noopener noreferrer' }, id)))) : null,
      h('div', { class: 'ff-actions' }, buttons));
  }));
}

async function apply() {
  applying = true;
  renderPlanState();
  // The apply writes exactly this preview (its fingerprint), under an Id no other window can take.
  const request = { ...planRequest(await currentSpec(), 'startApply'), confirmedProduction: Boolean(confirmProduction?.checked),
    fingerprint: currentPlan?.fingerprint, applyId: crypto.randomUUID() };
  const startedAt = performance.now();
  const final = await driveApply(request, progressSlot, currentPlan?.permissionSet.name);
  performance.measure('forcefield:generator-apply', { start: startedAt, end: performance.now() });
  applying = false;
  if (final?.changedPlan) {
    // Nothing was written: the admin sees what applying would do now, and applies again.
    currentPlan = final.changedPlan;
    planFresh = true;
    progressSlot.replaceChildren();
    planSlot.replaceChildren(alert('warning', 'plan-changed',
      'The org changed since your preview, so nothing was written. This is the preview now: check it, then apply again.'), planView(currentPlan));
  } else if (final) {
    // Whatever the outcome, the org changed: another apply needs a fresh plan.
    planFresh = false;
    staleBecause = 'The org changed: preview again before applying more.';
  }
  renderPlanState();
}

async function exportXml() {
  const reply = await core({ type: 'exportXml', spec: await currentSpec() });
  if (reply.type !== 'xml') return planSlot.replaceChildren(failure(reply));
  const url = URL.createObjectURL(new Blob([reply.xml], { type: 'application/xml' }));
  const link = h('a', { href: url, download: reply.fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// ---------------------------------------------------------------- start

const sections = {
  pending: h('div', { 'data-ff': 'pending-applies' }),
  user: h('div'),
  start: h('div'),
  identity: h('div'),
  license: h('div'),
  objects: h('div'),
  system: h('div'),
};

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
  await adopt(await core({ type: 'narrowerSpec', orgUrl, userId }), message, rerender, true);
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
  orgUrl = params.get('org') ?? tab?.url;
  const storeId = params.get('store') ?? tab?.cookieStoreId ?? null;
  const forcefield = new Core(browserHost);
  core = (request) => forcefield.ask(request, storeId);
  if (!orgUrl || !/^https:/.test(orgUrl)) return showFatal('Open the generator from a Salesforce tab.');
  // Remember the org, so a reload (or resuming an apply) works after the Setup tab has moved on.
  const remembered = new URLSearchParams(params);
  remembered.set('org', new URL(orgUrl).origin + '/');
  if (storeId) remembered.set('store', storeId);
  history.replaceState(null, '', `?${remembered}`);

  const request = { type: 'generatorContext', orgUrl };
  if (params.get('user')) request.userId = params.get('user');
  const reply = await core(request);
  if (reply.type !== 'generatorContext') return showFatal(reply.message ?? 'The org could not be read.');
  context = reply;
  renderOrg(context.org);
  renderUser(sections.user);
  if (context.user) await setIntegrationName(context.user.name);
  renderStart(sections.start, rerender);
  previewButton.addEventListener('click', preview);
  applyButton.addEventListener('click', apply);
  exportButton.addEventListener('click', exportXml);
  assignment = assignmentCheck({ core, orgUrl, h, alert, card, spec: currentSpec, assigneeId: () => state.assigneeId });
  previewButton.addEventListener('click', () => assignment.check());
  rerender();
  const narrower = params.get('narrower') && context.user ? await loadNarrower(context.user.id) : '';
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
