// The set's name, label and API name (derived and checked by the core) and which set an apply
// writes to.
import { card, h, nextId, textInput } from '../slds.js';
import { changed } from './plan.js';
import { page, state } from './state.js';

let namesAsked = 0;

/** Label "Integration – <name>" and the API name, derived and checked by the core (salesforce.md §C.1). */
export async function setIntegrationName(name) {
  state.integrationName = name;
  const asked = ++namesAsked;
  const reply = await page.core({ type: 'deriveNames', integrationName: name });
  if (asked !== namesAsked || reply.type !== 'names') return;
  state.label = reply.label;
  if (!state.apiNameEdited) {
    state.apiName = reply.name;
    state.nameProblems = reply.problems;
  }
}

export function renderIdentity(container) {
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
    page.context.permissionSets.map((p) => h('option', { value: p.id, '.selected': p.id === state.targetPermissionSetId }, `Update ${p.label} (${p.name})`)));
  target.addEventListener('change', () => { state.targetPermissionSetId = target.value || null; changed(); });

  container.replaceChildren(card('Permission set', 'identity',
    h('div', { class: 'ff-grid' }, name,
      h('div', { class: 'slds-form-element' }, h('span', { class: 'slds-form-element__label' }, 'Label'), h('div', { class: 'ff-static' }, label)),
      h('div', {}, apiName, problem),
      h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: target.id }, 'Create or update'), target)),
    h('div', { class: 'slds-form-element' }, h('label', { class: 'slds-form-element__label', for: description.id }, 'Description'), description)));
}
