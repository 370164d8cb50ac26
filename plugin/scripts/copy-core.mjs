// Copies the core the generator page loads (pkg/generator: the whole core, built by
// scripts/build.sh) into core/, so the plugin ships the same WebAssembly as the extension.
import { copyFile, mkdir, rm } from 'node:fs/promises';

const from = new URL('../../pkg/generator/', import.meta.url);
const to = new URL('../core/', import.meta.url);
await rm(to, { recursive: true, force: true });
await mkdir(to, { recursive: true });
for (const file of ['forcefield.js', 'forcefield_bg.wasm']) {
  await copyFile(new URL(file, from), new URL(file, to));
}
