// The generator page's choices ↔ the core's PermissionSetSpec (src/protocol.rs), and the two
// instant checks the page shows while the admin types. The core checks everything again when it
// plans (blockers), so these only keep the form honest between previews.

/** Object access levels in Setup's order (facts §C.2). */
export const ACCESS_LEVELS = [
  ['read', 'Read'], ['create', 'Create'], ['edit', 'Edit'], ['delete', 'Delete'], ['viewAll', 'View All'], ['modifyAll', 'Modify All'],
];

// Object permission dependencies (facts §C.2): Create, Edit, View All need Read; Delete needs
// Read and Edit; Modify All needs Read, Edit, Delete and View All.
const REQUIRES = { read: [], create: ['read'], edit: ['read'], delete: ['read', 'edit'], viewAll: ['read'], modifyAll: ['read', 'edit', 'delete', 'viewAll'] };

/** The access after turning `key` on or off, with dependencies applied both ways. */
export function applyAccessChange(access, key, on) {
  const next = { ...access, [key]: on };
  if (on) for (const required of REQUIRES[key]) next[required] = true;
  else {
    for (const [other, required] of Object.entries(REQUIRES)) if (required.includes(key)) next[other] = false;
  }
  return next;
}

export function integrationLabel(name) {
  return `Integration – ${name.trim()}`;
}

/**
 * An API name from the integration's name, within Salesforce's Name rules (facts §C.1): letters,
 * digits and underscores; starts with a letter; no `__`; no trailing `_`; at most 80 characters.
 */
export function deriveApiName(name) {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const words = ascii.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const full = `Integration_${words}`.replace(/_+$/, '');
  return full.slice(0, 80).replace(/_+$/, '');
}

/** Why `apiName` breaks Salesforce's Name rules (facts §C.1), or null. */
export function apiNameProblem(apiName) {
  if (!apiName) return 'Enter an API name.';
  if (apiName.length > 80) return 'The API name can be at most 80 characters.';
  if (!/^[A-Za-z]/.test(apiName)) return 'The API name must begin with a letter.';
  if (/[^A-Za-z0-9_]/.test(apiName)) return 'The API name can contain only letters, digits and underscores.';
  if (apiName.includes('__')) return 'The API name cannot contain two consecutive underscores.';
  if (apiName.endsWith('_')) return 'The API name cannot end with an underscore.';
  return null;
}

const LICENSE_IN_SPEC = { none: 'none', integration: 'salesforceApiIntegration' };

/**
 * The core's spec from the page's state; `fieldsByObject` holds each chosen object's described
 * fields, so the "all" modes become explicit field permissions.
 */
export function toSpec(state, fieldsByObject) {
  const objects = [];
  const fields = [];
  for (const [sobject, chosen] of state.objects) {
    objects.push({ sobject, ...chosen.access });
    const described = fieldsByObject.get(sobject) ?? [];
    if (chosen.fieldMode === 'pick') {
      for (const [name, access] of chosen.picked) fields.push({ field: `${sobject}.${name}`, access });
    } else {
      for (const f of described) {
        if (f.grant === 'none') continue;
        const access = chosen.fieldMode === 'all' && f.grant === 'readEdit' ? 'readEdit' : 'read';
        fields.push({ field: `${sobject}.${f.name}`, access });
      }
    }
  }
  return {
    name: state.apiName,
    label: integrationLabel(state.integrationName),
    description: state.description || null,
    license: LICENSE_IN_SPEC[state.license],
    objects,
    fields,
    systemPermissions: [...state.systemPermissions],
  };
}

/** The page's state from a spec (template, copied access, imported XML); null = blank. */
export function fromSpec(spec) {
  const blank = {
    integrationName: '', apiName: '', apiNameEdited: false, description: '', license: 'none',
    objects: new Map(), systemPermissions: new Set(),
  };
  if (!spec) return blank;
  const label = spec.label ?? '';
  const integrationName = label.startsWith('Integration – ') ? label.slice('Integration – '.length) : label;
  const objects = new Map();
  for (const o of spec.objects ?? []) {
    const access = Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, Boolean(o[key])]));
    objects.set(o.sobject, { access, fieldMode: 'pick', picked: new Map() });
  }
  for (const f of spec.fields ?? []) {
    const dot = f.field.indexOf('.');
    const sobject = f.field.slice(0, dot);
    if (!objects.has(sobject)) {
      objects.set(sobject, { access: Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, false])), fieldMode: 'pick', picked: new Map() });
    }
    objects.get(sobject).picked.set(f.field.slice(dot + 1), f.access);
  }
  const license = Object.entries(LICENSE_IN_SPEC).find(([, value]) => value === spec.license)?.[0] ?? 'none';
  return {
    ...blank,
    integrationName,
    apiName: spec.name ?? '',
    apiNameEdited: Boolean(spec.name),
    description: spec.description ?? '',
    license,
    objects,
    systemPermissions: new Set(spec.systemPermissions ?? []),
  };
}
