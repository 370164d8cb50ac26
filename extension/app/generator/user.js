// The integration user card: who the set is for, the assignment's optional expiry, and
// creating the integration user first.
import { alert, card, checkbox, failure, h, nextId, textInput } from '../slds.js';
import { renderIdentity, setIntegrationName } from './identity.js';
import { changed } from './plan.js';
import { page, sections, state } from './state.js';

export function renderUser(container) {
  const user = page.context.user;
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
    const recordTypes = new URLSearchParams({ org: page.orgUrl, user: user.id });
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
export let expiryField = null;

/** An ISO dateTime as the browser's local `datetime-local` value. */
export function localTime(iso) {
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
    const request = { type: 'createIntegrationUser', orgUrl: page.orgUrl, lastName: value('lastName'), username: value('username'), email: value('email') };
    if (value('firstName')) request.firstName = value('firstName');
    if (value('alias')) request.alias = value('alias');
    const reply = await page.core(request);
    if (reply.type !== 'userCreated') {
      result.replaceChildren(failure(reply));
      create.disabled = false;
      return;
    }
    const fresh = await page.core({ type: 'generatorContext', orgUrl: page.orgUrl, userId: reply.userId });
    if (fresh.type === 'generatorContext' && fresh.user) {
      page.context.user = fresh.user;
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
