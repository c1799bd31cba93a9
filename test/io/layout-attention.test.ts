import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import {
  fromKerasMultiHeadAttention,
  fromTorchMultiheadAttention,
} from '../../src/io/layout-attention.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

// Naive references written from the two libraries' documented formulas, in
// float64 loops, on random weights: the converted layer must give the same
// outputs.

const infer = { training: false, rng: createRng(0) };

function rand(rng: ReturnType<typeof createRng>, ...shape: number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => rng.uniform(-1, 1));
}
function nest(flat: number[], shape: number[]): unknown {
  if (shape.length === 1) return flat.slice(0, shape[0]);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) =>
    nest(flat.slice(i * inner, (i + 1) * inner), shape.slice(1)),
  );
}
function softmax(s: number[]): number[] {
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

describe('fromTorchMultiheadAttention', () => {
  it('packed in_proj_weight: the same outputs as PyTorch’s formula', () => {
    const rng = createRng(11);
    const E = 6,
      H = 3,
      hd = 2,
      B = 2,
      T = 4,
      S = 3;
    const W = rand(rng, 3 * E, E),
      bIn = rand(rng, 3 * E),
      Wo = rand(rng, E, E),
      bo = rand(rng, E);
    const xq = rand(rng, B, T, E),
      xkv = rand(rng, B, S, E);
    // torch: q = x·W[0:E]ᵀ + b[0:E] (k, v with the next rows), heads split E
    // into H blocks of hd; attn = softmax(q_h·k_hᵀ/√hd)·v_h; out = concat·Woᵀ + bo.
    const proj = (x: number[], rows: number, part: number): number[] => {
      const out: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let o = 0; o < E; o++) {
          let s = bIn[part * E + o]!;
          for (let i = 0; i < E; i++) s += x[r * E + i]! * W[(part * E + o) * E + i]!;
          out.push(s);
        }
      return out;
    };
    const q = proj(xq, B * T, 0),
      k = proj(xkv, B * S, 1),
      v = proj(xkv, B * S, 2);
    const expected: number[] = [];
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const cat: number[] = [];
        for (let h = 0; h < H; h++) {
          const sc: number[] = [];
          for (let s = 0; s < S; s++) {
            let d = 0;
            for (let c = 0; c < hd; c++)
              d += q[(b * T + t) * E + h * hd + c]! * k[(b * S + s) * E + h * hd + c]!;
            sc.push(d / Math.sqrt(hd));
          }
          const p = softmax(sc);
          for (let c = 0; c < hd; c++)
            cat.push(p.reduce((a, w, s) => a + w * v[(b * S + s) * E + h * hd + c]!, 0));
        }
        for (let o = 0; o < E; o++)
          expected.push(cat.reduce((a, x, i) => a + x * Wo[o * E + i]!, bo[o]!));
      }
    const mha = fromTorchMultiheadAttention(
      {
        num_heads: H,
        in_proj_weight: nest(W, [3 * E, E]) as number[][],
        in_proj_bias: bIn,
        'out_proj.weight': nest(Wo, [E, E]) as number[][],
        'out_proj.bias': bo,
      },
      { dtype: 'float64' },
    );
    const tq = tensor(xq, { shape: [B, T, E], dtype: 'float64' });
    const tkv = tensor(xkv, { shape: [B, S, E], dtype: 'float64' });
    expectClose(mha.forward([tq, tkv, tkv], infer).data, expected, { atol: 1e-12 });
  });

  it('errors name the converter, the argument and the expectation', () => {
    expect(() =>
      fromTorchMultiheadAttention({
        num_heads: 4,
        'out_proj.weight': [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      }),
    ).toThrow(ValueError);
    expect(() =>
      fromTorchMultiheadAttention({
        num_heads: 1,
        in_proj_weight: [[1, 0]],
        'out_proj.weight': [
          [1, 0],
          [0, 1],
        ],
      }),
    ).toThrow(ShapeError);
  });
});

describe('fromKerasMultiHeadAttention', () => {
  it('kernels [in, heads, dim]: the same outputs as Keras’s einsum formula', () => {
    const rng = createRng(12);
    const E = 3,
      Kin = 2,
      H = 2,
      dk = 2,
      dv = 3,
      O = 4,
      B = 2,
      T = 3,
      S = 2;
    const Wq = rand(rng, E, H, dk),
      bq = rand(rng, H, dk),
      Wk = rand(rng, Kin, H, dk),
      bk = rand(rng, H, dk),
      Wv = rand(rng, Kin, H, dv),
      bv = rand(rng, H, dv),
      Wo = rand(rng, H, dv, O),
      bo = rand(rng, O);
    const xq = rand(rng, B, T, E),
      xkv = rand(rng, B, S, Kin);
    // query[b,t,h,d] = Σ_c x[b,t,c]·Wq[c,h,d] + bq[h,d] (einsum abc,cde->abde);
    // scores[b,h,t,s] = q·k / √dk; ctx[b,t,h,d] = Σ_s p·v; out = Σ_{h,d} ctx·Wo[h,d,o] + bo.
    const ein = (
      x: number[],
      rows: number,
      cin: number,
      w: number[],
      bias: number[],
      dim: number,
    ) => {
      const out: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let h = 0; h < H; h++)
          for (let d = 0; d < dim; d++) {
            let s = bias[h * dim + d]!;
            for (let c = 0; c < cin; c++) s += x[r * cin + c]! * w[(c * H + h) * dim + d]!;
            out.push(s);
          }
      return out;
    };
    const q = ein(xq, B * T, E, Wq, bq, dk),
      k = ein(xkv, B * S, Kin, Wk, bk, dk),
      v = ein(xkv, B * S, Kin, Wv, bv, dv);
    const expected: number[] = [];
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const ctx: number[] = [];
        for (let h = 0; h < H; h++) {
          const sc: number[] = [];
          for (let s = 0; s < S; s++) {
            let d = 0;
            for (let c = 0; c < dk; c++)
              d += q[((b * T + t) * H + h) * dk + c]! * k[((b * S + s) * H + h) * dk + c]!;
            sc.push(d / Math.sqrt(dk));
          }
          const p = softmax(sc);
          for (let c = 0; c < dv; c++)
            ctx.push(p.reduce((a, w, s) => a + w * v[((b * S + s) * H + h) * dv + c]!, 0));
        }
        for (let o = 0; o < O; o++)
          expected.push(ctx.reduce((a, x, i) => a + x * Wo[i * O + o]!, bo[o]!));
      }
    const mha = fromKerasMultiHeadAttention(
      {
        num_heads: H,
        query: {
          kernel: nest(Wq, [E, H, dk]) as number[][][],
          bias: nest(bq, [H, dk]) as number[][],
        },
        key: {
          kernel: nest(Wk, [Kin, H, dk]) as number[][][],
          bias: nest(bk, [H, dk]) as number[][],
        },
        value: {
          kernel: nest(Wv, [Kin, H, dv]) as number[][][],
          bias: nest(bv, [H, dv]) as number[][],
        },
        attention_output: { kernel: nest(Wo, [H, dv, O]) as number[][][], bias: bo },
      },
      { dtype: 'float64' },
    );
    const tq = tensor(xq, { shape: [B, T, E], dtype: 'float64' });
    const tkv = tensor(xkv, { shape: [B, S, Kin], dtype: 'float64' });
    expectClose(mha.forward([tq, tkv, tkv], infer).data, expected, { atol: 1e-12 });
  });
});
