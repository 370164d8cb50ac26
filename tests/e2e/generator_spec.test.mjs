// The generator page's only logic of its own (extension/app/spec.js): the page's choices ↔ the
// core's PermissionSetSpec (src/model.rs). Access dependencies are the core's (ObjectAccess::changed).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCESS_LEVELS, fromSpec, toSpec } from '../../extension/app/spec.js';

const NONE = Object.fromEntries(ACCESS_LEVELS.map(([key]) => [key, false]));

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
