/// <reference types="node" />
// Tests of the published artifact read dist/. `npm test` and .ci/run build it
// first; when a test file is run on its own and dist/ is missing or older than
// src/, build it here, once, under a lock so that two test files running in
// parallel never clean dist/ under each other.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  const marker = join(root, 'dist/index.js');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= newestMtime(join(root, 'src'));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Makes sure dist/ holds a build of the current src/. */
export function ensureDist(): void {
  if (fresh()) return;
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const lock = join(root, '.tmp/dist.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than 3 minutes is a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error('ensureDist: timed out waiting for .tmp/dist.lock');
      sleep(250);
    }
  }
  try {
    if (!fresh()) {
      execFileSync(join(root, 'node_modules/.bin/tsup'), [], { cwd: root, stdio: 'pipe' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
