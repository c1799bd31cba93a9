import { ValueError } from '../_lib/errors.js';
import type { Layer } from '../layers/layer.js';
import { sinusoidTable } from '../layers/positional.js';
import type { OnnxAttr } from './_model.js';

// ONNX export of the attention layers. Opset 17 has no attention operator, so
// multi-head attention is written as the subgraph of its definition
// (MatMul/Add projections, Reshape/Transpose to heads, MatMul, Mul by the
// scale, Softmax, MatMul, back to steps, the output projection); position
// embeddings are an Add of a constant table (sinusoidal) or of the rows a
// Gather takes from the learned table.

/** What the exporter's emitter offers (to-onnx.ts's Emitter). */
export interface NodeEmitter {
  node(op: string, inputs: string[], attrs?: Record<string, OnnxAttr>, out?: string): string;
  floats(base: string, dims: number[], data: ArrayLike<number>): string;
  ints(base: string, values: number[]): string;
}

const perm = (value: number[]): Record<string, OnnxAttr> => ({
  perm: { kind: 'ints', value },
});

/**
 * multiHeadAttention of inputs [query, key, value] (names `xs`, per-sample
 * shapes `inShapes`): per sample and head, softmax(scale·Q·Kᵀ (+ causal −∞))·V,
 * heads side by side, then the output projection. Dropout is the identity
 * (inference); masks cannot reach an exported model (every layer that makes
 * one is an export exclusion); the attention weights as a second output are
 * refused by the exporter (single-output layers only).
 */
export function emitMultiHeadAttention(
  e: NodeEmitter,
  layer: Layer,
  xs: readonly string[],
  inShapes: readonly (readonly number[])[],
  where: string,
): string {
  const c = layer.config as Record<string, unknown>;
  const p = layer.params;
  if (xs.length !== 3 || inShapes.length !== 3)
    throw new ValueError(`toOnnx: ${where} (kind 'multiHeadAttention') needs 3 inputs`);
  const H = c['numHeads'] as number;
  const dk = c['keyDim'] as number;
  const dv = c['valueDim'] as number;
  const tq = inShapes[0]![0]!;
  const tk = inShapes[1]![0]!;
  const proj = (x: string, kernel: string, bias: string): string => {
    const w = p[kernel]!;
    const y = e.node('MatMul', [x, e.floats(kernel, [...w.shape], w.data)]);
    const b = p[bias];
    return b === undefined ? y : e.node('Add', [y, e.floats(bias, [...b.shape], b.data)]);
  };
  // [N, t, H·d] -> [N, t, H, d] (0 copies the batch axis) -> the given permutation.
  const heads = (y: string, t: number, d: number, order: number[]): string =>
    e.node('Transpose', [e.node('Reshape', [y, e.ints('shape', [0, t, H, d])])], perm(order));
  const q = heads(proj(xs[0]!, 'queryKernel', 'queryBias'), tq, dk, [0, 2, 1, 3]); // [N, H, tq, dk]
  const kT = heads(proj(xs[1]!, 'keyKernel', 'keyBias'), tk, dk, [0, 2, 3, 1]); // [N, H, dk, tk]
  const v = heads(proj(xs[2]!, 'valueKernel', 'valueBias'), tk, dv, [0, 2, 1, 3]); // [N, H, tk, dv]
  // The scale multiplies q·k, as the kernel does (1/√dk, rounded to float32 here).
  let s = e.node('Mul', [e.node('MatMul', [q, kT]), e.floats('scale', [], [1 / Math.sqrt(dk)])]);
  if (c['causal'] === true) {
    // Query i sees keys j <= i: −∞ above the diagonal, broadcast over batch and heads.
    const m = new Float32Array(tq * tk);
    for (let i = 0; i < tq; i++) for (let j = i + 1; j < tk; j++) m[i * tk + j] = -Infinity;
    s = e.node('Add', [s, e.floats('causal', [tq, tk], m)]);
  }
  const w = e.node('Softmax', [s], { axis: { kind: 'int', value: -1 } });
  const ctx = e.node('Transpose', [e.node('MatMul', [w, v])], perm([0, 2, 1, 3])); // [N, tq, H, dv]
  const joined = e.node('Reshape', [ctx, e.ints('shape', [0, tq, H * dv])]);
  return proj(joined, 'outputKernel', 'outputBias');
}

/** sinusoidalPositionEmbedding: x + the code [steps, dim], a constant [1, steps, dim]. */
export function emitSinusoidal(
  e: NodeEmitter,
  layer: Layer,
  x: string,
  inShape: readonly number[],
): string {
  const c = layer.config as Record<string, unknown>;
  const steps = inShape[0]!;
  const dim = c['dim'] as number;
  const table = sinusoidTable(steps, dim, c['base'] as number);
  return e.node('Add', [x, e.floats('positions', [1, steps, dim], table)]);
}

/**
 * positionEmbedding: x + rows 0..steps−1 of the learned table, a Gather of the
 * whole table [maxLength, dim] (so that an import gets the table back) by
 * constant indices.
 */
export function emitPositionEmbedding(
  e: NodeEmitter,
  layer: Layer,
  x: string,
  inShape: readonly number[],
): string {
  const t = layer.params['embeddings']!;
  const steps = inShape[0]!;
  const rows = e.node(
    'Gather',
    [
      e.floats('positionTable', [...t.shape], t.data),
      e.ints(
        'positions',
        Array.from({ length: steps }, (_, i) => i),
      ),
    ],
    { axis: { kind: 'int', value: 0 } },
  );
  return e.node('Add', [x, rows]);
}
