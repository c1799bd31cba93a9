import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertPositiveInt,
  fail,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import { maskOf } from '../tensor/mask.js';
import { allocFloat, asFloat, type FloatArray, type FloatDType } from '../_lib/typed.js';
import { zerosInitializer } from '../init/constant.js';
import { computeFans, type Initializer } from '../init/initializer.js';
import { glorotUniform } from '../init/variance.js';
import { colSumSlot } from '../kernels/bias.js';
import { denseSlot } from '../kernels/dense.js';
import {
  attentionBackwardSlot,
  attentionForwardSlot,
  type AttentionDims,
  type AttentionMask,
} from '../kernels/attention.js';
import { matmulSlot } from '../kernels/matmul.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
} from './layer.js';
import { checkInitializer } from './_norm.js';
import { applyVia, inputsOf, runLayer } from './_run.js';
import { applyLayer, type SymbolicTensor } from './symbolic.js';
import { checkDtype, checkOptions, kindConfig, weightFrom, type KindConfig } from './_util.js';

/** Parameter names of {@link multiHeadAttention}, in the order they are drawn. */
export type AttentionParamName =
  | 'queryKernel'
  | 'queryBias'
  | 'keyKernel'
  | 'keyBias'
  | 'valueKernel'
  | 'valueBias'
  | 'outputKernel'
  | 'outputBias';

/** Options of {@link multiHeadAttention}. Defaults follow Keras's `MultiHeadAttention`. */
export interface MultiHeadAttentionOptions {
  /** Query and key width per head (default modelDim / numHeads, which must then divide evenly). */
  keyDim?: number;
  /** Value width per head (default keyDim). */
  valueDim?: number;
  /** Width of the key input (default modelDim). */
  keyInputDim?: number;
  /** Width of the value input (default keyInputDim). */
  valueInputDim?: number;
  /** Width of the output (default modelDim). */
  outputDim?: number;
  /** Add biases to the four projections (default true). */
  useBias?: boolean;
  /** Dropout rate on the attention weights in training, in [0, 1) (default 0). */
  dropout?: number;
  /** Forbid each query step from seeing later key steps (default false). */
  causal?: boolean;
  /** A second output: the attention weights [numHeads, q, k] per sample (default false). */
  returnAttentionScores?: boolean;
  /**
   * Kernel initializer (default `glorotUniform()`). Ignored for weights given
   * in `weights`. Its fans are those of Keras's 3-D kernels (see
   * {@link multiHeadAttention}), so the default limit for queryKernel is
   * √(6 / (numHeads·modelDim + keyDim·modelDim)), not that of a
   * [modelDim, numHeads·keyDim] dense kernel.
   */
  kernelInitializer?: Initializer;
  /** Bias initializer (default zeros); its fans are those of Keras's bias shapes. */
  biasInitializer?: Initializer;
  /** Initial values of some or all parameters, by name (the shapes listed on {@link multiHeadAttention}). */
  weights?: Partial<Record<AttentionParamName, TensorLike>>;
  /** Random stream for the initializers (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Whether training updates this layer (default true). */
  trainable?: boolean;
}

/** The JSON-able description of a multi-head attention layer; with its params it rebuilds it. */
export interface MultiHeadAttentionConfig {
  readonly modelDim: number;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly keyInputDim: number;
  readonly valueInputDim: number;
  readonly outputDim: number;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly causal: boolean;
  readonly returnAttentionScores: boolean;
  readonly dtype: FloatDType;
  readonly kernelInitializer: KindConfig;
  readonly biasInitializer: KindConfig;
  readonly name?: string;
}

/**
 * Multi-head attention: a layer of three inputs, query [q, modelDim],
 * key [k, keyInputDim] and value [k, valueInputDim] per sample.
 */
export interface MultiHeadAttention extends BuiltinLayer<
  'multiHeadAttention',
  MultiHeadAttentionConfig
> {
  readonly arity: 3;
  /** The attention output [batch, q, outputDim] for `[query, key, value]`. */
  forward(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor;
  /** The output and, with `returnAttentionScores`, the weights [batch, numHeads, q, k]. */
  forwardWithScores(xs: readonly Tensor[], ctx: ForwardContext): [Tensor, Tensor];
  apply(xs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
  /**
   * The attention weights [batch, numHeads, q, k] for `[query, key, value]`
   * in inference mode (whatever `returnAttentionScores` says); no gradient.
   */
  attentionScores(xs: readonly Tensor[]): Tensor;
  /** In a graph: the output and, with `returnAttentionScores`, the weights. */
  applyWithScores(xs: readonly SymbolicTensor[]): [SymbolicTensor, SymbolicTensor];
}

const KNOWN = [
  'keyDim',
  'valueDim',
  'keyInputDim',
  'valueInputDim',
  'outputDim',
  'useBias',
  'dropout',
  'causal',
  'returnAttentionScores',
  'kernelInitializer',
  'biasInitializer',
  'weights',
  'rng',
  'dtype',
  'name',
  'trainable',
];

const PARAMS: readonly AttentionParamName[] = [
  'queryKernel',
  'queryBias',
  'keyKernel',
  'keyBias',
  'valueKernel',
  'valueBias',
  'outputKernel',
  'outputBias',
];

function layerName(layer: { name?: string }): string {
  return layer.name === undefined ? 'multiHeadAttention' : `multiHeadAttention "${layer.name}"`;
}

/**
 * The layer's math over buffers. Per sample, with H heads:
 * Q = query·Wq + bq [q, H·dk], K = key·Wk + bk [k, H·dk], V = value·Wv + bv
 * [k, H·dv] (heads side by side), C = attention(Q, K, V) per head [q, H·dv],
 * out = C·Wo + bo. `saved` holds Q, K, V, C, the weights [H, q, k] and, with
 * dropout, the keep mask [H, q, k]; the backward pass's scratch holds ∂C, ∂Q,
 * ∂K, ∂V and one row of k.
 */
function compileAttention(
  layer: MultiHeadAttention,
  inShapes: readonly (readonly number[])[],
): CompiledLayer {
  const c = layer.config;
  const who = layerName(layer);
  if (inShapes.length !== 3)
    throw new ValueError(`${who}: takes 3 inputs (query, key, value), got ${inShapes.length}`);
  const [qs, ks, vs] = inShapes as [number[], number[], number[]];
  const widths = [c.modelDim, c.keyInputDim, c.valueInputDim];
  // Where each width comes from, and the options that take the width given.
  const source = [
    'modelDim, the first argument',
    'the option keyInputDim (default modelDim)',
    'the option valueInputDim (default keyInputDim)',
  ];
  const fix = (i: number, w: number): string => {
    if (i === 0)
      return `build the layer with modelDim ${w}, or give a query of width ${c.modelDim}`;
    if (i === 2) return `build the layer with valueInputDim: ${w}`;
    // valueInputDim defaults to keyInputDim: name it too unless that default fits the value.
    const vw = vs.length === 2 ? vs[1]! : w;
    const both = vw !== w || c.valueInputDim !== c.keyInputDim;
    return `build the layer with keyInputDim: ${w}${both ? ` and valueInputDim: ${vw}` : ''}`;
  };
  ['query', 'key', 'value'].forEach((name, i) => {
    const s = inShapes[i]!;
    if (s.length !== 2 || s[1] !== widths[i])
      throw new ShapeError(
        `${who}: ${name} must be [steps, ${widths[i]}] per sample, got ${fmtShape(s)}${s.length === 2 ? `; its width is ${source[i]}: ${fix(i, s[1]!)}` : ''}`,
      );
  });
  if (ks[0] !== vs[0])
    throw new ShapeError(
      `${who}: key and value must have the same number of steps, got key ${fmtShape(ks)} and value ${fmtShape(vs)}`,
    );
  const tq = qs[0]!,
    tk = ks[0]!;
  const H = c.numHeads,
    dk = c.keyDim,
    dv = c.valueDim;
  const hk = H * dk,
    hv = H * dv;
  const nw = H * tq * tk;
  checkElements(who, `the attention weights [${H}, ${tq}, ${tk}] per sample`, nw);
  const drop = c.dropout > 0;
  // Offsets into one sample's saved block, scaled by rows at call time.
  const sizes = [tq * hk, tk * hk, tk * hv, tq * hv, nw, drop ? nw : 0];
  const savedPerRow = sizes.reduce((a, b) => a + b, 0);
  const scratchPerRow = tq * hv + tq * hk + tk * hk + tk * hv + tk;
  const outShapes: number[][] = [[tq, c.outputDim]];
  if (c.returnAttentionScores) outShapes.push([H, tq, tk]);
  const scale = 1 / Math.sqrt(dk);
  const P = layer.params;

  const parts = (buf: FloatArray, rows: number, list: readonly number[]): FloatArray[] => {
    const out: FloatArray[] = [];
    let o = 0;
    for (const n of list) {
      out.push(buf.subarray(o, o + rows * n));
      o += rows * n;
    }
    return out;
  };
  const data = (name: AttentionParamName): FloatArray | null => {
    const t = P[name];
    return t === undefined ? null : asFloat(t.data);
  };
  const dimsFor = (rows: number): AttentionDims => ({
    batch: rows,
    heads: H,
    tq,
    tk,
    dk,
    dv,
    layout: 'bthd',
    scale,
  });
  // Keras merges the key's and the value's masks with a logical AND: a key
  // step is hidden when either input marks it as padding. `both` holds that
  // AND when the two differ, kept between calls (grown as batches grow).
  let both: Uint8Array | null = null;
  const maskFor = (io: LayerIO): AttentionMask | null => {
    const mk = io.masks[1] ?? null,
      mv = io.masks[2] ?? null;
    let km = mk ?? mv;
    if (mk !== null && mv !== null && mk !== mv) {
      const n = io.rows * tk;
      if (both === null || both.length < n) both = new Uint8Array(n);
      for (let i = 0; i < n; i++) both[i] = mk[i] !== 0 && mv[i] !== 0 ? 1 : 0;
      km = both;
    }
    if (km === null && !c.causal) return null;
    return { data: km, sb: tk, sh: 0, si: 0, causal: c.causal };
  };

  return {
    outShapes,
    savedPerRow,
    scratchPerRow,
    forward(io: LayerIO): void {
      const r = io.rows;
      const [Q, K, V, C, W, keep] = parts(io.saved, r, sizes) as [
        FloatArray,
        FloatArray,
        FloatArray,
        FloatArray,
        FloatArray,
        FloatArray,
      ];
      const [xq, xk, xv] = io.inputs as [FloatArray, FloatArray, FloatArray];
      denseSlot.impl(xq, data('queryKernel')!, data('queryBias'), Q, r * tq, c.modelDim, hk, false);
      denseSlot.impl(xk, data('keyKernel')!, data('keyBias'), K, r * tk, c.keyInputDim, hk, false);
      denseSlot.impl(
        xv,
        data('valueKernel')!,
        data('valueBias'),
        V,
        r * tk,
        c.valueInputDim,
        hv,
        false,
      );
      let dropSpec = null;
      if (drop && io.training) {
        const rate = c.dropout;
        for (let i = 0; i < r * nw; i++) keep[i] = io.rng.uniform() < rate ? 0 : 1;
        dropSpec = { keep, scale: 1 / (1 - rate) };
      } else if (drop) keep.fill(1);
      attentionForwardSlot.impl(Q, K, V, C, W, dimsFor(r), maskFor(io), dropSpec);
      const y = io.outputs[0]!;
      denseSlot.impl(
        C,
        data('outputKernel')!,
        data('outputBias'),
        y,
        r * tq,
        hv,
        c.outputDim,
        false,
      );
      if (c.returnAttentionScores) io.outputs[1]!.set(W.subarray(0, r * nw));
    },
    backward(io: LayerBackwardIO): void {
      const r = io.rows;
      const [Q, K, V, C, W, keep] = parts(io.saved, r, sizes) as [
        FloatArray,
        FloatArray,
        FloatArray,
        FloatArray,
        FloatArray,
        FloatArray,
      ];
      const [gC, gQ, gK, gV, row] = parts(io.scratch, r, [
        tq * hv,
        tq * hk,
        tk * hk,
        tk * hv,
        tk,
      ]) as [FloatArray, FloatArray, FloatArray, FloatArray, FloatArray];
      const gy = io.gradOutputs[0]!;
      const gp = io.gradParams;
      const mq = r * tq,
        mk = r * tk;
      const gWo = gp.outputKernel ?? null;
      if (gWo !== null) matmulSlot.impl(C, gy, gWo, hv, mq, c.outputDim, true, false);
      const gbo = gp.outputBias ?? null;
      if (gbo !== null) colSumSlot.impl(gy, gbo, mq, c.outputDim);
      matmulSlot.impl(gy, data('outputKernel')!, gC, mq, c.outputDim, hv, false, true);
      const dropSpec = drop && io.training ? { keep, scale: 1 / (1 - c.dropout) } : null;
      attentionBackwardSlot.impl(Q, K, V, W, gC, gQ, gK, gV, dimsFor(r), dropSpec, row);
      const proj = (
        x: FloatArray,
        gz: FloatArray,
        m: number,
        inW: number,
        outW: number,
        kernel: AttentionParamName,
        bias: AttentionParamName,
        gx: FloatArray | null,
      ): void => {
        const gw = gp[kernel] ?? null;
        if (gw !== null) matmulSlot.impl(x, gz, gw, inW, m, outW, true, false);
        const gb = gp[bias] ?? null;
        if (gb !== null) colSumSlot.impl(gz, gb, m, outW);
        if (gx !== null) matmulSlot.impl(gz, data(kernel)!, gx, m, outW, inW, false, true);
      };
      const [xq, xk, xv] = io.inputs as [FloatArray, FloatArray, FloatArray];
      const gi = io.gradInputs;
      proj(xq, gQ, mq, c.modelDim, hk, 'queryKernel', 'queryBias', gi[0] ?? null);
      proj(xk, gK, mk, c.keyInputDim, hk, 'keyKernel', 'keyBias', gi[1] ?? null);
      proj(xv, gV, mk, c.valueInputDim, hv, 'valueKernel', 'valueBias', gi[2] ?? null);
    },
    outputMask(io: LayerIO): Uint8Array | null {
      return io.masks[0] ?? null;
    },
  };
}

/**
 * Multi-head attention (Vaswani et al. 2017, arXiv:1706.03762) as Keras's
 * `MultiHeadAttention`: a layer of three inputs, `[query, key, value]`, of
 * per-sample shapes [q, modelDim], [k, keyInputDim] and [k, valueInputDim].
 * Each of `numHeads` heads projects them to width keyDim (query, key) and
 * valueDim (value), attends with `scaledDotProductAttention`'s math
 * (scale 1/√keyDim), and the heads' outputs, side by side, go through an
 * output projection to [q, outputDim]. For self-attention pass one tensor
 * three times.
 *
 * Parameters (Keras's kernels with their head axes flattened, same order in
 * memory): queryKernel [modelDim, numHeads·keyDim], queryBias
 * [numHeads·keyDim], keyKernel [keyInputDim, numHeads·keyDim], keyBias,
 * valueKernel [valueInputDim, numHeads·valueDim], valueBias, outputKernel
 * [numHeads·valueDim, outputDim], outputBias [outputDim].
 *
 * Initialization follows Keras: kernels from `kernelInitializer` (default
 * Glorot uniform), biases from `biasInitializer` (default zeros), each with
 * the fans Keras's `compute_fans` gives its 3-D EinsumDense shape (for a
 * shape [...r, a, b]: fanIn = a·Πr, fanOut = b·Πr). The query, key and value
 * kernels are [inputWidth, numHeads, width] in Keras, so fanIn = numHeads·
 * inputWidth and fanOut = width·inputWidth; the output kernel is [numHeads,
 * valueDim, outputDim], so fanIn = numHeads·valueDim and fanOut = numHeads·
 * outputDim (biases: [numHeads, width] and [outputDim]). Glorot uniform
 * draws from U(−l, l) with l = √(6 / (fanIn + fanOut)), variance l²/3: for
 * modelDim 64, 8 heads of 8, 2/1024 for queryKernel and 2/576 for
 * outputKernel.
 *
 * Masks: a step mask on the key or the value input hides those key steps
 * from every query (padding; with masks on both, a step either marks as
 * padding is hidden, as Keras ANDs them); `causal` hides later steps. A query
 * that may see no key gets zero weights, so its output is the output bias
 * (PyTorch gives NaN there). The query's own mask does not enter the
 * attention (Keras's also hides every key from a padded query step, which
 * changes only the outputs at padded steps); the output
 * carries the query's mask. Memory per sample: the projections, plus
 * numHeads·q·k attention weights (twice that with dropout in training).
 * With `returnAttentionScores` the weights are a second output
 * ({@link MultiHeadAttention.forwardWithScores}, `applyWithScores`); it
 * carries no gradient.
 *
 * @param modelDim Width of the query input (and, by default, of key, value and output).
 * @param numHeads Number of heads.
 * @example
 * ```ts
 * import { multiHeadAttention, tensor, createRng } from 'myelin';
 * const mha = multiHeadAttention(4, 2, { rng: createRng(1) }); // keyDim 2
 * const x = tensor([[[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]]]); // [batch 1, 3 steps, 4]
 * const y = mha.forward([x, x, x], { training: false, rng: createRng(0) });
 * console.log(y.shape); // [1, 3, 4]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function multiHeadAttention(
  modelDim: number,
  numHeads: number,
  options: MultiHeadAttentionOptions = {},
): MultiHeadAttention {
  const fn = 'multiHeadAttention';
  assertPositiveInt(fn, 'modelDim', modelDim);
  assertPositiveInt(fn, 'numHeads', numHeads);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  if (options.keyDim === undefined && modelDim % numHeads !== 0)
    throw new ValueError(
      `${fn}: modelDim ${modelDim} is not divisible by numHeads ${numHeads}; pass keyDim, or a modelDim that is a multiple of numHeads`,
    );
  const keyDim = assertPositiveInt(fn, 'keyDim', options.keyDim ?? modelDim / numHeads);
  const valueDim = assertPositiveInt(fn, 'valueDim', options.valueDim ?? keyDim);
  const keyInputDim = assertPositiveInt(fn, 'keyInputDim', options.keyInputDim ?? modelDim);
  const valueInputDim = assertPositiveInt(
    fn,
    'valueInputDim',
    options.valueInputDim ?? keyInputDim,
  );
  const outputDim = assertPositiveInt(fn, 'outputDim', options.outputDim ?? modelDim);
  const useBias = assertBoolean(fn, 'useBias', options.useBias ?? true);
  const rate = assertNumber(fn, 'dropout', options.dropout ?? 0, { min: 0 });
  if (rate >= 1) fail(fn, 'dropout', 'a rate in [0, 1)', rate);
  const causal = assertBoolean(fn, 'causal', options.causal ?? false);
  const returnAttentionScores = assertBoolean(
    fn,
    'returnAttentionScores',
    options.returnAttentionScores ?? false,
  );
  const trainable = assertBoolean(fn, 'trainable', options.trainable ?? true);
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  const kernelInit = checkInitializer(
    fn,
    'kernelInitializer',
    options.kernelInitializer ?? glorotUniform(),
  );
  const biasInit = checkInitializer(
    fn,
    'biasInitializer',
    options.biasInitializer ?? zerosInitializer(),
  );
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  const given = options.weights ?? {};
  if (typeof given !== 'object' || given === null) fail(fn, 'weights', 'an object', given);
  assertKnownKeys(
    fn,
    'weights',
    given,
    useBias ? PARAMS : PARAMS.filter((p) => p.endsWith('Kernel')),
  );
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);

  const hk = numHeads * keyDim,
    hv = numHeads * valueDim;
  const shapes: Record<AttentionParamName, [number, number] | [number]> = {
    queryKernel: [modelDim, hk],
    queryBias: [hk],
    keyKernel: [keyInputDim, hk],
    keyBias: [hk],
    valueKernel: [valueInputDim, hv],
    valueBias: [hv],
    outputKernel: [hv, outputDim],
    outputBias: [outputDim],
  };
  for (const p of PARAMS) {
    const s = shapes[p];
    checkElements(
      fn,
      `${p} ${fmtShape(s)}`,
      s.reduce((a, b) => a * b, 1),
    );
  }
  // Keras's EinsumDense shapes of the same parameters: the initializers'
  // fans come from these (the values are drawn in the flattened layout).
  const kerasShapes: Record<AttentionParamName, number[]> = {
    queryKernel: [modelDim, numHeads, keyDim],
    queryBias: [numHeads, keyDim],
    keyKernel: [keyInputDim, numHeads, keyDim],
    keyBias: [numHeads, keyDim],
    valueKernel: [valueInputDim, numHeads, valueDim],
    valueBias: [numHeads, valueDim],
    outputKernel: [numHeads, valueDim, outputDim],
    outputBias: [outputDim],
  };
  const params: Record<string, Tensor> = {};
  for (const p of PARAMS) {
    const isBias = p.endsWith('Bias');
    if (isBias && !useBias) continue;
    const s = shapes[p];
    const value = given[p];
    if (value !== undefined) {
      params[p] = weightFrom(fn, p, value, s, dtype);
      continue;
    }
    const { fanIn, fanOut } = computeFans(kerasShapes[p]);
    const init = isBias ? biasInit : kernelInit;
    params[p] = new Tensor(init.init(s, { rng, dtype, fanIn, fanOut }).data, s, true);
  }

  const config: MultiHeadAttentionConfig = {
    modelDim,
    numHeads,
    keyDim,
    valueDim,
    keyInputDim,
    valueInputDim,
    outputDim,
    useBias,
    dropout: rate,
    causal,
    returnAttentionScores,
    dtype,
    kernelInitializer: kindConfig(kernelInit),
    biasInitializer: kindConfig(biasInit),
    ...(options.name === undefined ? {} : { name: options.name }),
  };

  const layer: MultiHeadAttention = {
    kind: 'multiHeadAttention',
    config,
    params,
    trainable,
    arity: 3,
    inputShape: null,
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    outputShape(): number[] {
      throw new ValueError(`${layerName(layer)}: takes 3 inputs (query, key, value)`);
    },
    outputShapes(s: readonly (readonly number[])[]): number[] {
      return [...compileAttention(layer, s).outShapes[0]!];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return compileAttention(layer, inShapes);
    },
    forward(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return runLayer(fn, layer, inputsOf(fn, xs, 3), ctx)[0]!;
    },
    forwardWithScores(xs: readonly Tensor[], ctx: ForwardContext): [Tensor, Tensor] {
      if (!returnAttentionScores)
        throw new ValueError(
          `${layerName(layer)}: forwardWithScores needs returnAttentionScores: true`,
        );
      const out = runLayer(fn, layer, inputsOf(fn, xs, 3), ctx);
      return [out[0]!, out[1]!];
    },
    attentionScores(xs: readonly Tensor[]): Tensor {
      const ins = inputsOf(fn, xs, 3);
      // The checks of forward (runLayer): batch first, one batch size.
      ins.forEach((t, i) => {
        if (t.rank === 0)
          throw new ShapeError(
            `${layerName(layer)}: input must be batch first, shape [n, ...features], got a scalar (inputs[${i}])`,
          );
      });
      const rows = ins[0]!.shape[0]!;
      if (ins.some((t) => t.shape[0] !== rows))
        throw new ShapeError(
          `${layerName(layer)}: inputs have different batch sizes: ${ins.map((t) => fmtShape(t.shape)).join(', ')}`,
        );
      const shapes = ins.map((t) => t.shape.slice(1));
      const compiled = compileAttention(layer, shapes);
      const inputs = ins.map((t) =>
        t.dtype === dtype ? asFloat(t.data) : allocFloat(dtype, t.size).map((_, i) => t.data[i]!),
      );
      const out = compiled.outShapes.map((sh) => allocFloat(dtype, rows * shapeSize(sh)));
      const saved = allocFloat(dtype, rows * compiled.savedPerRow!);
      const masks = ins.map((t) => maskOf(t));
      compiled.forward({
        rows,
        inputs,
        outputs: out,
        saved,
        scratch: allocFloat(dtype, 0),
        training: false,
        rng: defaultRng(),
        masks,
      });
      const per = numHeads * shapes[0]![0]! * shapes[1]![0]!;
      const at = rows * (compiled.savedPerRow! - per * (rate > 0 ? 2 : 1));
      return new Tensor(saved.slice(at, at + rows * per), [
        rows,
        numHeads,
        shapes[0]![0]!,
        shapes[1]![0]!,
      ]);
    },
    apply(xs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, xs);
    },
    applyWithScores(xs: readonly SymbolicTensor[]): [SymbolicTensor, SymbolicTensor] {
      if (!returnAttentionScores)
        throw new ValueError(
          `${layerName(layer)}: applyWithScores needs returnAttentionScores: true`,
        );
      const out = applyLayer(layer, xs);
      return [out[0]!, out[1]!];
    },
  };
  return layer;
}
