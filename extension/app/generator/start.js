// "Start from": a blank set, an existing permission set or profile, the union of several, a saved
// template or a Metadata API XML file; every one is read by the core into a spec the page adopts.
import { alert, card, failure, h, nextId, textInput } from '../slds.js';
import { fromSpec } from '../spec.js';
import { changed, currentSpec } from './plan.js';
import { fieldsOf, page, state } from './state.js';

export function renderStart(container, rerenderAll) {
  const select = h('select', { class: 'slds-select', id: nextId('start'), 'data-ff': 'start-from' });
  select.append(h('option', { value: 'blank' }, 'Blank'));
  const group = (label, entries) => entries.length ? h('optgroup', { label }, entries) : null;
  select.append(
    group('Templates', page.context.templates.map((t) => h('option', { value: `template:${t.name}` }, t.name))),
    group('Copy a permission set', page.context.permissionSets.map((p) => h('option', { value: `permissionSet:${p.id}` }, `${p.label} (${p.name})`))),
    group('Copy a profile', (page.context.profiles ?? []).map((p) => h('option', { value: `profile:${p.id}` }, p.name))));
  const message = h('div', { 'aria-live': 'polite' });
  const load = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'load-start' }, 'Start from this');
  const remove = h('button', { type: 'button', class: 'slds-button slds-button_text-destructive', 'data-ff': 'delete-template', hidden: true }, 'Delete template');
  select.addEventListener('change', () => { remove.hidden = !select.value.startsWith('template:'); });
  load.addEventListener('click', async () => {
    const [kind, id] = [select.value.split(':')[0], select.value.slice(select.value.indexOf(':') + 1)];
    if (kind === 'blank') return adopt({ type: 'spec', spec: null, warnings: [] }, message, rerenderAll, true);
    const request = kind === 'template' ? { type: 'loadTemplate', name: id }
      : { type: 'loadAccess', orgUrl: page.orgUrl, source: kind === 'profile' ? { profileId: id } : { permissionSetId: id } };
    load.disabled = true;
    // A copy of another set's or profile's access is a starting point: the name stays this one's,
    // so applying creates a new set instead of updating the one copied from.
    adopt(await page.core(request), message, rerenderAll, kind !== 'template');
    load.disabled = false;
  });
  remove.addEventListener('click', async () => {
    const reply = await page.core({ type: 'deleteTemplate', name: select.value.slice('template:'.length) });
    if (reply.type === 'templates') {
      page.context.templates = reply.templates;
      renderStart(container, rerenderAll);
    } else message.replaceChildren(failure(reply));
  });

  const file = h('input', { type: 'file', accept: '.xml,.permissionset,text/xml,application/xml', 'data-ff': 'import-xml', class: 'ff-file' });
  file.addEventListener('change', async () => {
    const [chosen] = file.files;
    if (!chosen) return;
    adopt(await page.core({ type: 'importXml', xml: await chosen.text(), fileName: chosen.name }), message, rerenderAll);
    file.value = '';
  });

  // Several sets and profiles at once: the core merges them (src/generator/sources.rs).
  const unionChoices = h('select', { class: 'slds-select', id: nextId('union'), multiple: true, size: 4, 'data-ff': 'union-sources' },
    group('Permission sets', page.context.permissionSets.map((p) => h('option', { value: `permissionSet:${p.id}` }, `${p.label} (${p.name})`))),
    group('Profiles', (page.context.profiles ?? []).map((p) => h('option', { value: `profile:${p.id}` }, p.name))));
  const loadUnion = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'load-union' }, 'Start from their union');
  loadUnion.addEventListener('click', async () => {
    const sources = [...unionChoices.selectedOptions].map((option) => {
      const [kind, id] = [option.value.split(':')[0], option.value.slice(option.value.indexOf(':') + 1)];
      return kind === 'profile' ? { profileId: id } : { permissionSetId: id };
    });
    loadUnion.disabled = true;
    adopt(await page.core({ type: 'loadUnion', orgUrl: page.orgUrl, sources }), message, rerenderAll, true);
    loadUnion.disabled = false;
  });

  const templateName = textInput('Save these choices as a template', { 'data-ff': 'template-name', placeholder: 'Template name' });
  const save = h('button', { type: 'button', class: 'slds-button slds-button_neutral', 'data-ff': 'save-template' }, 'Save template');
  save.addEventListener('click', async () => {
    const name = templateName.querySelector('input').value.trim();
    if (!name) return message.replaceChildren(alert('error', 'error', 'Name the template first.'));
    const reply = await page.core({ type: 'saveTemplate', name, spec: await currentSpec() });
    if (reply.type !== 'templates') return message.replaceChildren(failure(reply));
    page.context.templates = reply.templates;
    renderStart(container, rerenderAll);
  });

  container.replaceChildren(card('Start from', 'start',
    ...(page.context.setAsideTemplates ?? []).map((kept) => setAsideNotice(kept)),
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
    const reply = await page.core({ type: 'forgetUnreadable', key: kept.key });
    if (reply.type !== 'forgotten') {
      forget.disabled = false;
      return notice.append(failure(reply));
    }
    page.context.setAsideTemplates = page.context.setAsideTemplates.filter((k) => k !== kept);
    notice.remove();
  });
  const raw = h('details', {}, h('summary', {}, 'Show their content'), h('pre', { class: 'ff-raw', 'data-ff': 'set-aside-raw' }, kept.raw));
  notice.append(h('div', {}, h('p', {}, kept.message), raw, h('div', { class: 'ff-actions' }, save, forget)));
  return notice;
}

/** Takes a `spec` reply (template, copy, XML) as the page's new choices. */
export async function adopt(reply, message, rerenderAll, keepName = false) {
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
