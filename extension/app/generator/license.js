// The permission set licence the set is made for.
import { card, h, nextId } from '../slds.js';
import { changed } from './plan.js';
import { page, slot, state } from './state.js';

export function renderLicense(container) {
  const psl = page.context.integrationPsl;
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
