// The generator page's choices ↔ the core's PermissionSetSpec (src/model.rs). Which object
// permissions follow a click is the core's answer (`objectAccessChange`), not the page's.

/** Object access levels in Setup's order (salesforce.md §C.2). */
export const ACCESS_LEVELS = [
  ['read', 'Read'], ['create', 'Create'], ['edit', 'Edit'], ['delete', 'Delete'], ['viewAll', 'View All'], ['modifyAll', 'Modify All'],
];

/** The label the core derives is "Integration – <name>" (src/generator/names.rs). */
const LABEL_PREFIX = 'Integration – ';

const LICENSE_IN_SPEC = { none: 'none', integration: 'integrationPsl' };

/**
 * The core's spec from the page's state; `fieldsByObject` holds each chosen object's described
 * fields, so the "all" modes become explicit field permissions.
 */
export function toSpec(state, fieldsByObject) {
  const objects = {};
  const fields = {};
  for (const [sobject, chosen] of state.objects) {
    objects[sobject] = { ...chosen.access };
    const described = fieldsByObject.get(sobject) ?? [];
    if (chosen.fieldMode === 'pick') {
      for (const [name, access] of chosen.picked) fields[`${sobject}.${name}`] = access;
    } else {
      for (const f of described) {
        if (f.grant === 'none') continue;
        fields[`${sobject}.${f.name}`] = chosen.fieldMode === 'all' && f.grant === 'readEdit' ? 'readEdit' : 'read';
      }
    }
  }
  return {
    name: state.apiName,
    label: state.label,
    description: state.description,
    license: LICENSE_IN_SPEC[state.license],
    objects,
    fields,
    systemPermissions: [...state.systemPermissions],
    ...(state.assignmentExpiration ? { assignmentExpiration: state.assignmentExpiration } : {}),
  };
}

/** The page's state from a spec (template, copied access, imported XML); null = blank. */
export function fromSpec(spec) {
  const blank = {
    integrationName: '', label: '', apiName: '', apiNameEdited: false, description: '', license: 'none',
    objects: new Map(), systemPermissions: new Set(), assignmentExpiration: null,
  };
  if (!spec) return blank;
  const label = spec.label ?? '';
  const integrationName = label.startsWith(LABEL_PREFIX) ? label.slice(LABEL_PREFIX.length) : label;
  const objects = new Map();
  for (const [sobject, granted] of Object.entries(spec.objects ?? {})) {
    const access = Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, Boolean(granted[key])]));
    // Kept as the spec has it (the core always names it; an older spec or file may not).
    if ('viewAllFields' in granted) access.viewAllFields = Boolean(granted.viewAllFields);
    objects.set(sobject, { access, fieldMode: 'pick', picked: new Map() });
  }
  for (const [field, access] of Object.entries(spec.fields ?? {})) {
    const dot = field.indexOf('.');
    if (dot < 1) continue;
    const sobject = field.slice(0, dot);
    if (!objects.has(sobject)) {
      objects.set(sobject, { access: Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, false])), fieldMode: 'pick', picked: new Map() });
    }
    objects.get(sobject).picked.set(field.slice(dot + 1), access);
  }
  const license = Object.entries(LICENSE_IN_SPEC).find(([, value]) => value === spec.license)?.[0] ?? 'none';
  return {
    ...blank,
    integrationName,
    label,
    apiName: spec.name ?? '',
    apiNameEdited: Boolean(spec.name),
    description: spec.description ?? '',
    license,
    objects,
    systemPermissions: new Set(spec.systemPermissions ?? []),
    assignmentExpiration: spec.assignmentExpiration ?? null,
  };
}
