// Files written by the version-1 code (test/fixtures/model-v1/generate.ts, run
// before the engine rewrite) must keep loading: the same predictions bit for
// bit, and training resumed from a saved Adam state on the same trajectory.
import { describe, expect, it } from 'vitest';
import activationsDoc from '../fixtures/model-v1/activations.json' with { type: 'json' };
import adamDoc from '../fixtures/model-v1/adam-resume.json' with { type: 'json' };
import customDoc from '../fixtures/model-v1/custom-layer.json' with { type: 'json' };
import {
  add,
  crossEntropy,
  defineActivation,
  fromJSON,
  mul,
  optimizerFromJSON,
  parameters,
  predict,
  sigmoid,
  tensor,
  toJSON,
  valueAndGrad,
  createRng,
  Tensor,
  type CustomLayerBuilder,
  type Layer,
} from '../../src/index.js';
import { expectBitEqual } from './_helpers.js';

interface Bytes {
  dtype: string;
  shape: number[];
  data: string;
}

function decode(t: Bytes): Tensor {
  const bin = atob(t.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const data =
    t.dtype === 'float64' ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return new Tensor(data, t.shape);
}

// The fixtures' outputs were computed by Node's V8. Math.exp, Math.tanh and
// friends are approximations whose last bit the spec leaves to the engine, so
// another engine (the browser project) is held to a few float32 ulps instead.
const inNode =
  (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !==
  undefined;

function expectSameOutputs(actual: Tensor, expected: Tensor): void {
  if (inNode) {
    expectBitEqual(actual, expected);
    return;
  }
  expect(actual.shape).toEqual(expected.shape);
  actual.data.forEach((v, i) => {
    const e = expected.data[i]!;
    expect(Math.abs(v - e)).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(e)));
  });
}

describe('model files of format version 1', () => {
  it('loads a stack with every built-in activation and predicts bit for bit', () => {
    const model = fromJSON(activationsDoc.model);
    expectSameOutputs(predict(model, decode(activationsDoc.x)), decode(activationsDoc.y));
  });

  it('resumes training from a saved Adam state on the same trajectory', () => {
    const model = fromJSON(adamDoc.model);
    const opt = optimizerFromJSON(adamDoc.model, model);
    const x = decode(adamDoc.x);
    const labels = tensor(adamDoc.labels);
    const params = parameters(model);
    const rng = createRng(0);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const vg = valueAndGrad<Tensor[]>(() =>
        crossEntropy(model.forward(x, { training: true, rng }), labels),
      )(...params);
      opt.step(params, vg.grads);
      losses.push(vg.value.data[0]!);
    }
    if (inNode) expect(losses).toEqual(adamDoc.losses);
    else
      losses.forEach((l, i) => {
        expect(l).toBeCloseTo(adamDoc.losses[i]!, 6);
      });
    const after = fromJSON(adamDoc.after);
    const got = parameters(model);
    parameters(after).forEach((p, i) => {
      expectSameOutputs(got[i]!, p);
    });
    // And a version-1 file still saves (in the current version) and reloads the same.
    expectBitEqual(predict(fromJSON(toJSON(model)), x), predict(model, x));
  });

  it('rebuilds a custom registered layer with a custom activation', () => {
    const mySwish = defineActivation('mySwish', (t) => mul(t, sigmoid(t)));
    const scale: CustomLayerBuilder = (config, weights) => {
      const gamma = weights.gamma!;
      const beta = weights.beta!;
      const layer: Layer = {
        kind: 'scale',
        config: { ...config },
        params: { gamma, beta },
        trainable: true,
        inputShape: [config.width as number],
        outputShape: (s) => [...s],
        forward: (t: Tensor) => mySwish(add(mul(t, gamma), beta)),
      };
      return layer;
    };
    const model = fromJSON(customDoc.model, { layers: { scale }, activations: { mySwish } });
    expect(model.layers[1]!.trainable).toBe(false);
    expectSameOutputs(predict(model, decode(customDoc.x)), decode(customDoc.y));
  });
});
