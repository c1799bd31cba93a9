import { transposeGeometry } from '../ops/_conv.js';

// Explicit ONNX pads for myelin's paddings, both ways. Files never carry
// auto_pad: onnxruntime refuses SAME_UPPER with dilations, and the input
// sizes are known when a model is written, so the pads can be spelled out.

/**
 * [before, after] padding of one axis under Keras's (TensorFlow's) 'same',
 * the rule of myelin's convolutions and pools: ⌈size / s⌉ outputs, total
 * padding max(0, (out − 1)·s + span − size) with span = (k − 1)·d + 1, the
 * odd element after (ONNX's SAME_UPPER).
 */
export function samePads(size: number, k: number, s: number, d = 1): [number, number] {
  const span = (k - 1) * d + 1;
  const out = Math.ceil(size / s);
  const total = Math.max(0, (out - 1) * s + span - size);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Per-axis output size and leading crop of a conv2dTranspose, from the layer's own geometry. */
function transposed(
  sizes: readonly [number, number],
  k: readonly [number, number],
  s: readonly [number, number],
  padding: 'valid' | 'same',
  outputPadding: readonly [number, number] | null,
): { out: [number, number]; start: [number, number] } {
  const g = transposeGeometry(
    'toOnnx',
    sizes[0],
    sizes[1],
    1,
    k[0],
    k[1],
    1,
    s,
    padding,
    outputPadding,
    2,
  );
  return { out: [g.inH, g.inW], start: [g.padTop, g.padLeft] };
}

/**
 * ONNX ConvTranspose attributes for a conv2dTranspose on per-sample sizes
 * [H, W]. Per axis, myelin's output is positions start … start + out − 1 of
 * the full transposed convolution (length L = (in − 1)·s + k, zero beyond),
 * and ONNX's is positions pads_begin … of that full result extended by
 * output_padding, with out = L + output_padding − pads_begin − pads_end. So
 * pads_begin = start; the rest, L − start − out, is pads_end when it is not
 * negative, and output_padding (−rest, always below the stride) when it is
 * (kernel < stride, or 'same' with outputPadding and kernel 1). All are
 * non-negative, as ONNX requires.
 */
export function convTransposePads(
  sizes: readonly [number, number],
  k: readonly [number, number],
  s: readonly [number, number],
  padding: 'valid' | 'same',
  outputPadding: readonly [number, number] | null,
): { pads: number[]; outputPadding: number[] } {
  const { out, start } = transposed(sizes, k, s, padding, outputPadding);
  const rest = [0, 1].map((a) => (sizes[a]! - 1) * s[a]! + k[a]! - start[a]! - out[a]!);
  return {
    pads: [start[0], start[1], Math.max(rest[0]!, 0), Math.max(rest[1]!, 0)],
    outputPadding: rest.map((r) => Math.max(-r, 0)),
  };
}

/**
 * The conv2dTranspose options (padding, outputPadding) that compute an ONNX
 * ConvTranspose with these pads and output_padding on per-sample sizes
 * [H, W] (no dilation), or null when none does. Tries, in order, 'valid' and
 * 'same' with Keras's default output size, then each with an explicit
 * outputPadding; the output grows by one per unit of outputPadding, so the
 * candidate is the difference from outputPadding 0, checked against the
 * layer's geometry.
 */
export function convTransposeOptions(
  sizes: readonly [number, number],
  k: readonly [number, number],
  s: readonly [number, number],
  pads: readonly number[],
  outputPadding: readonly number[],
): { padding: 'valid' | 'same'; outputPadding: [number, number] | null } | null {
  const start = [pads[0]!, pads[1]!];
  const want = [0, 1].map(
    (a) => (sizes[a]! - 1) * s[a]! + k[a]! + outputPadding[a]! - pads[a]! - pads[a + 2]!,
  );
  const matches = (padding: 'valid' | 'same', op: readonly [number, number] | null): boolean => {
    try {
      const g = transposed(sizes, k, s, padding, op);
      return [0, 1].every((a) => g.out[a] === want[a] && g.start[a] === start[a]);
    } catch {
      return false; // an output of no positions
    }
  };
  for (const padding of ['valid', 'same'] as const)
    if (matches(padding, null)) return { padding, outputPadding: null };
  for (const padding of ['valid', 'same'] as const) {
    let base: { out: [number, number] };
    try {
      base = transposed(sizes, k, s, padding, [0, 0]);
    } catch {
      continue;
    }
    const op: [number, number] = [want[0]! - base.out[0], want[1]! - base.out[1]];
    if (op.every((v, a) => v >= 0 && v < s[a]!) && matches(padding, op))
      return { padding, outputPadding: op };
  }
  return null;
}
