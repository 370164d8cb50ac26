// The generator's Metadata API export, read by Salesforce's own library behind
// `sf project deploy start` (npm @salesforce/source-deploy-retrieve): the files in force-app/ are
// written by the Rust core (tests/generator_xml_fixtures.rs checks they are current). They are
// converted from source to Metadata API format and back, and compared with the real retrieved
// files the facts quote (§E, §H.Q4).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'force-app');
const sets = path.join(source, 'main/default/permissionsets');
const NAMES = ['Integration_Marketo', 'Integration_NetSuite', 'SfInspector'];

// salesforce.md §E: the real retrieved SFIR test permission set, verbatim.
const RETRIEVED_SFIR = await readFile(path.join(here, '../fixtures/metadata/SfInspector.retrieved.permissionset-meta.xml'), 'utf8');

const topLevelElements = (xml) => [...xml.matchAll(/^ {4}<([A-Za-z]+)>/gm)].map((m) => m[1]);

test('source-deploy-retrieve resolves and converts every export without error', async () => {
  const components = ComponentSet.fromSource(source);
  assert.deepEqual([...components].map((c) => `${c.type.name}:${c.fullName}`).sort(),
    NAMES.map((name) => `PermissionSet:${name}`));
  const out = await mkdtemp(path.join(tmpdir(), 'forcefield-mdapi-'));
  try {
    const result = await new MetadataConverter().convert(components, 'metadata',
      { type: 'directory', outputDirectory: out, genUniqueDir: false });
    assert.equal(result.packagePath, out);
    assert.deepEqual((await readdir(path.join(out, 'permissionsets'))).sort(),
      NAMES.map((name) => `${name}.permissionset`));
    for (const name of NAMES) {
      const converted = await readFile(path.join(out, 'permissionsets', `${name}.permissionset`), 'utf8');
      const exported = await readFile(path.join(sets, `${name}.permissionset-meta.xml`), 'utf8');
      assert.equal(converted, exported, `${name}: the Metadata API file is the export itself`);
    }
    const manifest = await readFile(path.join(out, 'package.xml'), 'utf8');
    for (const name of NAMES) assert.match(manifest, new RegExp(`<members>${name}</members>`));
    assert.match(manifest, /<name>PermissionSet<\/name>/);

    // And back to source format, as `sf project retrieve` would write it.
    const back = await mkdtemp(path.join(tmpdir(), 'forcefield-source-'));
    try {
      await new MetadataConverter().convert(ComponentSet.fromSource(out), 'source',
        { type: 'directory', outputDirectory: back, genUniqueDir: false });
      for (const name of NAMES) {
        const [file] = (await readdir(back, { recursive: true })).filter((f) => f.endsWith(`${name}.permissionset-meta.xml`));
        assert.ok(file, `${name} converted back to source format`);
        assert.equal(await readFile(path.join(back, file), 'utf8'),
          await readFile(path.join(sets, `${name}.permissionset-meta.xml`), 'utf8'));
      }
    } finally {
      await rm(back, { recursive: true, force: true });
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('exports have the shape of files retrieved from real orgs', async () => {
  // Imported from the retrieved file and exported again by the core: byte for byte (salesforce.md §E).
  assert.equal(await readFile(path.join(sets, 'SfInspector.permissionset-meta.xml'), 'utf8'), RETRIEVED_SFIR);
  const retrievedOrder = topLevelElements(RETRIEVED_SFIR);
  for (const name of NAMES) {
    const xml = await readFile(path.join(sets, `${name}.permissionset-meta.xml`), 'utf8');
    const elements = topLevelElements(xml);
    assert.deepEqual(elements, [...elements].sort(), `${name}: top-level elements in alphabetical order, as retrieved`);
    assert.ok(retrievedOrder.filter((e) => elements.includes(e))
      .every((e, i, shared) => i === 0 || elements.indexOf(shared[i - 1]) <= elements.indexOf(e)));
  }
  // salesforce.md §H.Q4: a set licensed with the integration PSL names its DeveloperName; None has no element.
  const netsuite = await readFile(path.join(sets, 'Integration_NetSuite.permissionset-meta.xml'), 'utf8');
  assert.match(netsuite, /\n {4}<license>SalesforceAPIIntegrationPsl<\/license>\n/);
  assert.match(netsuite, /<userPermissions>\n {8}<enabled>true<\/enabled>\n {8}<name>PasswordNeverExpires<\/name>/);
  const marketo = await readFile(path.join(sets, 'Integration_Marketo.permissionset-meta.xml'), 'utf8');
  assert.doesNotMatch(marketo, /<license>/);
});
