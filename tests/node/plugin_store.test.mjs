// The sf plugin's storage for the core (plugin/src/store.ts, built into plugin/lib/): the lasting
// area is one file per key, replaced whole (temporary file, flushed, renamed), so what a killed
// process leaves is each key as it was or as written; the per-session area lasts one command.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CoreStore } from '../../plugin/lib/store.js';

test('values last across stores on the same directory, one file per key, no temporary file left', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'forcefield-store-'));
  try {
    const store = new CoreStore(dir);
    await store.set('local', 'generatorApply:00DAM0000000001:a1', '{"status":"running"}');
    await store.set('local', 'generatorApply:00DAM0000000001:a1', '{"status":"done"}');
    await store.set('local', 'generatorTemplates', '{}');
    await store.set('session', 'apiVersion:00DAM0000000001', '"66.0"');
    assert.deepEqual((await readdir(dir)).sort(), [
      'generatorApply%3A00DAM0000000001%3Aa1.json', 'generatorTemplates.json']);

    const later = new CoreStore(dir);
    assert.equal(await later.get('local', 'generatorApply:00DAM0000000001:a1'), '{"status":"done"}');
    // The session area is the command's own.
    assert.equal(await later.get('session', 'apiVersion:00DAM0000000001'), null);
    assert.equal(await store.get('session', 'apiVersion:00DAM0000000001'), '"66.0"');

    // Writing null removes the key.
    await later.set('local', 'generatorTemplates', 'null');
    assert.equal(await later.get('local', 'generatorTemplates'), null);
    assert.deepEqual(await readdir(dir), ['generatorApply%3A00DAM0000000001%3Aa1.json']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a write cut short by a kill leaves the old value readable and no key of its own', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'forcefield-store-'));
  try {
    const store = new CoreStore(dir);
    await store.set('local', 'journal', '{"step":1}');
    // What a process killed between writing its temporary file and renaming it leaves behind.
    await writeFile(path.join(dir, 'journal.json.4242.tmp'), '{"step":2');
    const after = new CoreStore(dir);
    assert.equal(await after.get('local', 'journal'), '{"step":1}');
    assert.equal(await after.get('local', 'journal.json.4242'), null);
    // The core lists its stored journals by prefix: the temporary file is no key.
    assert.deepEqual(await after.keys('local', 'journal'), ['journal']);
    assert.deepEqual(await after.keys('local', 'other'), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing directory has no values', async () => {
  const store = new CoreStore(path.join(tmpdir(), 'forcefield-store-never-created'));
  assert.equal(await store.get('local', 'anything'), null);
});
