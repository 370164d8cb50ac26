// The generator page's only logic of its own (extension/app/spec.js): object access dependencies
// as the admin clicks, and the page's choices ↔ the core's PermissionSetSpec (src/model.rs).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCESS_LEVELS, applyAccessChange, fromSpec, toSpec } from '../../extension/app/spec.js';

const NONE = Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, false]));
const on = (access) => ACCESS_LEVELS.map(([key]) => key).filter((key) => access[key]);

describe('generator page: object access dependencies (facts §C.2)', () => {
  test('turning a level on turns on what it needs', () => {
    assert.deepEqual(on(applyAccessChange(NONE, 'create', true)), ['read', 'create']);
    assert.deepEqual(on(applyAccessChange(NONE, 'delete', true)), ['read', 'edit', 'delete']);
    assert.deepEqual(on(applyAccessChange(NONE, 'viewAll', true)), ['read', 'viewAll']);
    assert.deepEqual(on(applyAccessChange(NONE, 'modifyAll', true)), ['read', 'edit', 'delete', 'viewAll', 'modifyAll']);
  });

  test('turning a level off turns off what needs it', () => {
    const all = Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, true]));
    assert.deepEqual(on(applyAccessChange(all, 'read', false)), []);
    assert.deepEqual(on(applyAccessChange(all, 'edit', false)), ['read', 'create', 'viewAll']);
    assert.deepEqual(on(applyAccessChange(all, 'viewAll', false)), ['read', 'create', 'edit', 'delete']);
    assert.deepEqual(on(applyAccessChange(all, 'modifyAll', false)), ['read', 'create', 'edit', 'delete', 'viewAll']);
  });

  test('every reachable state keeps the rules, whatever order the boxes are clicked in', () => {
    const keys = ACCESS_LEVELS.map(([key]) => key);
    let states = [NONE];
    const seen = new Set();
    while (states.length) {
      const next = [];
      for (const state of states) {
        const id = JSON.stringify(state);
        if (seen.has(id)) continue;
        seen.add(id);
        if ((state.create || state.edit || state.viewAll) && !state.read) assert.fail(`read missing in ${id}`);
        if (state.delete && !(state.read && state.edit)) assert.fail(`delete without read+edit in ${id}`);
        if (state.modifyAll && !(state.read && state.edit && state.delete && state.viewAll)) assert.fail(`modifyAll incomplete in ${id}`);
        for (const key of keys) next.push(applyAccessChange(state, key, !state[key]));
      }
      states = next;
    }
    assert.ok(seen.size > 6, `explored ${seen.size} states`);
  });
});

describe('generator page: choices ↔ PermissionSetSpec', () => {
  const fields = [
    { name: 'Name', grant: 'readEdit' },
    { name: 'Industry', grant: 'readEdit' },
    { name: 'CreatedDate', grant: 'readOnly' },
    { name: 'Id', grant: 'none' },
  ];
  const base = () => ({
    integrationName: 'Tableau', label: 'Integration – Tableau', apiName: 'Integration_Tableau', description: '',
    license: 'none', systemPermissions: new Set(['PasswordNeverExpires']), objects: new Map(),
  });

  test('"all permissionable" grants each field as far as it can be granted; "all read-only" reads', () => {
    const state = base();
    state.objects.set('Account', { access: { ...NONE, read: true }, fieldMode: 'all', picked: new Map() });
    const spec = toSpec(state, new Map([['Account', fields]]));
    assert.deepEqual(spec.fields, { 'Account.Name': 'readEdit', 'Account.Industry': 'readEdit', 'Account.CreatedDate': 'read' });
    state.objects.get('Account').fieldMode = 'readOnly';
    assert.deepEqual(toSpec(state, new Map([['Account', fields]])).fields,
      { 'Account.Name': 'read', 'Account.Industry': 'read', 'Account.CreatedDate': 'read' });
  });

  test('a spec read back gives the same spec', () => {
    const state = base();
    state.license = 'integration';
    state.objects.set('Contact', { access: { ...NONE, read: true, create: true }, fieldMode: 'pick', picked: new Map([['Email', 'readEdit']]) });
    const spec = toSpec(state, new Map());
    assert.deepEqual(spec, {
      name: 'Integration_Tableau', label: 'Integration – Tableau', description: '', license: 'integrationPsl',
      objects: { Contact: { ...NONE, read: true, create: true } }, fields: { 'Contact.Email': 'readEdit' },
      systemPermissions: ['PasswordNeverExpires'],
    });
    const back = fromSpec(spec);
    assert.equal(back.integrationName, 'Tableau');
    assert.deepEqual(toSpec({ ...back }, new Map()), spec);
  });

  test('fields of an object the spec grants no object access to still come back', () => {
    const back = fromSpec({ name: 'X', label: 'X', fields: { 'Case.Subject': 'read', broken: 'read' } });
    assert.deepEqual([...back.objects.keys()], ['Case']);
    assert.equal(back.objects.get('Case').picked.get('Subject'), 'read');
    assert.equal(back.integrationName, 'X');
  });
});
