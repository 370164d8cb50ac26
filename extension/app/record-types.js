// Default record types of a profile (above all the integration profile, whose Setup page doesn't
// offer them for standard objects): an extension page that loads the whole core itself, like the
// generator page. The core reads the profile through the Metadata API, computes the change,
// writes only the changed entries and reads the profile again; this page shows its replies with
// DOM APIs (org data as text only), asks the admin to confirm with the number of users the
// profile has, and shows the verified result or Salesforce's own message with a link to the
// profile's record type page in Setup.
import init, { Core } from '../pkg/generator/forcefield.js';
import { browserHost, targetTab } from '../browser.js';
import '../dom.js';
import { alert } from './slds.js';

const main = document.getElementById('record-types');

const { h } = globalThis.forcefieldDom;

function showFatal(message) {
  main.replaceChildren(alert('error', 'rt-error', message));
  main.setAttribute('aria-busy', 'false');
}

let core;
let orgUrl;
let view;

const usersText = (count) => (count === 1 ? '1 active user has' : `${count} active users have`);

function profileCard() {
  const { profile, user } = view;
  const facts = [
    ['Profile', profile.name, 'rt-profile-name'],
    ['Metadata API name', profile.fullName, 'rt-profile-full-name'],
    ['User license', profile.userLicense ?? '—', 'rt-profile-license'],
    ['Users', `${usersText(profile.activeUsers)} this profile`, 'rt-profile-users'],
  ];
  if (user) facts.unshift(['User', `${user.name} (${user.username})`, 'rt-user']);
  return h('section', { class: 'slds-card', 'data-ff': 'rt-profile' },
    h('header', { class: 'slds-card__header' }, h('h2', { class: 'slds-card__header-title' }, 'Profile')),
    h('div', { class: 'slds-card__body' },
      h('dl', { class: 'ff-facts' }, facts.map(([label, value, role]) => h('div', {}, h('dt', {}, label), h('dd', { 'data-ff': role }, value)))),
      h('p', { class: 'ff-muted' },
        'A default record type can be set only on a profile, never in a permission set. ',
        profile.integration
          ? 'This is an integration profile: its Setup page doesn\'t offer defaults for standard objects, so Forcefield sets them through the Metadata API and reads the profile again to check.'
          : 'Forcefield sets them through the Metadata API and reads the profile again to check.')));
}

function labelOf(object, fullName) {
  return object.recordTypes.find((rt) => rt.fullName === fullName)?.label ?? fullName;
}

/** One object's record types: a radio per record type, then Review → confirm → set. */
function objectCard(object) {
  const name = `default-${object.object}`;
  const body = h('div', { class: 'slds-card__body' });
  const section = h('section', { class: 'slds-card', 'data-ff': 'rt-object', 'data-object': object.object },
    h('header', { class: 'slds-card__header' }, h('h2', { class: 'slds-card__header-title' }, object.object)), body);
  const review = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'rt-review', disabled: true }, 'Review change…');
  const outcome = h('div', { 'data-ff': 'rt-outcome', 'aria-live': 'polite' });
  const rows = object.recordTypes.map((rt) => {
    const id = `${name}-${rt.fullName}`;
    const radio = h('input', { type: 'radio', name, id, value: rt.fullName, 'data-ff': 'rt-choice', checked: rt.default, disabled: !rt.active });
    radio.addEventListener('change', () => {
      review.disabled = radio.value === object.default;
      outcome.replaceChildren();
    });
    return h('tr', { 'data-ff': 'rt-row', 'data-record-type': rt.fullName, 'data-default': String(rt.default) },
      h('td', {}, radio),
      h('td', {}, h('label', { for: id }, rt.label), ' ', h('code', {}, rt.fullName)),
      h('td', { 'data-ff': 'rt-visible' }, rt.visible ? 'Yes' : 'No'),
      h('td', {}, rt.active ? (rt.default ? 'Default' : '') : 'Inactive'));
  });
  body.append(
    h('p', { 'data-ff': 'rt-current' }, object.default ? `Default: ${labelOf(object, object.default)}` : 'No default record type for this profile.'),
    h('table', { class: 'slds-table' },
      // The same columns in every object's table.
      h('colgroup', {}, ['5rem', 'auto', '6rem', '8rem'].map((width) => h('col', { style: `width: ${width}` }))),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Default'), h('th', { scope: 'col' }, 'Record type'), h('th', { scope: 'col' }, 'Visible'), h('th', { scope: 'col' }, ''))),
      h('tbody', {}, rows)),
    h('div', { class: 'ff-actions' }, review),
    outcome);
  review.addEventListener('click', () => {
    const chosen = body.querySelector(`input[name="${CSS.escape(name)}"]:checked`)?.value;
    if (!chosen || chosen === object.default) return;
    review.disabled = true;
    outcome.replaceChildren(confirmation(object, chosen, section, review, outcome));
    outcome.querySelector('[data-ff="rt-confirm-yes"]')?.focus();
  });
  return section;
}

function confirmation(object, chosen, section, review, outcome) {
  const { profile } = view;
  const yes = h('button', { type: 'button', class: 'slds-button slds-button_brand', 'data-ff': 'rt-confirm-yes' }, 'Set default');
  const no = h('button', { type: 'button', class: 'slds-button', 'data-ff': 'rt-confirm-no' }, 'Cancel');
  const panel = h('div', { class: 'ff-confirm', role: 'group', 'aria-label': 'Confirm default record type', 'data-ff': 'rt-confirm' },
    h('p', {}, `Make ${labelOf(object, chosen)} the default ${object.object} record type of the profile ${profile.name}?`),
    h('p', { 'data-ff': 'rt-confirm-users' }, `${usersText(profile.activeUsers)} this profile; the change applies to all of them.`),
    h('p', { class: 'ff-muted' }, object.default
      ? `Forcefield sends only this change (${chosen} becomes the default and visible; ${object.default} stops being the default) and reads the profile again to check.`
      : `Forcefield sends only this change (${chosen} becomes the default and visible) and reads the profile again to check.`),
    h('div', { class: 'ff-actions' }, yes, no));
  no.addEventListener('click', () => {
    outcome.replaceChildren();
    review.disabled = false;
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    no.disabled = true;
    panel.setAttribute('aria-busy', 'true');
    const reply = await core({
      type: 'setDefaultRecordType', orgUrl,
      profileId: profile.id, profileName: profile.name, profileFullName: profile.fullName,
      recordType: chosen, shownDefault: object.default ?? null,
    }).catch((error) => ({ type: 'failed', message: String(error?.message ?? error) }));
    if (reply.type === 'defaultRecordTypeSet') {
      const index = view.objects.findIndex((o) => o.object === reply.object.object);
      if (index >= 0) view.objects[index] = reply.object;
      const fresh = objectCard(reply.object);
      fresh.querySelector('[data-ff="rt-outcome"]').append(alert('success', 'rt-result',
        `${labelOf(reply.object, reply.object.default)} is now the default ${reply.object.object} record type of ${profile.name}: Forcefield read the profile again to check.`));
      fresh.querySelector('[data-ff="rt-result"]').dataset.outcome = 'verified';
      section.replaceWith(fresh);
      return;
    }
    const message = reply.message ?? 'The default record type was not changed.';
    const problem = alert('error', 'rt-result', h('p', { 'data-ff': 'rt-message' }, message));
    problem.dataset.outcome = 'notSet';
    if (reply.settingsUrl) {
      problem.append(h('p', {}, h('a', { href: reply.settingsUrl, target: '_blank', rel: 'noopener noreferrer', 'data-ff': 'rt-settings-link' },
        `Open ${profile.name}'s ${object.object} record type settings in Setup`)));
    }
    outcome.replaceChildren(problem);
    review.disabled = false;
  });
  return panel;
}

function render() {
  const objects = view.objects.length
    ? view.objects.map(objectCard)
    : [alert('warning', 'rt-none', 'This org has no record types the profile can use.')];
  main.replaceChildren(profileCard(), ...objects);
  main.setAttribute('aria-busy', 'false');
  document.body.dataset.ffReady = 'true';
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
  if (!orgUrl || !/^https:/.test(orgUrl)) return showFatal('Open this page from a Salesforce tab.');
  // Remember the org, so a reload works after the Setup tab has moved on.
  const remembered = new URLSearchParams(params);
  remembered.set('org', new URL(orgUrl).origin + '/');
  if (storeId) remembered.set('store', storeId);
  history.replaceState(null, '', `?${remembered}`);
  const request = { type: 'recordTypeDefaults', orgUrl };
  if (params.get('user')) request.userId = params.get('user');
  else if (params.get('profile')) request.profileId = params.get('profile');
  const reply = await core(request);
  if (reply.type !== 'recordTypeDefaults') return showFatal(reply.message ?? 'The profile could not be read.');
  view = reply;
  render();
}

start().catch((error) => showFatal(`The record types page failed to start: ${error?.message ?? error}`));
