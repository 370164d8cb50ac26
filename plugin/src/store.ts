// The core's storage in the CLI: the lasting area is one JSON file per key under the CLI's state
// directory, each written to a temporary file, flushed to disk and renamed over the old one, so
// a process killed at any moment (kill -9 during an apply) leaves every key either as it was or
// as written, and the apply's journal survives for `--resume`. The per-session area (caches the
// browser keeps until it closes) lasts one command.
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export type Area = 'local' | 'session';

/** Where a key's value lives: its name made safe for a file name. */
function fileOf(dir: string, key: string): string {
  return join(dir, `${encodeURIComponent(key)}.json`);
}

/** The key a value's file holds, or null for a file that isn't one (a temporary file). */
function keyOf(name: string): string | null {
  if (!name.endsWith('.json')) return null;
  try {
    return decodeURIComponent(name.slice(0, -'.json'.length));
  } catch {
    return null;
  }
}

export class CoreStore {
  private readonly session = new Map<string, string>();
  private ready: Promise<unknown> | undefined;

  public constructor(private readonly dir: string) {}

  public async get(area: Area, key: string): Promise<string | null> {
    if (area === 'session') return this.session.get(key) ?? null;
    try {
      return await readFile(fileOf(this.dir, key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  public async set(area: Area, key: string, json: string): Promise<void> {
    if (area === 'session') {
      this.session.set(key, json);
      return;
    }
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.ready;
    const target = fileOf(this.dir, key);
    if (json === 'null') {
      await unlink(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      return;
    }
    const temporary = `${target}.${process.pid}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(json, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
    // The rename itself reaches the disk with the directory.
    const directory = await open(this.dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  /** The keys of `area` that start with `prefix` (the core lists its stored applies this way). */
  public async keys(area: Area, prefix: string): Promise<string[]> {
    if (area === 'session') return [...this.session.keys()].filter((key) => key.startsWith(prefix));
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.map(keyOf).filter((key): key is string => key !== null && key.startsWith(prefix));
  }
}
