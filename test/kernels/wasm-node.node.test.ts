/// <reference types="node" />
// myelin/wasm as Node resolves it (src/kernels/wasm/node.ts): the threaded
// build on a shared memory, one thread, no workers. Planned buffers and new
// weights then live in the module's memory and the kernels use them in
// place; the numbers must be those of the browser build (index.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { allocSlot } from '../../src/kernels/alloc.js';
import { getBackend } from '../../src/kernels/backend.js';
import { useJs, useWasm as useWasmPlain } from '../../src/kernels/wasm/index.js';
import { getRuntime, setRuntime } from '../../src/kernels/wasm/kernels.js';
import { homeOf } from '../../src/kernels/wasm/loader.js';
import { useWasm } from '../../src/kernels/wasm/node.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import { maxPool2d } from '../../src/layers/pool.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { namedParameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { random, sameBits, trainRecurrent } from '../threads/_cases.js';

afterAll(() => {
  useJs();
  setRuntime(null);
});

/** A small CNN and an MLP with dropout and L2, trained two epochs; every weight and the predictions. */
async function train(): Promise<Float32Array[]> {
  const rng = createRng(11);
  const cnn = sequential([
    conv2d(1, 8, 3, { activation: relu, padding: 'same', rng }),
    maxPool2d(2),
    flatten(),
    dense(8 * 8 * 8, 4, { rng }),
  ]);
  const mlp = sequential([
    dense(64, 96, { activation: relu, kernelRegularizer: l2(1e-3), rng }),
    dropout(0.2),
    dense(96, 4, { rng }),
  ]);
  const n = 96;
  const y = Int32Array.from({ length: n }, (_, i) => (i * 5) % 4);
  const xImg = new Tensor(random(n * 16 * 16, 1), [n, 16, 16, 1]);
  const xVec = new Tensor(random(n * 64, 2), [n, 64]);
  const out: Float32Array[] = [];
  for (const [model, x] of [
    [cnn, xImg],
    [mlp, xVec],
  ] as const) {
    await fit(model, x, y, {
      loss: crossEntropy,
      optimizer: adam(),
      epochs: 2,
      batchSize: 32,
      rng: createRng(3),
      verbose: false,
    });
    for (const p of namedParameters(model)) out.push(Float32Array.from(p.tensor.data));
    out.push(Float32Array.from(predict(model, x).data));
  }
  return out;
}

describe('myelin/wasm in Node', () => {
  it('runs the module on a shared memory, where planned buffers and new weights live', async () => {
    setRuntime(null);
    expect(await useWasm({ relaxedSimd: false })).toBe(true);
    expect(getBackend()).toBe('wasm');
    const rt = getRuntime()!;
    expect(rt.f32.buffer).toBeInstanceOf(SharedArrayBuffer);
    const buf = allocSlot.impl(4096);
    expect(homeOf(rt, buf)).toBe(buf.byteOffset);
    const layer = dense(128, 64, { rng: createRng(1) });
    expect(homeOf(rt, layer.params['kernel']!.data as Float32Array)).toBeGreaterThan(0);
    // a second call keeps the runtime; useJs then useWasm gets the kernels back
    expect(await useWasm({ relaxedSimd: false })).toBe(true);
    expect(getRuntime()).toBe(rt);
    useJs();
    expect(getBackend()).toBe('js');
    expect(await useWasm({ relaxedSimd: false })).toBe(true);
    expect(getRuntime()).toBe(rt);
  });

  it('trains a CNN, an MLP with dropout and L2, and recurrent layers to the bits of the browser build', async () => {
    setRuntime(null);
    expect(await useWasmPlain({ relaxedSimd: false })).toBe(true);
    expect(getRuntime()!.f32.buffer).toBeInstanceOf(ArrayBuffer);
    const plain = [...(await train()), ...(await trainRecurrent())];
    setRuntime(null);
    expect(await useWasm({ relaxedSimd: false })).toBe(true);
    expect(getRuntime()!.f32.buffer).toBeInstanceOf(SharedArrayBuffer);
    const shared = [...(await train()), ...(await trainRecurrent())];
    sameBits(plain, shared);
  });
});
