// File helpers shared by every adapter: node:fs is implemented by Node, Bun and Deno alike.
import { readFile, writeFile, stat as fsStat, readdir, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FileStat } from './types.ts';

export async function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

export async function writeTextFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
}

export async function stat(path: string): Promise<FileStat | null> {
  try {
    const s = await fsStat(path);
    return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'ENOTDIR') return null;
    throw err;
  }
}

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  }
  await walk(resolve(dir));
  return out.sort();
}

/** The four file members of the runtime contract, for the adapters to spread. */
export const files = { readTextFile, writeTextFile, stat, listFiles };
