// The generator page's state: the admin's choices (`state`, which spec.js turns into the core's
// PermissionSetSpec and back), the page's handle on the core and its org (`page`), and the
// sections every card draws into. Cards read and change it; only generator.js sets `page`.
import { h } from '../slds.js';

/**
 * The page's handle on the core and its org, set once by generator.js as the page starts:
 * `core(request)` asks the core (through this browser's session for the org), `orgUrl` names the
 * org in every request, `context` is the core's `generatorContext` reply, and `rerender()` draws
 * the cards that follow the choices again.
 */
export const page = { core: null, orgUrl: null, context: null, rerender: () => {} };

export const KIND_LABELS = { production: 'Production', sandbox: 'Sandbox', scratch: 'Scratch org', developerEdition: 'Developer Edition' };

export function slot(role) {
  return h('div', { 'data-ff': role });
}

/** Everything the page knows; `spec.js` turns it into the core's PermissionSetSpec and back. */
export const state = {
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
const fieldCache = new Map(); // sobject → Promise<fields[]>

export function fieldsOf(sobject) {
  if (!fieldCache.has(sobject)) {
    fieldCache.set(sobject, page.core({ type: 'objectFields', orgUrl: page.orgUrl, sobject }).then((reply) => {
      if (reply.type !== 'objectFields') {
        fieldCache.delete(sobject);
        throw new Error(reply.message ?? `The fields of ${sobject} could not be read.`);
      }
      return reply.fields;
    }));
  }
  return fieldCache.get(sobject);
}

export const sections = {
  pending: h('div', { 'data-ff': 'pending-applies' }),
  user: h('div'),
  start: h('div'),
  identity: h('div'),
  license: h('div'),
  objects: h('div'),
  system: h('div'),
};
