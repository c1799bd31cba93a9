import { fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import type { ConvGeometry } from '../kernels/js/conv.js';

// Option parsing and output-size arithmetic shared by the convolution ops and
// layers (1-D is the 2-D case with a height of 1), so every entry point checks
// and reports the same way.

/**
 * Padding of a 2-D convolution: 'valid' (none), 'same' (TensorFlow's rule: the
 * output has ceil(size / stride) positions, the padding split with the extra
 * zero after, ONNX's SAME_UPPER), or explicit `[[top, bottom], [left, right]]`.
 */
export type Conv2dPadding =
  'valid' | 'same' | readonly [readonly [number, number], readonly [number, number]];

/** Padding of a 1-D convolution: 'valid', 'same' or explicit `[left, right]`. */
export type Conv1dPadding = 'valid' | 'same' | readonly [number, number];

/** Settings of a convolution, normalized to two spatial axes (height, width). */
export interface ConvSpec {
  readonly strides: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** 'valid', 'same', or explicit [top, bottom, left, right]. */
  readonly padding: 'valid' | 'same' | readonly [number, number, number, number];
  readonly groups: number;
}

function positiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(fn, name, 'a positive integer', v);
  return v;
}

function nonNegInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    fail(fn, name, 'a non-negative integer', v);
  return v;
}

/** A size per spatial axis from a number or a tuple of `dims` positive integers, as [h, w]. */
export function readPair(
  fn: string,
  name: string,
  v: unknown,
  dims: 1 | 2,
): readonly [number, number] {
  if (typeof v === 'number') {
    positiveInt(fn, name, v);
    return dims === 1 ? [1, v] : [v, v];
  }
  if (!Array.isArray(v) || v.length !== dims)
    fail(
      fn,
      name,
      dims === 1 ? 'a positive integer' : 'a positive integer or a pair [height, width] of them',
      v,
    );
  const a = v as unknown[];
  a.forEach((x, i) => positiveInt(fn, `${name}[${i}]`, x));
  return dims === 1 ? [1, a[0] as number] : [a[0] as number, a[1] as number];
}

/** Padding for `dims` spatial axes, normalized. */
export function readPadding(fn: string, v: unknown, dims: 1 | 2): ConvSpec['padding'] {
  if (v === 'valid' || v === 'same') return v;
  const want =
    dims === 1
      ? `'valid', 'same' or [left, right] (non-negative integers)`
      : `'valid', 'same' or [[top, bottom], [left, right]] (non-negative integers)`;
  if (!Array.isArray(v) || v.length !== 2) fail(fn, 'padding', want, v);
  if (dims === 1) {
    const [l, r] = v as unknown[];
    return [0, 0, nonNegInt(fn, 'padding[0]', l), nonNegInt(fn, 'padding[1]', r)];
  }
  const [hv, wv] = v as unknown[];
  if (!Array.isArray(hv) || hv.length !== 2 || !Array.isArray(wv) || wv.length !== 2)
    fail(fn, 'padding', want, v);
  const h = hv as unknown[];
  const w = wv as unknown[];
  return [
    nonNegInt(fn, 'padding[0][0]', h[0]),
    nonNegInt(fn, 'padding[0][1]', h[1]),
    nonNegInt(fn, 'padding[1][0]', w[0]),
    nonNegInt(fn, 'padding[1][1]', w[1]),
  ];
}

/** The spec from user options (strides, padding, dilation, groups), checked. */
export function readConvSpec(
  fn: string,
  o: { strides?: unknown; padding?: unknown; dilation?: unknown; groups?: unknown },
  dims: 1 | 2,
): ConvSpec {
  return {
    strides: readPair(fn, 'strides', o.strides ?? 1, dims),
    dilation: readPair(fn, 'dilation', o.dilation ?? 1, dims),
    padding: readPadding(fn, o.padding ?? 'valid', dims),
    groups: positiveInt(fn, 'groups', o.groups ?? 1),
  };
}

/** The spec's padding as user-facing JSON (`'same'`, `[[t, b], [l, r]]` or, in 1-D, `[l, r]`). */
export function paddingJSON(p: ConvSpec['padding'], dims: 1 | 2): Conv2dPadding | Conv1dPadding {
  if (typeof p === 'string') return p;
  return dims === 1
    ? [p[2], p[3]]
    : [
        [p[0], p[1]],
        [p[2], p[3]],
      ];
}

const AXES = ['height', 'width'] as const;

/** Output size and leading padding of one axis, or a ShapeError naming it. */
function axis(
  fn: string,
  which: 0 | 1,
  dims: 1 | 2,
  size: number,
  k: number,
  s: number,
  d: number,
  padding: ConvSpec['padding'],
): [number, number] {
  const name = dims === 1 ? 'length' : AXES[which];
  // A kernel with no tap along an axis would silently give an output of zeros
  // of a made-up size (PyTorch refuses it too).
  if (k < 1) throw new ShapeError(`${fn}: the kernel's ${name} must be at least 1, got ${k}`);
  const extent = (k - 1) * d + 1;
  if (padding === 'same') {
    const out = Math.ceil(size / s);
    const total = Math.max(0, (out - 1) * s + extent - size);
    return [out, Math.floor(total / 2)];
  }
  const before = padding === 'valid' ? 0 : padding[which * 2]!;
  const after = padding === 'valid' ? 0 : padding[which * 2 + 1]!;
  const padded = size + before + after;
  if (extent > padded) {
    const dil = d === 1 ? '' : ` (kernel ${k}, dilation ${d})`;
    const pad = padding === 'valid' ? '' : ` (${size} + padding ${before} + ${after})`;
    throw new ShapeError(
      `${fn}: the kernel's ${name} ${extent}${dil} is larger than the padded input ${name} ${padded}${pad}`,
    );
  }
  return [Math.floor((padded - extent) / s) + 1, before];
}

/**
 * The geometry of a convolution of per-sample input [inH, inW, inC] with a
 * kernel [kH, kW, inC/groups, outC], checked: channel count divisible by
 * groups, filters divisible by groups, kernel no larger than the padded input.
 */
export function convGeometry(
  fn: string,
  inH: number,
  inW: number,
  inC: number,
  kH: number,
  kW: number,
  outC: number,
  spec: ConvSpec,
  dims: 1 | 2,
): ConvGeometry {
  const { groups } = spec;
  if (inC % groups !== 0)
    throw new ShapeError(`${fn}: input channels ${inC} are not divisible by groups ${groups}`);
  if (outC % groups !== 0)
    throw new ShapeError(`${fn}: filters ${outC} are not divisible by groups ${groups}`);
  const [outH, padTop] = axis(
    fn,
    0,
    dims,
    inH,
    kH,
    spec.strides[0],
    spec.dilation[0],
    spec.padding,
  );
  const [outW, padLeft] = axis(
    fn,
    1,
    dims,
    inW,
    kW,
    spec.strides[1],
    spec.dilation[1],
    spec.padding,
  );
  return {
    inH,
    inW,
    inC,
    outH,
    outW,
    outC,
    kH,
    kW,
    strideH: spec.strides[0],
    strideW: spec.strides[1],
    dilH: spec.dilation[0],
    dilW: spec.dilation[1],
    padTop,
    padLeft,
    groups,
  };
}

/**
 * The geometry of a transposed convolution of per-sample input [inH, inW, inC]
 * with a kernel [kH, kW, outC, inC] (Keras layout), given as the geometry of
 * the forward convolution it is the adjoint of (from [outH, outW, outC] to
 * [inH, inW, inC]). Output size per axis, as Keras: 'valid' gives
 * (in − 1)·s + k + outputPadding, with outputPadding defaulting to
 * max(s − k, 0); 'same' gives in·s by default, or (in − 1)·s + k − 2·⌊k/2⌋ +
 * outputPadding.
 */
export function transposeGeometry(
  fn: string,
  inH: number,
  inW: number,
  inC: number,
  kH: number,
  kW: number,
  outC: number,
  strides: readonly [number, number],
  padding: 'valid' | 'same',
  outputPadding: readonly [number, number] | null,
  dims: 1 | 2,
): ConvGeometry {
  const ins = [inH, inW];
  const ks = [kH, kW];
  const outs: number[] = [];
  const pads: number[] = [];
  for (const a of [0, 1] as const) {
    const i = ins[a]!;
    const k = ks[a]!;
    const s = strides[a];
    const op = outputPadding?.[a];
    if (k < 1)
      throw new ShapeError(
        `${fn}: the kernel's ${dims === 1 ? 'length' : AXES[a]} must be at least 1, got ${k}`,
      );
    if (op !== undefined && op >= s)
      throw new ShapeError(
        `${fn}: outputPadding ${op} must be smaller than the stride ${s} (${dims === 1 ? 'length' : AXES[a]})`,
      );
    let o: number;
    if (padding === 'valid') o = (i - 1) * s + k + (op ?? Math.max(s - k, 0));
    else o = op === undefined ? i * s : (i - 1) * s + k - 2 * Math.floor(k / 2) + op;
    if (o < 1)
      throw new ShapeError(`${fn}: the output ${dims === 1 ? 'length' : AXES[a]} would be ${o}`);
    // The forward convolution from o back to i: valid needs no padding; same
    // pads (TensorFlow's rule) so that it maps o positions onto i.
    const pad = padding === 'valid' ? 0 : Math.floor(Math.max(0, (i - 1) * s + k - o) / 2);
    outs.push(o);
    pads.push(pad);
  }
  return {
    inH: outs[0]!,
    inW: outs[1]!,
    inC: outC,
    outH: inH,
    outW: inW,
    outC: inC,
    kH,
    kW,
    strideH: strides[0],
    strideW: strides[1],
    dilH: 1,
    dilW: 1,
    padTop: pads[0]!,
    padLeft: pads[1]!,
    groups: 1,
  };
}
