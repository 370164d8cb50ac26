// The core's storage in the CLI: the lasting area is one JSON file per key under the CLI's state
// directory, each written to a temporary file, flushed to disk and renamed over the old one, so
// a process killed at any moment (kill -9 during an apply) leaves every key either as it was or
// as written, and the apply's journal survives for `--resume`. The per-session area (caches the
// browser keeps until it closes) lasts one command.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export type Area = 'local' | 'session';

/** Where a key's value lives: its name made safe for a file name. */
function fileOf(dir: string, key: string): string {
  return join(dir, `${encodeURIComponent(key)}.json`);
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
}
