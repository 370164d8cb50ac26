// System permissions: the short list for integrations with each one's risk; turning one on or off
// is the core's decision (its prerequisites at every level come along, what needs it goes).
import { card, h, nextId } from '../slds.js';
import { changed } from './plan.js';
import { page, state } from './state.js';

export const RISK_LABELS = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

export function renderSystemPermissions(container) {
  const byName = new Map(page.context.systemPermissions.map((p) => [p.name, p]));
  // What the core said each permission requires, handed back with each change.
  const requires = Object.fromEntries(page.context.systemPermissions.map((p) => [p.name, p.requires]));
  const boxes = new Map();
  const rows = page.context.systemPermissions.map((permission) => {
    const id = nextId('sys');
    const input = h('input', { type: 'checkbox', id, 'data-ff': 'system-permission-box', '.checked': state.systemPermissions.has(permission.name),
      disabled: !permission.available, 'aria-describedby': `${id}-why` });
    boxes.set(permission.name, input);
    input.addEventListener('change', async () => {
      // The core follows the org's dependencies (PermissionDependency, every level) both ways;
      // should it not answer, the boxes go back to the choices as they were.
      const reply = await page.core({ type: 'systemPermissionChange', chosen: [...state.systemPermissions], name: permission.name, on: input.checked, requires });
      if (reply?.type === 'systemPermissions') {
        state.systemPermissions.clear();
        for (const name of reply.chosen) state.systemPermissions.add(name);
      }
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
          permission.requiresObjects?.length ? ` Needs the object permission ${permission.requiresObjects.join(', ')}, which the preview adds.` : '',
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
