import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../../src/_lib/errors.js';
import { relu } from '../../src/activations/relu.js';
import { backward } from '../../src/autograd/backward.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import type { Model, Sequential } from '../../src/models/model.js';
import { parameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import {
  loadModel,
  loadModelAndOptimizer,
  saveModel,
  writeFileAtomic,
} from '../../src/node/files.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { bytesOf } from '../io/_helpers.js';

const x = tensor([
  [1, -2, 0.5],
  [0.25, 3, -1],
]);
const y = tensor([[1], [-1]]);

function makeModel(): Sequential {
  const rng = createRng(77);
  return sequential([
    dense(3, 4, { activation: relu, rng, dtype: 'float64' }),
    dense(4, 1, { rng, dtype: 'float64' }),
  ]);
}

function train(model: Model, opt: Optimizer, steps: number): void {
  const params = parameters(model);
  for (let s = 0; s < steps; s++) {
    backward(mse(model.forward(x, { training: true, rng: createRng(0) }), y));
    opt.step(params);
    opt.zeroGrad(params);
  }
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myelin-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModel / loadModel', () => {
  it('round-trips a model through a file, bit for bit, leaving only the file behind', async () => {
    const m = makeModel();
    const path = join(dir, 'model.json');
    await saveModel(path, m);
    expect(await readdir(dir)).toEqual(['model.json']);
    const text = await readFile(path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'myelin.model', version: 2 });
    const copy = await loadModel(path);
    expect(bytesOf(predict(copy, x).data)).toEqual(bytesOf(predict(m, x).data));
  });

  it('overwrites an existing file atomically and can indent', async () => {
    const path = join(dir, 'model.json');
    await writeFile(path, 'old contents');
    await saveModel(path, makeModel(), { indent: 2 });
    expect(await readdir(dir)).toEqual(['model.json']);
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('{\n  "format": "myelin.model"')).toBe(true);
  });

  it('resumes training from a saved optimizer on the same trajectory', async () => {
    const straight = makeModel();
    const opt = adam({ learningRate: 0.01 });
    train(straight, opt, 8);

    const first = makeModel();
    const opt1 = adam({ learningRate: 0.01 });
    train(first, opt1, 5);
    const path = join(dir, 'ckpt.json');
    await saveModel(path, first, { optimizer: opt1 });
    const { model, optimizer } = await loadModelAndOptimizer(path);
    expect(optimizer.iterations).toBe(5);
    train(model, optimizer, 3);
    expect(parameters(model).map((p) => bytesOf(p.data))).toEqual(
      parameters(straight).map((p) => bytesOf(p.data)),
    );
  });

  it('leaves no file and no temporary file when the model cannot be saved', async () => {
    const path = join(dir, 'bad.json');
    await expect(saveModel(path, {} as Model)).rejects.toThrow(ValueError);
    await expect(saveModel(path, makeModel(), { indnet: 2 } as never)).rejects.toThrow(
      /unknown option "indnet"/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes its temporary file when the final rename fails, and keeps the old target', async () => {
    // The target is a non-empty directory: writing the temp file works, the rename over it fails.
    const target = join(dir, 'model.json');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'x');
    await expect(saveModel(target, makeModel())).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['model.json']);
    expect(await readdir(target)).toEqual(['keep']);
  });

  it('writeFileAtomic never leaves a partial file next to the target', async () => {
    const path = join(dir, 'a.txt');
    await Promise.all([writeFileAtomic(path, 'first'), writeFileAtomic(path, 'second')]);
    expect(await readdir(dir)).toEqual(['a.txt']);
    expect(['first', 'second']).toContain(await readFile(path, 'utf8'));
  });

  it('reports bad files as ModelFormatError and missing files as Node does', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"format": "myelin.model", "version": 1, "model": ');
    await expect(loadModel(path)).rejects.toThrow(ModelFormatError);
    await expect(loadModel(path)).rejects.toThrow(/^loadModel: .*broken\.json is not valid JSON/);
    await writeFile(
      path,
      JSON.stringify({
        format: 'myelin.model',
        version: 1,
        model: { kind: 'sequential', layers: 'x' },
      }),
    );
    await expect(loadModel(path)).rejects.toThrow(/^fromJSON: model\.layers must be an array/);
    await expect(loadModel(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await saveModel(path, makeModel());
    await expect(loadModelAndOptimizer(path)).rejects.toThrow(
      /loadModelAndOptimizer: .* has no optimizer section/,
    );
    await expect(loadModel('')).rejects.toThrow(
      /loadModel: path must be a non-empty file path string/,
    );
  });
});
