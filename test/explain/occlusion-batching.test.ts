// occlusion stacks many occluded copies into each forward pass. On the JS
// kernels every row of a pass is computed alone, so the result must be bit
// for bit that of the plain loop kept below as the reference: one predict per
// (row, patch), each element's drops added up in patch order and averaged.
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { tanh } from '../../src/activations/tanh.js';
import { occlusion, type OcclusionOptions } from '../../src/explain/occlusion.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { flatten } from '../../src/layers/flatten.js';
import type { Layer } from '../../src/layers/layer.js';
import { lstm } from '../../src/layers/lstm.js';
import { maxPool2d } from '../../src/layers/pool.js';
import type { Model } from '../../src/models/model.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal, tensor, type TensorLike } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';

/**
 * The reference: occlusion as one predict per (row, patch). Patches start at
 * 0, stride, 2·stride, ... along each window axis until one reaches the end
 * (cut off there); the axes after the window's are covered whole. The score
 * of a row is Σ_k y_k·w_k over its outputs (w one-hot for a target class).
 */
function reference(
  model: Model<TensorLike, Tensor>,
  x: Tensor,
  win: number[],
  stride: number[],
  fill: number,
  weights: (y0: Tensor, r: number) => number[],
): number[] {
  const rows = x.shape[0]!;
  const shape = x.shape.slice(1);
  const per = shape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const inner = strides[win.length - 1]!;
  const starts = win.map((d, i) => {
    const list: number[] = [];
    for (let s = 0; s < shape[i]!; s += stride[i]!) {
      list.push(s);
      if (s + d >= shape[i]!) break;
    }
    return list;
  });
  let patches: number[][] = [[]];
  for (const axis of starts) patches = patches.flatMap((p) => axis.map((s) => [...p, s]));
  const elements = (p: number[]): number[] => {
    let offsets = [0];
    p.forEach((s, a) => {
      const end = Math.min(s + win[a]!, shape[a]!);
      const next: number[] = [];
      for (const o of offsets) for (let i = s; i < end; i++) next.push(o + i * strides[a]!);
      offsets = next;
    });
    return offsets.flatMap((o) => Array.from({ length: inner }, (_, e) => o + e));
  };
  const y0 = predict(model, x);
  const size = y0.size / rows;
  const score = (y: Tensor, row: number, w: number[]): number => {
    let s = 0;
    for (let k = 0; k < size; k++) s += y.data[row * size + k]! * w[k]!;
    return s;
  };
  const sums = new Float64Array(x.size);
  const counts = new Float64Array(x.size);
  for (let r = 0; r < rows; r++) {
    const w = weights(y0, r);
    const base = score(y0, r, w);
    for (const p of patches) {
      const copy = x.data.slice(r * per, (r + 1) * per);
      for (const e of elements(p)) copy[e] = fill;
      const y = predict(model, new Tensor(copy, [1, ...shape]));
      const drop = base - score(y, 0, w);
      for (const e of elements(p)) {
        sums[r * per + e] = sums[r * per + e]! + drop;
        counts[r * per + e] = counts[r * per + e]! + 1;
      }
    }
  }
  const out = Array.from(sums, (s, i) => (counts[i] === 0 ? 0 : s / counts[i]!));
  const dtype = x.dtype === 'int32' ? y0.dtype : x.dtype;
  return Array.from(dtype === 'float64' ? Float64Array.from(out) : Float32Array.from(out));
}

/** One-hot weights of class c (or each row's own class). */
const classOf =
  (c: number | number[]) =>
  (y0: Tensor, r: number): number[] => {
    const size = y0.size / y0.shape[0]!;
    const k = typeof c === 'number' ? c : c[r]!;
    return Array.from({ length: size }, (_, j) => (j === k ? 1 : 0));
  };

/** A conv2d → pool → conv2d → dense network on h×w×2 images. */
function cnn(h: number, w: number, dtype: 'float32' | 'float64' = 'float32') {
  const rng = createRng(3);
  return sequential([
    conv2d(2, 4, 3, { activation: relu, padding: 'same', rng, dtype }),
    maxPool2d(2),
    conv2d(4, 3, 2, { activation: tanh, rng, dtype }),
    flatten(),
    dense((h / 2 - 1) * (w / 2 - 1) * 3, 5, { rng, dtype }),
  ]);
}

describe('occlusion in batched passes equals one pass per patch, bit for bit', () => {
  const settings: {
    window: number | number[];
    stride?: number | number[];
    win: number[];
    step: number[];
    batchSize?: number;
  }[] = [
    { window: 2, win: [2, 2], step: [2, 2] },
    { window: 3, stride: 1, win: [3, 3], step: [1, 1] },
    { window: 3, stride: 2, win: [3, 3], step: [2, 2], batchSize: 7 },
    { window: [2, 5], stride: [3, 2], win: [2, 5], step: [3, 2], batchSize: 1 },
    { window: [4], stride: [3], win: [4], step: [3], batchSize: 2 },
    { window: 5, stride: 7, win: [5, 5], step: [7, 7] }, // uncovered elements: 0
  ];

  it.each(settings)(
    'a small CNN, float32, window $window stride $stride batchSize $batchSize',
    (c) => {
      const model = cnn(8, 10);
      const x = randomNormal([3, 8, 10, 2], { rng: createRng(4) });
      const options: OcclusionOptions = { window: c.window, target: [1, 4, 0], fill: 0.25 };
      if (c.stride !== undefined) options.stride = c.stride;
      if (c.batchSize !== undefined) options.batchSize = c.batchSize;
      const got = occlusion(model, x, options);
      expect(got.dtype).toBe('float32');
      expect(Array.from(got.data)).toEqual(
        reference(model, x, c.win, c.step, 0.25, classOf([1, 4, 0])),
      );
    },
  );

  it('a small CNN in float64, each row its own highest output', () => {
    const model = cnn(6, 6, 'float64');
    const x = randomNormal([2, 6, 6, 2], { rng: createRng(5), dtype: 'float64' });
    const y0 = predict(model, x);
    const top = [0, 1].map((r) => {
      const row = Array.from(y0.data.slice(r * 5, r * 5 + 5));
      return row.indexOf(Math.max(...row));
    });
    for (const batchSize of [undefined, 1, 4]) {
      const options: OcclusionOptions = { window: 2, stride: 1 };
      if (batchSize !== undefined) options.batchSize = batchSize;
      expect(Array.from(occlusion(model, x, options).data)).toEqual(
        reference(model, x, [2, 2], [1, 1], 0, classOf(top)),
      );
    }
  });

  it('a dense model on [rows, 7, 3] inputs, with output weights', () => {
    const rng = createRng(6);
    const model = sequential([
      flatten(),
      dense(21, 8, { activation: tanh, rng }),
      dense(8, 3, { rng }),
    ]);
    const x = randomNormal([4, 7, 3], { rng: createRng(7) });
    const w = [0.5, -1, 2];
    for (const [window, stride, win, step] of [
      [1, 1, [1, 1], [1, 1]],
      [[3], [2], [3], [2]],
      [
        [2, 2],
        [1, 2],
        [2, 2],
        [1, 2],
      ],
    ] as const) {
      for (const batchSize of [undefined, 3, 100]) {
        const options: OcclusionOptions = { window, stride, outputWeights: w };
        if (batchSize !== undefined) options.batchSize = batchSize;
        expect(Array.from(occlusion(model, x, options).data)).toEqual(
          reference(model, x, [...win], [...step], 0, () => w),
        );
      }
    }
  });

  it('int32 token ids, occluded by a padding id', () => {
    const rng = createRng(8);
    const model = sequential([
      embedding(10, 3, { rng }),
      flatten(),
      dense(15, 2, { activation: tanh, rng }),
    ]);
    const ids = tensor(
      [
        [1, 2, 3, 4, 5],
        [9, 8, 7, 6, 5],
      ],
      { dtype: 'int32' },
    );
    for (const batchSize of [undefined, 3]) {
      const options: OcclusionOptions = { window: 2, stride: 1, fill: 0, target: 1 };
      if (batchSize !== undefined) options.batchSize = batchSize;
      expect(Array.from(occlusion(model, ids, options).data)).toEqual(
        reference(model, ids, [2], [1], 0, classOf(1)),
      );
    }
  });

  it('a stateful model: batchSize is not used, every pass is x with one patch covered', () => {
    // (state.test.ts checks these values against a non-stateful twin)
    const seen: number[] = [];
    const model = sequential([
      rowSpy(seen),
      lstm(2, 3, { stateful: true, batchSize: 2, rng: createRng(9) }),
      dense(3, 2, { rng: createRng(10) }),
    ]);
    const x = randomNormal([2, 4, 2], { rng: createRng(11) });
    const a = occlusion(model, x, { window: [1], target: 1 });
    // the plain x, then the 4 one-step patches, each covered in both rows
    expect(seen.splice(0)).toEqual([2, 2, 2, 2, 2]);
    const b = occlusion(model, x, { window: [1], target: 1, batchSize: 1 });
    expect(seen.splice(0)).toEqual([2, 2, 2, 2, 2]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });
});

/** A layer that records the rows of each batch and passes it on unchanged. */
function rowSpy(seen: number[], thrown?: string): Layer {
  return {
    kind: 'spy',
    config: {},
    params: {},
    trainable: false,
    inputShape: null,
    outputShape: (s) => [...s],
    forward: (x: Tensor) => {
      if (thrown !== undefined) throw new Error(thrown);
      seen.push(x.shape[0]!);
      return x;
    },
  };
}

describe('occlusion passes', () => {
  it('default batchSize: 256 copies, fewer when a pass would exceed 2^20 input elements', () => {
    const seen: number[] = [];
    // 2^20 / (16·8192) = 8 copies per pass; 16 patches along the first axis
    const model = sequential([rowSpy(seen), flatten(), dense(16 * 8192, 1)]);
    const x = tensor(new Float32Array(16 * 8192).fill(1), { shape: [1, 16, 8192] });
    occlusion(model, x, { window: [1] });
    expect(seen.splice(0)).toEqual([1, 8, 8]);
    occlusion(model, x, { window: [1], batchSize: 5 });
    expect(seen.splice(0)).toEqual([1, 5, 5, 5, 1]);
    // small samples: 256 per pass
    const small = sequential([rowSpy(seen), dense(300, 1)]);
    occlusion(small, tensor(new Float32Array(300), { shape: [1, 300] }), { window: 1 });
    expect(seen.splice(0)).toEqual([1, 256, 44]);
  });

  it('many patches: listing them does not overflow the call stack', () => {
    // 200000 one-element patches: the first forward pass is reached (the
    // model then stops the run) instead of a RangeError while listing them.
    const model = sequential([rowSpy([], 'first forward pass reached')]);
    const x = tensor(new Float32Array(200000), { shape: [1, 200000] });
    expect(() => occlusion(model, x, { window: 1 })).toThrow('first forward pass reached');
  });
});
