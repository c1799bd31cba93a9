import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'prettier';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../../src/_lib/errors.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { readFixture } from '../../src/io/fixture.js';
import { dense } from '../../src/layers/dense.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { loadFixture, saveFixture } from '../../src/node/fixtures.js';
import { createRng } from '../../src/random/rng.js';
import { checkFixture, recordFixture, type FixtureJSON } from '../../src/testing/index.js';
import { bytesOf } from '../io/_helpers.js';

const model = sequential([
  dense(3, 4, { activation: sigmoid, rng: createRng(5) }),
  dense(4, 2, { activation: sigmoid, rng: createRng(6) }),
]);
const x = [
  [0.7, -1.5, 0.2],
  [1, 2, 3],
];

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myelin-fixtures-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveFixture / loadFixture', () => {
  it('round-trips a fixture through a file bit for bit, as readable indented JSON', async () => {
    const path = join(dir, 'predictions.fixture.json');
    const fixture = recordFixture(model, x, { description: 'two rows through a 3-4-2 net' });
    await saveFixture(path, fixture);
    expect(await readdir(dir)).toEqual(['predictions.fixture.json']);
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('{\n  "format": "myelin.fixture",\n  "version": 1,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    // One line per shape, the layout prettier gives JSON: re-recording diffs cleanly.
    expect(text).toContain('"shape": [2, 3],');
    expect(await format(text, { parser: 'json', printWidth: 100 })).toBe(text);
    const loaded = await loadFixture(path);
    expect(loaded).toEqual(fixture);
    const out = readFixture('test', loaded).outputs[0]!;
    expect(bytesOf(out.data)).toEqual(bytesOf(predict(model, x).data));
    expect(checkFixture(model, loaded, { atol: 0, rtol: 0 }).pass).toBe(true);
  });

  it('takes file: URLs as well as paths', async () => {
    const url = pathToFileURL(join(dir, 'url.fixture.json'));
    await saveFixture(url, recordFixture(model, x));
    expect(checkFixture(model, await loadFixture(url)).pass).toBe(true);
  });

  it('says how to record a fixture when the file is missing', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadFixture(path)).rejects.toThrow(
      new ValueError(
        `loadFixture: path must be an existing fixture file (record one with saveFixture(path, recordFixture(model, x))), got ${JSON.stringify(path)}`,
      ),
    );
  });

  it('reads the file as untrusted: bad JSON and tampered fields are ModelFormatErrors', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{"format": "myelin.fixture", ');
    await expect(loadFixture(path)).rejects.toThrow(ModelFormatError);
    await expect(loadFixture(path)).rejects.toThrow(`loadFixture: ${path} is not valid JSON`);
    const fixture = recordFixture(model, x) as FixtureJSON & { outputs: { data: string }[] };
    fixture.outputs[0]!.data = fixture.outputs[0]!.data.replace(/^./, '*');
    await writeFile(path, JSON.stringify(fixture));
    await expect(loadFixture(path)).rejects.toThrow(
      'loadFixture: outputs[0].data is not valid base64: unexpected character "*" at offset 0',
    );
    await writeFile(path, JSON.stringify({ ...recordFixture(model, x), format: 'myelin.model' }));
    await expect(loadFixture(path)).rejects.toThrow(
      'loadFixture: format must be "myelin.fixture", got "myelin.model"',
    );
  });

  it('refuses to write a malformed fixture, leaving no file behind', async () => {
    const path = join(dir, 'never.json');
    const bad = { ...recordFixture(model, x), outputs: [] };
    await expect(saveFixture(path, bad)).rejects.toThrow(
      new ModelFormatError('saveFixture: outputs must hold at least one tensor'),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects paths that are not paths', async () => {
    await expect(loadFixture('')).rejects.toThrow(
      'loadFixture: path must be a non-empty file path string or a file: URL, got ""',
    );
    await expect(
      saveFixture(new URL('https://example.org/f.json'), recordFixture(model, x)),
    ).rejects.toThrow(
      'saveFixture: path must be a file path or a file: URL, got "https://example.org/f.json"',
    );
  });
});
