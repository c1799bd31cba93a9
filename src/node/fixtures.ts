/// <reference types="node" />
import { fileURLToPath } from 'node:url';
import { fail } from '../_lib/assert.js';
import { readFixture, type FixtureJSON } from '../io/fixture.js';
import type { TensorJSON } from '../io/format.js';
import { readJSONFile, writeFileAtomic } from './files.js';

function toPath(fn: string, path: unknown): string {
  if (path instanceof URL) {
    if (path.protocol !== 'file:') fail(fn, 'path', 'a file path or a file: URL', path.href);
    return fileURLToPath(path);
  }
  if (typeof path !== 'string' || path.length === 0)
    fail(fn, 'path', 'a non-empty file path string or a file: URL', path);
  return path;
}

/**
 * Writes a fixture (as `recordFixture` from `myelin/testing` returns it) to
 * a JSON file, atomically (a temporary file renamed over `path`), indented
 * so that a changed fixture shows up as a readable diff. The fixture is
 * validated first, so a malformed one throws a `ModelFormatError` and no file
 * is touched. `path` may be a string or a `file:` URL (such as
 * `new URL('./predictions.fixture.json', import.meta.url)` in a test file).
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { sequential, dense, createRng } from 'myelin';
 * import { recordFixture } from 'myelin/testing';
 * import { saveFixture } from 'myelin/node';
 * const model = sequential([dense(2, 1, { rng: createRng(0) })]);
 * await saveFixture(join(tmpdir(), 'predictions.fixture.json'), recordFixture(model, [[1, 2]]));
 * ```
 */
export async function saveFixture(path: string | URL, fixture: FixtureJSON): Promise<void> {
  const fn = 'saveFixture';
  const file = toPath(fn, path);
  readFixture(fn, fixture);
  await writeFileAtomic(file, fixtureText(fixture));
}

/**
 * The fixture as indented JSON with each shape on one line (`[7, 2]`), so a
 * re-recorded fixture diffs one line per tensor that changed (the layout
 * prettier gives JSON, too).
 */
function fixtureText(f: FixtureJSON): string {
  const tensor = (t: TensorJSON): string =>
    [
      '    {',
      `      "dtype": ${JSON.stringify(t.dtype)},`,
      `      "shape": [${t.shape.join(', ')}],`,
      `      "data": ${JSON.stringify(t.data)}`,
      '    }',
    ].join('\n');
  const list = (ts: readonly TensorJSON[]): string =>
    ts.length === 0 ? '[]' : `[\n${ts.map(tensor).join(',\n')}\n  ]`;
  const fields = [
    `  "format": ${JSON.stringify(f.format)}`,
    `  "version": ${JSON.stringify(f.version)}`,
    ...(f.description === undefined ? [] : [`  "description": ${JSON.stringify(f.description)}`]),
    `  "inputs": ${list(f.inputs)}`,
    `  "outputs": ${list(f.outputs)}`,
  ];
  return `{\n${fields.join(',\n')}\n}\n`;
}

/**
 * Reads a fixture file written by {@link saveFixture}, for `checkFixture`
 * (from `myelin/testing`). The file is untrusted input, read as model files
 * are: malformed JSON, a tampered field or a size that does not match its
 * shape throws a `ModelFormatError` naming the field. A missing file throws a
 * `ValueError` naming the path and how to record one.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { sequential, dense, createRng } from 'myelin';
 * import { recordFixture, checkFixture } from 'myelin/testing';
 * import { saveFixture, loadFixture } from 'myelin/node';
 * const model = sequential([dense(2, 1, { rng: createRng(0) })]);
 * const path = join(tmpdir(), 'predictions.fixture.json');
 * await saveFixture(path, recordFixture(model, [[1, 2]]));
 * checkFixture(model, await loadFixture(path)); // passes
 * ```
 */
export async function loadFixture(path: string | URL): Promise<FixtureJSON> {
  const fn = 'loadFixture';
  const file = toPath(fn, path);
  let json: unknown;
  try {
    json = await readJSONFile(fn, file);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EISDIR')
      fail(fn, 'path', 'a fixture file, not a directory', file);
    if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
    fail(
      fn,
      'path',
      'an existing fixture file (record one with saveFixture(path, recordFixture(model, x)))',
      file,
    );
  }
  readFixture(fn, json);
  return json as FixtureJSON;
}
