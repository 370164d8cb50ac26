// Objects and fields: which objects the set reaches, with what access (the core keeps access
// dependencies), and which of their fields, as far as each can be granted.
import { alert, card, checkbox, h, nextId } from '../slds.js';
import { ACCESS_LEVELS } from '../spec.js';
import { changed } from './plan.js';
import { fieldsOf, page, state } from './state.js';
import { RISK_LABELS } from './system-permissions.js';

const OBJECTS_SHOWN = 150;

export function renderObjects(container) {
  const search = h('input', { class: 'slds-input', type: 'search', id: nextId('objsearch'), 'data-ff': 'object-search', placeholder: 'Search objects by label or API name', autocomplete: 'off' });
  const count = h('p', { class: 'ff-muted', 'aria-live': 'polite', 'data-ff': 'object-count' });
  const list = h('ul', { class: 'ff-objects', 'aria-label': 'Objects' });
  const draw = () => {
    const term = search.value.trim().toLowerCase();
    const matches = page.context.objects.filter((o) => state.objects.has(o.name)
      || !term || o.name.toLowerCase().includes(term) || o.label.toLowerCase().includes(term));
    matches.sort((a, b) => Number(state.objects.has(b.name)) - Number(state.objects.has(a.name)));
    const shown = matches.slice(0, OBJECTS_SHOWN);
    list.replaceChildren(...shown.map((o) => objectRow(o, draw)));
    count.textContent = `${state.objects.size} selected · ${matches.length} shown${matches.length > shown.length ? ` (first ${shown.length}; refine the search)` : ''} of ${page.context.objects.length} objects`;
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
      const reply = await page.core({ type: 'objectAccessChange', access: chosen.access, permission: key, on: input.checked });
      // Should the core not answer, the box goes back: the form never shows access it won't plan.
      if (reply?.type === 'objectAccess') chosen.access = reply.access;
      for (const [k, b] of boxes) b.checked = Boolean(chosen.access[k]);
      changed();
    });
    access.append(box);
  }
  // View All Fields (API 63.0+): offered where the org has it, with the core's risk and words.
  const viewAllFields = page.context.viewAllFields ?? { available: false };
  if (viewAllFields.available || chosen.access.viewAllFields) {
    const box = checkbox('View All Fields', { 'data-ff': 'access-viewAllFields', '.checked': Boolean(chosen.access.viewAllFields) });
    const input = box.querySelector('input');
    boxes.set('viewAllFields', input);
    input.addEventListener('change', async () => {
      const reply = await page.core({ type: 'viewAllFieldsChange', access: chosen.access, on: input.checked });
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
