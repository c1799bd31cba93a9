/// <reference types="node" />
// The rows of the bad-input table (test/bad-input.test.ts) that need the file
// system: hostile model files for loadModel.
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError, type MyelinError } from '../src/_lib/errors.js';
import { setLimits } from '../src/_lib/limits.js';
import { loadModel, loadModelAndOptimizer } from '../src/node/files.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-bad-input-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A sparse file of `bytes` zero bytes: no disk space used. */
function sparse(name: string, bytes: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

interface Row {
  readonly name: string;
  readonly call: () => Promise<unknown>;
  readonly error: typeof MyelinError;
  readonly fn: string;
  readonly value: string;
}

const rows: Row[] = [
  {
    name: 'loadModel on /dev/urandom',
    // 1 MiB limit: random bytes that happen to start with "{" stop there.
    call: async () => {
      const before = setLimits({ maxBytes: 2 ** 20 });
      try {
        return await loadModel('/dev/urandom');
      } finally {
        setLimits(before);
      }
    },
    error: ModelFormatError,
    fn: 'loadModel',
    value: '/dev/urandom',
  },
  {
    name: 'loadModel on a 600 MB file',
    call: () => loadModel(sparse('huge.json', 600 * 2 ** 20)),
    error: ModelFormatError,
    fn: 'loadModel',
    value: '(629145600 bytes) exceeds the limit of 268435456 bytes',
  },
  {
    name: 'loadModel on a binary file',
    call: () => loadModel(file('model.bin', '\u0000\u0001myelin')),
    error: ModelFormatError,
    fn: 'loadModel',
    value: 'starts with byte 0x00',
  },
  {
    name: 'loadModelAndOptimizer on a JSON array',
    call: () => loadModelAndOptimizer(file('array.json', '[1, 2]')),
    error: ModelFormatError,
    fn: 'loadModelAndOptimizer',
    value: 'starts with byte 0x5b',
  },
];

describe('bad input (files)', () => {
  it.each(rows)('$name', async ({ call, error, fn, value }) => {
    let thrown: unknown = null;
    try {
      await call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(error);
    const message = (thrown as Error).message;
    expect(message.startsWith(`${fn}: `), message).toBe(true);
    expect(message).toContain(value);
  });
});
