// Loads Forcefield's core for Node: the WebAssembly the extension's generator page runs
// (scripts/build.sh builds it into pkg/generator; the plugin's build copies it into core/), with
// its wasm-bindgen glue, bound to a Node host.
import { readFile } from 'node:fs/promises';
import type { NodeHost } from './host.js';

/** A reply of the core: `{ type, ... }` (src/protocol/: each feature's replies). */
export type Reply = { type: string } & Record<string, unknown>;

export interface Core {
  ask(request: { type: string } & Record<string, unknown>, cookieStoreId: null): Promise<Reply>;
}

interface Glue {
  default(options: { module_or_path: Uint8Array }): Promise<unknown>;
  Core: new (host: NodeHost) => Core;
}

const coreDir = new URL('../core/', import.meta.url);

export async function loadCore(host: NodeHost): Promise<Core> {
  const glue = (await import(new URL('forcefield.js', coreDir).href)) as Glue;
  await glue.default({ module_or_path: await readFile(new URL('forcefield_bg.wasm', coreDir)) });
  return new glue.Core(host);
}
