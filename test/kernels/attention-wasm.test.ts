import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/random/rng.js';
import {
  attentionBackwardSlot,
  attentionForwardSlot,
  type AttentionDims,
  type AttentionDropout,
  type AttentionMask,
} from '../../src/kernels/attention.js';
import { attentionBackward, attentionForward } from '../../src/kernels/js/attention.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { limits } from '../../src/kernels/wasm/kernels.js';
import { attentionBackwardWasm, attentionForwardWasm } from '../../src/kernels/wasm/attention.js';
import { expectClose } from '../helpers/expect-close.js';

// The WebAssembly attention kernels against the JS ones on the same float32
// operands: both layouts, sizes that leave SIMD tails in every width (steps
// and widths of 1, 3, 5, 17, 129), no mask, causal, key padding, a full
// [batch, heads, q, k] mask with rows that see no key, and dropout with the
// keep flags as bytes (the op) and as floats (the layer). The JS kernel
// accumulates in doubles and the wasm one in float32 with a polynomial exp,
// so they agree to float32 rounding, not bit for bit.

const saved = limits.matmulWork;
beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  limits.matmulWork = 0; // every size through the SIMD code
});
afterAll(() => {
  limits.matmulWork = saved;
  useJs();
});

type MaskKind = 'none' | 'causal' | 'padding' | 'full' | 'causal+padding' | 'query';

function makeMask(kind: MaskKind, d: AttentionDims, rng: Rng): AttentionMask | null {
  const { batch, heads, tq, tk } = d;
  const bits = (n: number, p: number): Uint8Array =>
    Uint8Array.from({ length: n }, () => (rng.uniform() < p ? 0 : 1));
  switch (kind) {
    case 'none':
      return null;
    case 'causal':
      return { data: null, sb: 0, sh: 0, si: 0, causal: true };
    case 'padding': {
      // a key padding mask [batch, tk]; sample 0 hides every key (zero output)
      const data = bits(batch * tk, 0.3);
      data.fill(0, 0, tk);
      return { data, sb: tk, sh: 0, si: 0, causal: false };
    }
    case 'causal+padding':
      return { data: bits(batch * tk, 0.3), sb: tk, sh: 0, si: 0, causal: true };
    case 'query':
      // one [tq, tk] mask shared by every sample and head (strides 0)
      return { data: bits(tq * tk, 0.5), sb: 0, sh: 0, si: tk, causal: false };
    case 'full':
      return {
        data: bits(batch * heads * tq * tk, 0.6),
        sb: heads * tq * tk,
        sh: tq * tk,
        si: tk,
        causal: false,
      };
  }
}

function run(
  d: AttentionDims,
  maskKind: MaskKind,
  dropKind: 'none' | 'bytes' | 'floats',
  grads: readonly boolean[],
): void {
  const rng = createRng(d.batch * 1000 + d.tq * 31 + d.tk * 7 + d.dk * 3 + d.dv);
  const { batch, heads, tq, tk, dk, dv } = d;
  const rand = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => rng.uniform(-2, 2));
  const q = rand(batch * heads * tq * dk);
  const k = rand(batch * heads * tk * dk);
  const v = rand(batch * heads * tk * dv);
  const mask = makeMask(maskKind, d, rng);
  const nw = batch * heads * tq * tk;
  let drop: AttentionDropout | null = null;
  if (dropKind !== 'none') {
    const flags = Array.from({ length: nw }, () => (rng.uniform() < 0.25 ? 0 : 1));
    drop = {
      keep: dropKind === 'bytes' ? Uint8Array.from(flags) : Float32Array.from(flags),
      scale: 4 / 3,
    };
  }
  const outJs = new Float32Array(batch * heads * tq * dv);
  const wJs = new Float32Array(nw);
  attentionForward(q, k, v, outJs, wJs, d, mask, drop);
  const outW = new Float32Array(outJs.length).fill(7);
  const wW = new Float32Array(nw).fill(7);
  attentionForwardWasm(q, k, v, outW, wW, d, mask, drop);
  expectClose(wW, wJs, { atol: 1e-6, rtol: 1e-5 });
  expectClose(outW, outJs, { atol: 1e-5, rtol: 1e-4 });

  const g = rand(outJs.length);
  const alloc = (want: boolean | undefined, n: number, fill: number): Float32Array | null =>
    want === true ? new Float32Array(n).fill(fill) : null;
  const [wq, wk, wv] = grads;
  const js = [alloc(wq, q.length, 0), alloc(wk, k.length, 0), alloc(wv, v.length, 0)] as const;
  const wa = [alloc(wq, q.length, 9), alloc(wk, k.length, 9), alloc(wv, v.length, 9)] as const;
  attentionBackward(q, k, v, wJs, g, js[0], js[1], js[2], d, drop, new Float32Array(tk));
  attentionBackwardWasm(q, k, v, wJs, g, wa[0], wa[1], wa[2], d, drop, new Float32Array(tk));
  for (let i = 0; i < 3; i++) {
    if (js[i] === null) continue;
    expectClose(wa[i]!, js[i]!, { atol: 1e-4, rtol: 1e-4 });
  }
}

// batch, heads, tq, tk, dk, dv
const sizes: [number, number, number, number, number, number][] = [
  [1, 1, 1, 1, 1, 1],
  [2, 3, 5, 7, 3, 5],
  [1, 2, 17, 3, 17, 1],
  [3, 1, 4, 9, 16, 16],
  [2, 4, 32, 32, 16, 16], // W7's block
  [1, 2, 5, 129, 6, 2],
  [1, 1, 129, 5, 20, 33],
];

describe('scaled dot-product attention on WebAssembly', () => {
  for (const layout of ['bhtd', 'bthd'] as const) {
    it.each(sizes)(`${layout} %i×%i heads, q %i, k %i, dk %i, dv %i`, (b, h, tq, tk, dk, dv) => {
      const d: AttentionDims = {
        batch: b,
        heads: h,
        tq,
        tk,
        dk,
        dv,
        layout,
        scale: 1 / Math.sqrt(dk),
      };
      run(d, 'none', 'none', [true, true, true]);
      for (const m of ['causal', 'padding', 'full', 'causal+padding', 'query'] as const)
        run(d, m, 'none', [true, true, true]);
      run(d, 'padding', 'bytes', [true, false, true]);
      run(d, 'causal', 'floats', [false, true, false]);
    });
  }

  it('a query that sees no key: zero weights, zero output, zero gradients', () => {
    // one query, two keys, both hidden by the padding mask
    const d: AttentionDims = {
      batch: 1,
      heads: 1,
      tq: 1,
      tk: 2,
      dk: 1,
      dv: 1,
      layout: 'bhtd',
      scale: 1,
    };
    const mask: AttentionMask = {
      data: new Uint8Array([0, 0]),
      sb: 2,
      sh: 0,
      si: 0,
      causal: false,
    };
    const out = new Float32Array([7]);
    const w = new Float32Array([7, 7]);
    attentionForwardWasm(
      new Float32Array([1]),
      new Float32Array([1, 2]),
      new Float32Array([3, 4]),
      out,
      w,
      d,
      mask,
      null,
    );
    expect(Array.from(out)).toEqual([0]);
    expect(Array.from(w)).toEqual([0, 0]);
    const gq = new Float32Array([9]);
    const gv = new Float32Array([9, 9]);
    attentionBackwardWasm(
      new Float32Array([1]),
      new Float32Array([1, 2]),
      new Float32Array([3, 4]),
      w,
      new Float32Array([1]),
      gq,
      null,
      gv,
      d,
      null,
      new Float32Array(2),
    );
    expect(Array.from(gq)).toEqual([0]);
    expect(Array.from(gv)).toEqual([0, 0]);
  });

  it('weights and output worked by hand', () => {
    // q = [ln 3], keys [1] and [0], scale 1: scores ln 3 and 0, weights 3/4 and 1/4;
    // values 4 and 8: output 3/4·4 + 1/4·8 = 5.
    const d: AttentionDims = {
      batch: 1,
      heads: 1,
      tq: 1,
      tk: 2,
      dk: 1,
      dv: 1,
      layout: 'bhtd',
      scale: 1,
    };
    const out = new Float32Array(1);
    const w = new Float32Array(2);
    attentionForwardSlot.impl(
      new Float32Array([Math.log(3)]),
      new Float32Array([1, 0]),
      new Float32Array([4, 8]),
      out,
      w,
      d,
      null,
      null,
    );
    expectClose(w, [0.75, 0.25], { atol: 1e-6 });
    expectClose(out, [5], { atol: 1e-5 });
  });

  it('useWasm installs the wasm kernels in the slots', () => {
    expect(attentionForwardSlot.impl).toBe(attentionForwardWasm);
    expect(attentionBackwardSlot.impl).toBe(attentionBackwardWasm);
  });

  it('float64 operands run the JS kernel', () => {
    const d: AttentionDims = {
      batch: 1,
      heads: 1,
      tq: 1,
      tk: 2,
      dk: 1,
      dv: 1,
      layout: 'bhtd',
      scale: 1,
    };
    const out = new Float64Array(1);
    const w = new Float64Array(2);
    attentionForwardWasm(
      new Float64Array([0]),
      new Float64Array([1, 2]),
      new Float64Array([2, 4]),
      out,
      w,
      d,
      null,
      null,
    );
    expect(Array.from(w)).toEqual([0.5, 0.5]);
    expect(Array.from(out)).toEqual([3]);
  });
});
