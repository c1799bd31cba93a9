import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { adam } from '../../src/optimizers/adam.js';
import type { OptimizerState } from '../../src/optimizers/optimizer.js';
import { adamSlot, stateSyncSlot } from '../../src/kernels/optim.js';
import { allFiniteJs, finiteSlot } from '../../src/kernels/finite.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { getRuntime, setRuntime } from '../../src/kernels/wasm/kernels.js';
import { instantiate } from '../../src/kernels/wasm/loader.js';
import {
  adamResident,
  allFiniteWasm,
  flushResident,
  l2AddGradWasm,
  syncResident,
} from '../../src/kernels/wasm/resident.js';
import { l2AddGradJs, l2Slot } from '../../src/kernels/l2.js';
import { expectClose } from '../helpers/expect-close.js';

const rng = createRng(20261130);

function rand32(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});
afterAll(() => {
  useJs();
});

describe('the gradient check on WebAssembly', () => {
  // Lengths around the 16-element SIMD block and its scalar tail, and past
  // the 256-element threshold under which the JS kernel runs.
  const LENGTHS = [0, 1, 3, 15, 16, 17, 255, 256, 257, 300, 1029];

  it('is installed by useWasm and removed by useJs', async () => {
    expect(finiteSlot.impl).toBe(allFiniteWasm);
    expect(stateSyncSlot.impl).toBe(syncResident);
    useJs();
    expect(finiteSlot.impl).toBe(allFiniteJs);
    expect(await useWasm()).toBe(true);
  });

  it('finds NaN, +Infinity and -Infinity at the first, a middle and the last position', () => {
    for (const n of LENGTHS) {
      const x = rand32(n);
      expect(allFiniteWasm(x)).toBe(true);
      for (const bad of [NaN, Infinity, -Infinity])
        for (const at of [0, n >> 1, n - 1]) {
          if (n === 0) continue;
          const y = x.slice();
          y[at] = bad;
          expect(allFiniteWasm(y), `n=${n} at=${at} value=${bad}`).toBe(false);
          expect(allFiniteJs(y)).toBe(false);
        }
    }
  });

  it('accepts the extremes of float32: the largest finite value, subnormals, -0', () => {
    // 3.4028234663852886e38 = (2 − 2^-23)·2^127: exponent bits 0xfe, one short of all ones.
    const x = new Float32Array(300);
    x[0] = 3.4028234663852886e38;
    x[1] = -3.4028234663852886e38;
    x[2] = 1.401298464324817e-45; // the smallest subnormal, 2^-149: exponent bits 0
    x[3] = -0;
    expect(allFiniteWasm(x)).toBe(true);
    expect(allFiniteJs(x)).toBe(true);
  });

  it('the kernel returns the index of the first bad element', () => {
    const rt = getRuntime()!;
    const x = rand32(100);
    x[37] = NaN;
    x[90] = Infinity;
    rt.f32.set(x, rt.base >>> 2);
    expect(rt.ex.firstNonFinite(rt.base, 100)).toBe(37);
    expect(rt.ex.firstNonFinite(rt.base, 37)).toBe(-1);
  });

  it('float64 data runs on the JS check', () => {
    const x = new Float64Array(400);
    x[399] = Infinity;
    expect(allFiniteWasm(x)).toBe(false);
    expect(allFiniteWasm(new Float64Array([1e308, 1e308]))).toBe(true); // the sum overflows, the elements do not
  });
});

describe("Adam's moments resident in WebAssembly memory", () => {
  const h = (step: number) => ({
    lr: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0.1,
    decoupled: false,
    step,
  });

  /** Adam steps on JS kernels as the reference: p, m, v after `steps` steps. */
  function reference(p0: Float32Array, grads: Float32Array[]): Float32Array[] {
    useJs();
    const p = p0.slice(),
      m = new Float32Array(p.length),
      v = new Float32Array(p.length);
    grads.forEach((g, i) => {
      adamSlot.impl(p, g, m, v, p.length, h(i + 1));
    });
    return [p, m, v];
  }

  it('keeps m and v in its memory until synced, and gives the JS numbers', async () => {
    const n = 1000;
    const p0 = rand32(n);
    const grads = [rand32(n), rand32(n), rand32(n)];
    const [pr, mr, vr] = reference(p0, grads);
    expect(await useWasm()).toBe(true);
    expect(adamSlot.impl).toBe(adamResident);
    const p = p0.slice(),
      m = new Float32Array(n),
      v = new Float32Array(n);
    grads.forEach((g, i) => {
      adamSlot.impl(p, g, m, v, n, h(i + 1));
    });
    // p is the parameter tensor's data: always written back.
    expectClose(p, pr!, { atol: 1e-6, rtol: 1e-5 });
    // The JS copies of the moments are still those after the first step's copy-in (zeros).
    expect(m.every((x) => x === 0)).toBe(true);
    syncResident(m);
    syncResident(v);
    expectClose(m, mr!, { atol: 1e-6, rtol: 1e-5 });
    expectClose(v, vr!, { atol: 1e-9, rtol: 1e-5 });
    flushResident();
  });

  it('useJs copies the moments back, so training continues on JS on the same trajectory', async () => {
    const n = 700;
    const p0 = rand32(n);
    const grads = [rand32(n), rand32(n), rand32(n), rand32(n)];
    const [pr, mr, vr] = reference(p0, grads);
    expect(await useWasm()).toBe(true);
    const p = p0.slice(),
      m = new Float32Array(n),
      v = new Float32Array(n);
    adamSlot.impl(p, grads[0]!, m, v, n, h(1));
    adamSlot.impl(p, grads[1]!, m, v, n, h(2));
    useJs(); // flushes: m and v now hold step 2's moments
    adamSlot.impl(p, grads[2]!, m, v, n, h(3));
    expect(await useWasm()).toBe(true); // copies the JS moments in afresh
    adamSlot.impl(p, grads[3]!, m, v, n, h(4));
    syncResident(m);
    syncResident(v);
    expectClose(p, pr!, { atol: 1e-6, rtol: 1e-5 });
    expectClose(m, mr!, { atol: 1e-6, rtol: 1e-5 });
    expectClose(v, vr!, { atol: 1e-9, rtol: 1e-5 });
    flushResident();
  });

  it('a new runtime (useWasm switching builds) takes the moments over from the old one', async () => {
    const n = 513;
    const p0 = rand32(n);
    const grads = [rand32(n), rand32(n), rand32(n)];
    const [pr, mr] = reference(p0, grads);
    expect(await useWasm()).toBe(true);
    const before = getRuntime()!;
    const p = p0.slice(),
      m = new Float32Array(n),
      v = new Float32Array(n);
    adamSlot.impl(p, grads[0]!, m, v, n, h(1));
    adamSlot.impl(p, grads[1]!, m, v, n, h(2));
    const fresh = (await instantiate(false))!;
    setRuntime(fresh);
    adamSlot.impl(p, grads[2]!, m, v, n, h(3));
    syncResident(m);
    expectClose(p, pr!, { atol: 1e-6, rtol: 1e-5 });
    expectClose(m, mr!, { atol: 1e-6, rtol: 1e-5 });
    flushResident();
    setRuntime(before);
  });

  it('takes memory below the scratch area and gives it back', () => {
    const rt = getRuntime()!;
    const base = rt.base;
    const n = 1000; // 4000 bytes, 4032 after 64-byte alignment
    const p = rand32(n),
      m = new Float32Array(n),
      v = new Float32Array(n);
    adamSlot.impl(p, rand32(n), m, v, n, h(1));
    expect(rt.base).toBe(base + 2 * 4032);
    flushResident();
    expect(rt.base).toBe(base);
  });

  it("the optimizer's getState reads the resident moments; setState's buffers take their place", async () => {
    const run = (steps: number): { p: Float32Array; state: OptimizerState } => {
      const w = new Tensor(
        Float32Array.from({ length: 400 }, (_, i) => Math.sin(i)),
        [20, 20],
      );
      const g = new Tensor(
        Float32Array.from({ length: 400 }, (_, i) => Math.cos(i)),
        [20, 20],
      );
      const o = adam({ learningRate: 0.05 });
      for (let s = 0; s < steps; s++) o.step([w], [g]);
      return { p: w.data as Float32Array, state: o.getState([w]) };
    };
    const onWasm = run(3);
    useJs();
    const onJs = run(3);
    expectClose(onWasm.p, onJs.p, { atol: 1e-6, rtol: 1e-5 });
    const [sw, sj] = [onWasm.state.slots[0]!, onJs.state.slots[0]!];
    expectClose(sw.m!, sj.m!, { atol: 1e-6, rtol: 1e-5 });
    expectClose(sw.v!, sj.v!, { atol: 1e-9, rtol: 1e-5 });
    expect(sw.step).toEqual(sj.step);

    // Resume on wasm from the JS run's state: the same fourth step as on JS.
    const w = new Tensor(onJs.p.slice(), [20, 20]);
    const g = new Tensor(
      Float32Array.from({ length: 400 }, (_, i) => Math.cos(i)),
      [20, 20],
    );
    const js = adam({ learningRate: 0.05 });
    js.setState([w], onJs.state);
    const wJs = new Tensor(onJs.p.slice(), [20, 20]);
    js.setState([wJs], onJs.state);
    js.step([wJs], [g]);
    expect(await useWasm()).toBe(true);
    const wa = adam({ learningRate: 0.05 });
    wa.setState([w], onJs.state);
    wa.step([w], [g]);
    expectClose(w.data, wJs.data, { atol: 1e-6, rtol: 1e-5 });
    expectClose(wa.getState([w]).slots[0]!.m!, js.getState([wJs]).slots[0]!.m!, {
      atol: 1e-6,
      rtol: 1e-5,
    });
  });
});

describe('the L2 penalty on WebAssembly', () => {
  it('is installed by useWasm', async () => {
    expect(await useWasm()).toBe(true);
    expect(l2Slot.impl).toBe(l2AddGradWasm);
  });

  it("gives the JS kernel's gradient and value bit for bit, tails included", () => {
    for (const n of [256, 257, 258, 259, 260, 1029, 4099]) {
      // Weights over many binades, so that rounding k·w and the order of the sums both matter.
      const w = Float32Array.from(rand32(n), (x, i) => x * 2 ** ((i % 40) - 20));
      const g0 = rand32(n);
      const k = 2 * 0.00123;
      const [gJs, gWasm] = [g0.slice(), g0.slice()];
      const vJs = l2AddGradJs(w, gJs, k);
      const vWasm = l2AddGradWasm(w, gWasm, k);
      expect(vWasm).toBe(vJs);
      expect(gWasm).toEqual(gJs);
    }
  });

  it('matches a float64 reference of the value', () => {
    // Σ i² for i = 1..300 = 300·301·601/6 = 9,045,050, exact in float64 and in every order.
    const w = Float32Array.from({ length: 300 }, (_, i) => i + 1);
    const g = new Float32Array(300);
    expect(l2AddGradWasm(w, g, 0.5)).toBe(9045050);
    expect(g[299]).toBe(150); // 0.5 · 300
  });
});
