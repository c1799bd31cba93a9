import { assertBoolean, assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { asFloat, type FloatDType } from '../_lib/typed.js';
import { activationKernel, type Activation, type ActivationConfig } from '../activations/define.js';
import { identity } from '../activations/identity.js';
import { zerosInitializer } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import { glorotUniform } from '../init/variance.js';
import { biasAddSlot, colSumSlot } from '../kernels/bias.js';
import {
  convBackwardLowered,
  convBackwardSlot,
  convForwardLowered,
  convForwardSlot,
} from '../kernels/conv.js';
import type { ConvGeometry } from '../kernels/js/conv.js';
import { reluBackwardSlot, reluSlot } from '../kernels/relu.js';
import {
  convGeometry,
  paddingJSON,
  readConvSpec,
  readPair,
  transposeGeometry,
  type Conv1dPadding,
  type Conv2dPadding,
  type ConvSpec,
} from '../ops/_conv.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  LayerRegularizers,
  RelevanceIO,
  RelevanceRule,
} from './layer.js';
import { applyVia, runLayer1 } from './_run.js';
import { CONV_RULES, convRelevance } from './_conv-relevance.js';
import { MAP_RULES, mapRelevance } from './_map-relevance.js';
import type { SymbolicTensor } from './symbolic.js';
import {
  activationConfigOf,
  checkActivation,
  checkDtype,
  checkInputTensor,
  checkOptions,
  checkRegularizer,
  kindConfig,
  weightFrom,
  type KindConfig,
} from './_util.js';

// The convolution layers (conv1d, conv2d, conv2dTranspose) share one body:
// option checks, parameters, config and the compiled math. A 1-D layer is the
// 2-D one with a height of 1 (its kernel [k, C, F] has the memory of [1, k, C, F]).

/** Options shared by the convolution layers. */
export interface ConvLayerCommonOptions {
  /** Applied to the convolution plus bias (default `identity`). relu is fused into the kernel. */
  activation?: Activation;
  /** Add a bias per filter (default true). */
  useBias?: boolean;
  /**
   * Kernel initializer (default `glorotUniform()`, with Keras's fans for a
   * convolution: fanIn = kernel area · channels/groups, fanOut = kernel area · filters).
   */
  kernelInitializer?: Initializer;
  /** Bias initializer (default zeros). */
  biasInitializer?: Initializer;
  /** Initial kernel values (Keras layout; see the layer). */
  kernel?: TensorLike;
  /** Initial bias values, shape [filters]. */
  bias?: TensorLike;
  /** Random stream for the initializers (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Penalty on the kernel. */
  kernelRegularizer?: Regularizer;
  /** Penalty on the bias. */
  biasRegularizer?: Regularizer;
  /** Penalty on the layer's output. */
  activityRegularizer?: Regularizer;
  /** Whether training updates this layer (default true). */
  trainable?: boolean;
  /**
   * The per-sample input shape, channels last ([height, width, inChannels] in
   * 2-D, [steps, inChannels] in 1-D), as Keras's `input_shape`: the layer then
   * accepts only that size, and `sequential` checks every later layer's shape
   * when the model is built. Default: any size (checked when applied).
   */
  inputShape?: readonly number[];
}

/** The saved description shared by the convolution layers. */
export interface ConvLayerCommonConfig {
  readonly inChannels: number;
  readonly filters: number;
  readonly activation: string;
  readonly activationConfig: ActivationConfig;
  readonly useBias: boolean;
  readonly dtype: FloatDType;
  readonly kernelInitializer: KindConfig;
  readonly biasInitializer: KindConfig;
  readonly kernelRegularizer: KindConfig | null;
  readonly biasRegularizer: KindConfig | null;
  readonly activityRegularizer: KindConfig | null;
  readonly name?: string;
  /** Present when the layer was given a fixed per-sample input shape. */
  readonly inputShape?: readonly number[];
}

/** A convolution layer's parameters and activation. */
export interface ConvLayerParts {
  readonly activation: Activation;
  readonly kernel: Tensor;
  readonly bias: Tensor | null;
}

const COMMON = [
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'kernel',
  'bias',
  'rng',
  'dtype',
  'name',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'trainable',
  'inputShape',
];

/** What distinguishes the three layers. */
export interface ConvVariant {
  readonly kind: 'conv1d' | 'conv2d' | 'conv2dTranspose';
  readonly dims: 1 | 2;
  readonly transposed: boolean;
}

function checkInitializer(fn: string, name: string, i: unknown): Initializer {
  if (typeof i !== 'object' || i === null || typeof (i as Partial<Initializer>).init !== 'function')
    fail(fn, name, 'an initializer (such as glorotUniform())', i);
  return i as Initializer;
}

/** The geometry for a per-sample input shape, checked (rank, channels, sizes). */
function geometryFor(
  v: ConvVariant,
  inChannels: number,
  filters: number,
  k: readonly [number, number],
  spec: ConvSpec,
  outputPadding: readonly [number, number] | null,
  sh: readonly number[],
): { g: ConvGeometry; out: number[] } {
  const fn = v.kind;
  const want =
    v.dims === 1 ? `[steps, ${inChannels}]` : `[height, width, ${inChannels}] (channels last)`;
  if (sh.length !== v.dims + 1 || sh[sh.length - 1] !== inChannels)
    throw new ShapeError(
      `${fn}: per-sample input must be ${want} for inChannels ${inChannels}, got ${fmtShape(sh)}${sh.length === v.dims + 1 && sh[0] === inChannels ? ' (channels first? nchwToNhwc converts PyTorch-layout data)' : ''}`,
    );
  const h = v.dims === 1 ? 1 : sh[0]!;
  const w = sh[v.dims - 1]!;
  if (v.transposed) {
    const g = transposeGeometry(
      fn,
      h,
      w,
      inChannels,
      k[0],
      k[1],
      filters,
      spec.strides,
      spec.padding === 'same' ? 'same' : 'valid',
      outputPadding,
      v.dims,
    );
    return { g, out: [g.inH, g.inW, filters] };
  }
  const g = convGeometry(fn, h, w, inChannels, k[0], k[1], filters, spec, v.dims);
  return { g, out: v.dims === 1 ? [g.outW, filters] : [g.outH, g.outW, filters] };
}

/**
 * The math of a convolution layer over buffers: Z = conv(X, W) + b, Y = f(Z),
 * with relu fused into the kernel, identity skipped and any other activation
 * run by its kernel on Z (kept for backward). Backward, with G = ∂/∂Z:
 * ∂b = Σ G over batch and pixels, ∂W and ∂X from the lowered products (the
 * input gradient skipped when not asked for). A transposed layer runs the same
 * kernels with the roles of forward and input-gradient swapped.
 */
function compileConv(
  v: ConvVariant,
  parts: ConvLayerParts,
  g: ConvGeometry,
  outShape: readonly number[],
): CompiledLayer {
  const act = activationKernel(parts.activation);
  const fused = act.relu === true;
  const linear = act.linear === true;
  const separate = !fused && !linear;
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const pixels = outSize / outShape[outShape.length - 1]!;
  const filters = outShape[outShape.length - 1]!;
  let shapeRows = -1;
  let actShape: readonly number[] = [];
  const shapeFor = (rows: number): readonly number[] => {
    if (rows !== shapeRows) {
      shapeRows = rows;
      actShape = [rows, ...outShape];
    }
    return actShape;
  };
  const { kernel, bias } = parts;
  const sub = (a: Float32Array | Float64Array, n: number) =>
    n === a.length ? a : a.subarray(0, n);
  return {
    outShapes: [outShape],
    savedPerRow: separate ? outSize : 0,
    scratchPerRow: fused || separate ? outSize : 0,
    forward(io: LayerIO): void {
      const rows = io.rows;
      const n = rows * outSize;
      const x = io.inputs[0]!;
      const w = asFloat(kernel.data);
      const b = bias === null ? null : asFloat(bias.data);
      const z = separate ? sub(io.saved, n) : io.outputs[0]!;
      if (v.transposed) {
        // The transposed layer's output is the convolution's input gradient.
        convBackwardSlot.impl(z, w, x, z, null, rows, g);
        if (b !== null) biasAddSlot.impl(z, b, z, rows * pixels, filters);
        if (fused) reluSlot.impl(z, z, n);
      } else {
        convForwardSlot.impl(x, w, b, z, rows, g, fused);
      }
      if (separate) act.forward(z, io.outputs[0]!, shapeFor(rows));
    },
    // Relevance: the linear rules over the lowered product. A transposed
    // convolution is a linear map too (the convolution's input gradient), so
    // the same rules apply through its forward and its transpose (the
    // convolution itself), in float64, without forming the matrix.
    relevanceFamily: 'convolution',
    relevanceRules: v.transposed ? MAP_RULES : CONV_RULES,
    relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
      if (!v.transposed) return convRelevance(io, rule, g, kernel, bias);
      const rows = io.rows;
      return mapRelevance(
        (x, w, z) => {
          convBackwardLowered(z, w, x, z, null, rows, g);
        },
        (s, w, out) => {
          convForwardLowered(s, w, null, out, rows, g, false);
        },
        io.inputs[0]!,
        asFloat(kernel.data),
        bias === null ? null : asFloat(bias.data),
        io.relevanceOutputs[0]!,
        io.relevanceInputs[0]!,
        rows * g.outH * g.outW * g.outC,
        rows * g.inH * g.inW * g.inC,
        rule,
      );
    },
    backward(io: LayerBackwardIO): void {
      const rows = io.rows;
      const n = rows * outSize;
      const gy = io.gradOutputs[0]!;
      let gz = gy;
      if (!linear) {
        gz = sub(io.scratch, n);
        const y = io.outputs[0]!;
        // relu's rule: pass the gradient where the output is > 0.
        if (fused) reluBackwardSlot.impl(sub(y, n), sub(gy, n), gz, n);
        else act.backward(sub(io.saved, n), y, gy, gz, shapeFor(rows));
      }
      const x = io.inputs[0]!;
      const w = asFloat(kernel.data);
      const gb = io.gradParams.bias;
      if (gb !== null && gb !== undefined) colSumSlot.impl(gz, gb, rows * pixels, filters);
      const gw = io.gradParams.kernel ?? null;
      const gx = io.gradInputs[0] ?? null;
      if (v.transposed) {
        if (gw !== null) convBackwardSlot.impl(gz, w, x, null, gw, rows, g);
        if (gx !== null) convForwardSlot.impl(gz, w, null, gx, rows, g, false);
      } else if (gw !== null || gx !== null) {
        convBackwardSlot.impl(x, w, gz, gx, gw, rows, g);
      }
    },
  };
}

/** The parsed, checked options of a convolution layer. */
export interface ConvLayerBuilt<C> {
  readonly config: C;
  readonly parts: ConvLayerParts;
  readonly trainable: boolean;
  readonly dtype: FloatDType;
  readonly regularizers: LayerRegularizers | undefined;
}

/**
 * Builds a convolution layer of `variant`: checks everything, draws or copies
 * the parameters, and returns the layer object with compile/forward/apply.
 * `extraKnown` names the variant's geometry options; `geometry` reads them.
 */
export function buildConvLayer<K extends ConvVariant['kind'], C extends ConvLayerCommonConfig>(
  v: ConvVariant & { kind: K },
  inChannels: number,
  filters: number,
  kernelSize: unknown,
  options: ConvLayerCommonOptions & Record<string, unknown>,
  extraKnown: readonly string[],
): BuiltinLayer<K, C> & ConvLayerParts {
  const fn = v.kind;
  assertPositiveInt(fn, 'inChannels', inChannels);
  assertPositiveInt(fn, 'filters', filters);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [...COMMON, ...extraKnown]);
  const k = readPair(fn, 'kernelSize', kernelSize, v.dims);
  let spec: ConvSpec;
  let outputPadding: readonly [number, number] | null = null;
  if (v.transposed) {
    const padding = options.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same')
      fail(fn, 'padding', `'valid' or 'same'`, padding);
    spec = {
      strides: readPair(fn, 'strides', options.strides ?? 1, v.dims),
      dilation: [1, 1],
      padding,
      groups: 1,
    };
    const op = options.outputPadding;
    if (op !== undefined && op !== null) {
      const ok = (a: unknown): boolean => typeof a === 'number' && Number.isInteger(a) && a >= 0;
      if (ok(op)) outputPadding = v.dims === 1 ? [0, op as number] : [op as number, op as number];
      else if (Array.isArray(op) && op.length === v.dims && op.every(ok))
        outputPadding = v.dims === 1 ? [0, op[0] as number] : [op[0] as number, op[1] as number];
      else fail(fn, 'outputPadding', 'a non-negative integer or a pair of them', op);
      const st = spec.strides;
      if (outputPadding[0] >= st[0] && !(v.dims === 1))
        fail(fn, 'outputPadding', `smaller than the strides [${st.join(', ')}]`, op);
      if (outputPadding[1] >= st[1])
        fail(
          fn,
          'outputPadding',
          `smaller than the strides ${v.dims === 1 ? st[1] : `[${st.join(', ')}]`}`,
          op,
        );
    }
  } else {
    spec = readConvSpec(fn, options as { strides?: unknown }, v.dims);
    if (inChannels % spec.groups !== 0)
      fail(fn, 'groups', `a divisor of inChannels ${inChannels}`, spec.groups);
    if (filters % spec.groups !== 0)
      fail(fn, 'groups', `a divisor of filters ${filters}`, spec.groups);
  }
  const activation = checkActivation(fn, options.activation ?? identity);
  const useBias = assertBoolean(fn, 'useBias', options.useBias ?? true);
  const trainable = assertBoolean(fn, 'trainable', options.trainable ?? true);
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  const kernelInitializer = checkInitializer(
    fn,
    'kernelInitializer',
    options.kernelInitializer ?? glorotUniform(),
  );
  const biasInitializer = checkInitializer(
    fn,
    'biasInitializer',
    options.biasInitializer ?? zerosInitializer(),
  );
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  if (!useBias && options.bias !== undefined)
    fail(fn, 'bias', 'absent when useBias is false', options.bias);
  const kernelReg = checkRegularizer(fn, 'kernelRegularizer', options.kernelRegularizer);
  const biasReg = checkRegularizer(fn, 'biasRegularizer', options.biasRegularizer);
  const activityReg = checkRegularizer(fn, 'activityRegularizer', options.activityRegularizer);
  if (!useBias && biasReg !== undefined)
    fail(fn, 'biasRegularizer', 'absent when useBias is false', biasReg);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);

  // Kernel shapes (Keras layouts): conv [kH, kW, C/groups, F] (1-D: [k, C/groups, F]);
  // transposed [kH, kW, F, C].
  const area = k[0] * k[1];
  const inner = v.transposed ? filters : inChannels / spec.groups;
  const last = v.transposed ? inChannels : filters;
  const kShape = v.dims === 1 ? [k[1], inner, last] : [k[0], k[1], inner, last];
  checkElements(fn, `the kernel ${fmtShape(kShape)}`, area * inner * last);
  // Keras's fans for a kernel [..., in, out]: fanIn = area·in, fanOut = area·out.
  const fanIn = area * inner;
  const fanOut = area * last;
  const kernel =
    options.kernel !== undefined
      ? weightFrom(fn, 'kernel', options.kernel, kShape, dtype)
      : new Tensor(
          kernelInitializer.init(kShape, { rng, dtype, fanIn, fanOut }).data,
          kShape,
          true,
        );
  let bias: Tensor | null = null;
  if (useBias)
    bias =
      options.bias !== undefined
        ? weightFrom(fn, 'bias', options.bias, [filters], dtype)
        : new Tensor(
            biasInitializer.init([filters], { rng, dtype, fanIn, fanOut }).data,
            [filters],
            true,
          );

  let fixedShape: number[] | null = null;
  if (options.inputShape !== undefined) {
    const is: unknown = options.inputShape;
    const want =
      v.dims === 1
        ? `[steps, ${inChannels}] (positive integers)`
        : `[height, width, ${inChannels}] (positive integers, channels last)`;
    if (
      !Array.isArray(is) ||
      is.length !== v.dims + 1 ||
      !is.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1) ||
      is[v.dims] !== inChannels
    )
      fail(fn, 'inputShape', want, is);
    fixedShape = [...(is as number[])];
    // The geometry of that size must work now, not at the first batch.
    geometryFor(v, inChannels, filters, k, spec, outputPadding, fixedShape);
  }

  const geometryConfig: Record<string, unknown> = {
    kernelSize: v.dims === 1 ? [k[1]] : [k[0], k[1]],
    strides: v.dims === 1 ? [spec.strides[1]] : [...spec.strides],
    padding: paddingJSON(spec.padding, v.dims),
  };
  if (v.transposed) {
    geometryConfig.outputPadding =
      outputPadding === null ? null : v.dims === 1 ? [outputPadding[1]] : [...outputPadding];
  } else {
    geometryConfig.dilation = v.dims === 1 ? [spec.dilation[1]] : [...spec.dilation];
    geometryConfig.groups = spec.groups;
  }
  const config = {
    inChannels,
    filters,
    ...geometryConfig,
    activation: activation.activationName,
    activationConfig: activationConfigOf(activation),
    useBias,
    dtype,
    kernelInitializer: kindConfig(kernelInitializer),
    biasInitializer: kindConfig(biasInitializer),
    kernelRegularizer: kernelReg === undefined ? null : kindConfig(kernelReg),
    biasRegularizer: biasReg === undefined ? null : kindConfig(biasReg),
    activityRegularizer: activityReg === undefined ? null : kindConfig(activityReg),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(fixedShape === null ? {} : { inputShape: [...fixedShape] }),
  } as unknown as C;

  const paramRegs: Record<string, Regularizer> = {};
  if (kernelReg !== undefined) paramRegs.kernel = kernelReg;
  if (biasReg !== undefined) paramRegs.bias = biasReg;
  const regularizers: LayerRegularizers | undefined =
    kernelReg === undefined && biasReg === undefined && activityReg === undefined
      ? undefined
      : {
          ...(kernelReg === undefined && biasReg === undefined ? {} : { params: paramRegs }),
          ...(activityReg === undefined ? {} : { activity: activityReg }),
        };

  const parts: ConvLayerParts = { activation, kernel, bias };
  const layer: BuiltinLayer<K, C> & ConvLayerParts = {
    kind: v.kind,
    config,
    params: bias === null ? { kernel } : { kernel, bias },
    trainable,
    inputShape: fixedShape,
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    outputShape: (sh: readonly number[]): number[] =>
      geometryFor(v, inChannels, filters, k, spec, outputPadding, sh).out,
    ...(regularizers === undefined ? {} : { regularizers }),
    activation,
    kernel,
    bias,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const { g, out } = geometryFor(v, inChannels, filters, k, spec, outputPadding, inShapes[0]!);
      return compileConv(v, parts, g, out);
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor(fn, x);
      if (t.rank !== v.dims + 2) {
        const want =
          v.dims === 1
            ? `[batch, steps, ${inChannels}]`
            : `[batch, height, width, ${inChannels}] (channels last)`;
        throw new ShapeError(`${fn}: input must have shape ${want}, got ${fmtShape(t.shape)}`);
      }
      return runLayer1(fn, layer, t, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}

export type { Conv1dPadding, Conv2dPadding };
