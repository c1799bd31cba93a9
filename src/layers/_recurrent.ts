import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertPositiveInt,
  fail,
  show,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { allocFloat, asFloat, type FloatArray, type FloatDType } from '../_lib/typed.js';
import type { Activation, ActivationConfig } from '../activations/define.js';
import { sigmoid } from '../activations/sigmoid.js';
import { tanh } from '../activations/tanh.js';
import { zerosInitializer } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import { orthogonal } from '../init/orthogonal.js';
import { glorotUniform } from '../init/variance.js';
import { gatesOf, savedLayout, scratchSize } from '../kernels/js/recurrent.js';
import {
  recurrentBackwardSlot,
  recurrentForwardSlot,
  type RecurrentProblem,
} from '../kernels/recurrent.js';
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
import { RECURRENT_RULES, recurrentRelevance } from './_recurrent-relevance.js';
import { applyVia, inputsOf, runLayer } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import {
  activationConfigOf,
  checkActivation,
  checkDtype,
  checkOptions,
  checkRegularizer,
  kindConfig,
  weightFrom,
  type KindConfig,
} from './_util.js';

/** Options shared by {@link simpleRnn}, {@link lstm} and {@link gru}. */
export interface RecurrentOptions {
  /** Activation of the state (and of the candidate; default `tanh`). One of tanh, sigmoid, relu, identity, hardSigmoid (default form). */
  activation?: Activation;
  /** Output every step's state, [batch, steps, units] (default false: the last state, [batch, units]). */
  returnSequences?: boolean;
  /** Also output the last state(s): outputs become [y, h] (lstm: [y, h, c]). Default false. */
  returnState?: boolean;
  /** Take initial states as extra inputs: [x, h0] (lstm: [x, h0, c0]), each [batch, units]. Default false. */
  initialState?: boolean;
  /** Carry the last state into the next call (kept in `state`; needs `batchSize`). Default false. */
  stateful?: boolean;
  /** Batch size of a stateful layer (every call must use it). */
  batchSize?: number;
  /** Fraction of input features dropped in training (one mask per sequence, fixed over time). */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training (one mask per sequence, fixed over time). */
  recurrentDropout?: number;
  /** Add biases (default true). */
  useBias?: boolean;
  /** Kernel initializer (default glorotUniform). */
  kernelInitializer?: Initializer;
  /** Recurrent-kernel initializer (default orthogonal). */
  recurrentInitializer?: Initializer;
  /** Bias initializer (default zeros). */
  biasInitializer?: Initializer;
  /** Initial kernel [features, G·units]. */
  kernel?: TensorLike;
  /** Initial recurrent kernel [units, G·units]. */
  recurrentKernel?: TensorLike;
  /** Initial bias ([G·units]; gru with resetAfter: [2, 3·units]). */
  bias?: TensorLike;
  /** Penalty on the kernel. */
  kernelRegularizer?: Regularizer;
  /** Penalty on the recurrent kernel. */
  recurrentRegularizer?: Regularizer;
  /** Penalty on the bias. */
  biasRegularizer?: Regularizer;
  /** Penalty on the layer's first output, added during training. */
  activityRegularizer?: Regularizer;
  /** Random stream for the initializers (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Whether training updates this layer (default true). */
  trainable?: boolean;
}

/** The JSON-able description of a recurrent layer (simpleRnn, lstm, gru). */
export interface RecurrentConfig {
  readonly features: number;
  readonly units: number;
  readonly activation: string;
  readonly activationConfig: ActivationConfig;
  /** lstm and gru only. */
  readonly recurrentActivation?: string;
  readonly recurrentActivationConfig?: ActivationConfig;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly initialState: boolean;
  readonly stateful: boolean;
  /** Present when stateful. */
  readonly batchSize?: number;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly useBias: boolean;
  /** lstm only. */
  readonly unitForgetBias?: boolean;
  /** gru only. */
  readonly resetAfter?: boolean;
  readonly dtype: FloatDType;
  readonly kernelInitializer: KindConfig;
  readonly recurrentInitializer: KindConfig;
  readonly biasInitializer: KindConfig;
  readonly kernelRegularizer: KindConfig | null;
  readonly recurrentRegularizer: KindConfig | null;
  readonly biasRegularizer: KindConfig | null;
  readonly activityRegularizer: KindConfig | null;
  readonly name?: string;
}

/** What simpleRnn, lstm and gru have in common. */
export interface RecurrentLayer<K extends string> extends BuiltinLayer<K, RecurrentConfig> {
  /** Kernel [features, G·units] (G = 1 rnn, 4 lstm, 3 gru). */
  readonly kernel: Tensor;
  /** Recurrent kernel [units, G·units]. */
  readonly recurrentKernel: Tensor;
  /** Bias, or null without `useBias`. */
  readonly bias: Tensor | null;
  /** The carried state of a stateful layer (`h`, and `c` for lstm); empty otherwise. */
  readonly state: Readonly<Record<string, Tensor>>;
  /** Sets a stateful layer's carried state to zeros. */
  resetStates(): void;
  /**
   * Runs the layer on a batch [batch, steps, features] (with `initialState`:
   * an array [x, h0] or [x, h0, c0]) and returns its first output.
   */
  forward(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor;
  /** Like `forward`, returning every output ([y, h] or [y, h, c] with `returnState`). */
  forwardAll(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor[];
}

const ACT_CODES: Readonly<Record<string, number>> = {
  tanh: 0,
  sigmoid: 1,
  relu: 2,
  identity: 3,
  hardSigmoid: 4, // in its default form only (0.2x + 0.5)
};

const KNOWN = [
  'activation',
  'returnSequences',
  'returnState',
  'initialState',
  'stateful',
  'batchSize',
  'dropout',
  'recurrentDropout',
  'useBias',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'kernel',
  'recurrentKernel',
  'bias',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'rng',
  'dtype',
  'name',
  'trainable',
];

function actCode(fn: string, name: string, a: Activation): number {
  const code = ACT_CODES[a.activationName];
  const c = a.config as Readonly<Record<string, unknown>>;
  const plain =
    a.activationName === 'hardSigmoid'
      ? c['alpha'] === 0.2 && c['beta'] === 0.5 && Object.keys(c).length === 2
      : Object.keys(c).length === 0;
  if (code === undefined || !plain) {
    // A configured activation is shown with its settings:
    // `"hardSigmoid" (alpha 0.16666666666666666, beta 0.5)`.
    const settings = Object.entries(c).map(([k, v]) => `${k} ${show(v)}`);
    throw new ValueError(
      `${fn}: ${name} must be one of tanh, sigmoid, relu, identity, hardSigmoid (alpha 0.2, beta 0.5), got ${show(a.activationName)}${settings.length === 0 ? '' : ` (${settings.join(', ')})`}${code === undefined ? '' : `; the recurrent kernels run ${a.activationName} in its default form only`}`,
    );
  }
  return code;
}

function checkInit(fn: string, name: string, i: unknown): Initializer {
  if (typeof i !== 'object' || i === null || typeof (i as Partial<Initializer>).init !== 'function')
    fail(fn, name, 'an initializer (such as glorotUniform())', i);
  return i as Initializer;
}

/** What a cell adds to the shared options. */
export interface CellSpec {
  readonly fn: string;
  readonly cell: 'rnn' | 'lstm' | 'gru';
  readonly recurrentActivation?: Activation;
  readonly unitForgetBias?: boolean;
  readonly resetAfter?: boolean;
  readonly extraKeys: readonly string[];
}

/** Builds a recurrent layer of one cell kind (the factories' shared body). */
export function makeRecurrent<K extends string>(
  kind: K,
  spec: CellSpec,
  features: number,
  units: number,
  options: RecurrentOptions,
): RecurrentLayer<K> {
  const fn = spec.fn;
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [...KNOWN, ...spec.extraKeys]);
  const cell = spec.cell;
  const G = gatesOf(cell);
  const GU = G * units;
  const activation = checkActivation(fn, options.activation ?? tanh);
  const actC = actCode(fn, 'activation', activation);
  const recAct = spec.recurrentActivation ?? sigmoid;
  const recC = cell === 'rnn' ? 1 : actCode(fn, 'recurrentActivation', recAct);
  const returnSequences = assertBoolean(fn, 'returnSequences', options.returnSequences ?? false);
  const returnState = assertBoolean(fn, 'returnState', options.returnState ?? false);
  const initialState = assertBoolean(fn, 'initialState', options.initialState ?? false);
  const stateful = assertBoolean(fn, 'stateful', options.stateful ?? false);
  const useBias = assertBoolean(fn, 'useBias', options.useBias ?? true);
  const trainable = assertBoolean(fn, 'trainable', options.trainable ?? true);
  const dropoutRate = assertNumber(fn, 'dropout', options.dropout ?? 0, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const recurrentDropout = assertNumber(fn, 'recurrentDropout', options.recurrentDropout ?? 0, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  let batchSize = 0;
  if (stateful) {
    if (options.batchSize === undefined)
      fail(fn, 'batchSize', 'a positive integer when stateful is true', undefined);
    if (initialState) fail(fn, 'initialState', 'false when stateful is true', true);
  }
  if (options.batchSize !== undefined) {
    if (!stateful) fail(fn, 'batchSize', 'absent unless stateful is true', options.batchSize);
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
      fail(fn, 'batchSize', 'a positive integer', options.batchSize);
    batchSize = options.batchSize;
  }
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  const kernelInit = checkInit(
    fn,
    'kernelInitializer',
    options.kernelInitializer ?? glorotUniform(),
  );
  const recInit = checkInit(
    fn,
    'recurrentInitializer',
    options.recurrentInitializer ?? orthogonal(),
  );
  const biasInit = checkInit(fn, 'biasInitializer', options.biasInitializer ?? zerosInitializer());
  if (!useBias && options.bias !== undefined)
    fail(fn, 'bias', 'absent when useBias is false', options.bias);
  const kernelReg = checkRegularizer(fn, 'kernelRegularizer', options.kernelRegularizer);
  const recReg = checkRegularizer(fn, 'recurrentRegularizer', options.recurrentRegularizer);
  const biasReg = checkRegularizer(fn, 'biasRegularizer', options.biasRegularizer);
  const activityReg = checkRegularizer(fn, 'activityRegularizer', options.activityRegularizer);
  if (!useBias && biasReg !== undefined)
    fail(fn, 'biasRegularizer', 'absent when useBias is false', biasReg);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);

  checkElements(fn, `the kernel [${features},${GU}]`, features * GU);
  checkElements(fn, `the recurrent kernel [${units},${GU}]`, units * GU);
  const resetAfter = cell === 'gru' && spec.resetAfter === true;
  const biasShape = resetAfter ? [2, GU] : [GU];
  // Weights: given values are copied; otherwise drawn, kernel, recurrent kernel, bias in turn.
  const draw = (init: Initializer, shape: number[], fanIn: number, fanOut: number): Tensor =>
    new Tensor(init.init(shape, { rng, dtype, fanIn, fanOut }).data, shape, true);
  const kernel =
    options.kernel !== undefined
      ? weightFrom(fn, 'kernel', options.kernel, [features, GU], dtype)
      : draw(kernelInit, [features, GU], features, GU);
  const recurrentKernel =
    options.recurrentKernel !== undefined
      ? weightFrom(fn, 'recurrentKernel', options.recurrentKernel, [units, GU], dtype)
      : draw(recInit, [units, GU], units, GU);
  let bias: Tensor | null = null;
  if (useBias) {
    if (options.bias !== undefined) bias = weightFrom(fn, 'bias', options.bias, biasShape, dtype);
    else {
      bias = draw(biasInit, biasShape, features, GU);
      // Keras's unit_forget_bias: the forget gate's slice of the bias starts at 1.
      if (spec.unitForgetBias === true) {
        const b = asFloat(bias.data);
        for (let k = 0; k < units; k++) b[units + k] = 1;
      }
    }
  }
  const config: RecurrentConfig = {
    features,
    units,
    activation: activation.activationName,
    activationConfig: activationConfigOf(activation),
    ...(cell === 'rnn'
      ? {}
      : {
          recurrentActivation: recAct.activationName,
          recurrentActivationConfig: activationConfigOf(recAct),
        }),
    returnSequences,
    returnState,
    initialState,
    stateful,
    ...(stateful ? { batchSize } : {}),
    dropout: dropoutRate,
    recurrentDropout,
    useBias,
    ...(cell === 'lstm' ? { unitForgetBias: spec.unitForgetBias === true } : {}),
    ...(cell === 'gru' ? { resetAfter } : {}),
    dtype,
    kernelInitializer: kindConfig(kernelInit),
    recurrentInitializer: kindConfig(recInit),
    biasInitializer: kindConfig(biasInit),
    kernelRegularizer: kernelReg === undefined ? null : kindConfig(kernelReg),
    recurrentRegularizer: recReg === undefined ? null : kindConfig(recReg),
    biasRegularizer: biasReg === undefined ? null : kindConfig(biasReg),
    activityRegularizer: activityReg === undefined ? null : kindConfig(activityReg),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const paramRegs: Record<string, Regularizer> = {};
  if (kernelReg !== undefined) paramRegs.kernel = kernelReg;
  if (recReg !== undefined) paramRegs.recurrentKernel = recReg;
  if (biasReg !== undefined) paramRegs.bias = biasReg;
  const hasParamRegs = Object.keys(paramRegs).length > 0;
  const regularizers: LayerRegularizers | undefined =
    !hasParamRegs && activityReg === undefined
      ? undefined
      : {
          ...(hasParamRegs ? { params: paramRegs } : {}),
          ...(activityReg === undefined ? {} : { activity: activityReg }),
        };
  const state: Record<string, Tensor> = {};
  if (stateful) {
    state.h = new Tensor(allocFloat(dtype, batchSize * units), [batchSize, units]);
    if (cell === 'lstm')
      state.c = new Tensor(allocFloat(dtype, batchSize * units), [batchSize, units]);
  }
  const nStates = cell === 'lstm' ? 2 : 1;
  const arity = initialState ? 1 + nStates : 1;

  const checkSeq = (sh: readonly number[]): number => {
    // torch: "Expected sequence length to be larger than 0"
    if (sh.length === 2 && sh[1] === features && sh[0] === 0)
      throw new ShapeError(
        `${fn}: a sequence must have at least 1 step, got 0 steps (per-sample shape ${fmtShape(sh)}, [steps, features])`,
      );
    if (sh.length !== 2 || sh[1] !== features || !(sh[0]! >= 1))
      throw new ShapeError(
        `${fn}: input must be [steps, ${features}] per sample ([batch, steps, features] with features = ${features}), got per-sample shape ${fmtShape(sh)}`,
      );
    return sh[0]!;
  };
  const outShapesFor = (shapes: readonly (readonly number[])[]): number[][] => {
    const steps = checkSeq(shapes[0]!);
    for (let i = 1; i < shapes.length; i++)
      if (shapes[i]!.length !== 1 || shapes[i]![0] !== units)
        throw new ShapeError(
          `${fn}: initial state ${i === 1 ? 'h0' : 'c0'} must be [${units}] per sample ([batch, units]), got per-sample shape ${fmtShape(shapes[i]!)}`,
        );
    const y = returnSequences ? [steps, units] : [units];
    if (!returnState) return [y];
    return cell === 'lstm' ? [y, [units], [units]] : [y, [units]];
  };

  const compile = (inShapes: readonly (readonly number[])[]): CompiledLayer => {
    if (inShapes.length !== arity)
      throw new ShapeError(`${fn}: expects ${arity} input(s), got ${inShapes.length}`);
    const outShapes = outShapesFor(inShapes);
    const steps = inShapes[0]![0]!;
    const perRow = savedLayout(cell, 1, steps, features, units).total;
    const scratchPerRow = scratchSize(cell, 1, steps, features, units);
    // Last states when the layer does not output them (a stateful layer needs them).
    let hBuf: FloatArray | null = null;
    let cBuf: FloatArray | null = null;
    const problem = (io: LayerIO): RecurrentProblem => {
      const rows = io.rows;
      if (stateful && rows !== batchSize)
        throw new ShapeError(
          `${fn}: a stateful layer takes batches of ${batchSize} (batchSize), got ${rows}`,
        );
      let hOut = returnState ? io.outputs[1]! : null;
      let cOut = returnState && cell === 'lstm' ? io.outputs[2]! : null;
      if (stateful && hOut === null) {
        if (hBuf === null || hBuf.length !== rows * units) {
          hBuf = allocFloat(dtype, rows * units);
          cBuf = allocFloat(dtype, rows * units);
        }
        hOut = hBuf;
        if (cell === 'lstm') cOut = cBuf;
      }
      const b = bias === null ? null : asFloat(bias.data);
      return {
        cell,
        batch: rows,
        steps,
        features,
        units,
        resetAfter,
        returnSequences,
        activation: actC,
        recurrentActivation: recC,
        training: io.training,
        dropout: dropoutRate,
        recurrentDropout,
        rng: io.rng,
        x: io.inputs[0]!,
        w: asFloat(kernel.data),
        u: asFloat(recurrentKernel.data),
        bias: b === null ? null : resetAfter ? b.subarray(0, GU) : b,
        recurrentBias: b !== null && resetAfter ? b.subarray(GU, 2 * GU) : null,
        h0: initialState ? io.inputs[1]! : stateful ? asFloat(state.h!.data) : null,
        c0:
          cell !== 'lstm'
            ? null
            : initialState
              ? io.inputs[2]!
              : stateful
                ? asFloat(state.c!.data)
                : null,
        mask: io.masks[0] ?? null,
        y: io.outputs[0]!,
        hOut,
        cOut,
        saved: io.saved,
        scratch: io.scratch,
        gy: null,
        ghOut: null,
        gcOut: null,
        gx: null,
        gh0: null,
        gc0: null,
        gw: null,
        gu: null,
        gb: null,
        grb: null,
      };
    };
    return {
      outShapes,
      savedPerRow: perRow,
      scratchPerRow,
      forward(io: LayerIO): void {
        const p = problem(io);
        recurrentForwardSlot.impl(p);
        if (stateful) {
          asFloat(state.h!.data).set(p.hOut!);
          if (cell === 'lstm') asFloat(state.c!.data).set(p.cOut!);
        }
      },
      backward(io: LayerBackwardIO): void {
        const p = problem(io);
        p.hOut = null;
        p.cOut = null;
        p.gy = io.gradOutputs[0]!;
        p.ghOut = returnState ? io.gradOutputs[1]! : null;
        p.gcOut = returnState && cell === 'lstm' ? io.gradOutputs[2]! : null;
        p.gx = io.gradInputs[0] ?? null;
        p.gh0 = initialState ? (io.gradInputs[1] ?? null) : null;
        p.gc0 = initialState && cell === 'lstm' ? (io.gradInputs[2] ?? null) : null;
        p.gw = io.gradParams.kernel ?? null;
        p.gu = io.gradParams.recurrentKernel ?? null;
        const gb = io.gradParams.bias ?? null;
        p.gb = gb === null ? null : resetAfter ? gb.subarray(0, GU) : gb;
        p.grb = gb !== null && resetAfter ? gb.subarray(GU, 2 * GU) : null;
        recurrentBackwardSlot.impl(p);
      },
      outputMask(io: LayerIO): Uint8Array | null {
        return returnSequences ? (io.masks[0] ?? null) : null;
      },
      relevanceFamily: 'recurrent',
      // A stateful layer's forward call has already replaced the state it
      // started from, so its relevance cannot be recomputed: it declares no rule.
      relevanceRules: stateful ? [] : RECURRENT_RULES,
      /**
       * LRP for recurrent cells (Arras et al. 2017, arXiv:1706.07206): gates
       * pass no relevance, the signal path (cell state, candidate) takes
       * LRP-ε or LRP-0; see `recurrentRelevance`.
       */
      relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
        if (stateful) return false;
        const b = bias === null ? null : asFloat(bias.data);
        return recurrentRelevance(
          {
            cell,
            resetAfter,
            rows: io.rows,
            steps,
            features,
            units,
            activation: actC,
            recurrentActivation: recC,
            returnSequences,
            x: io.inputs[0]!,
            w: asFloat(kernel.data),
            u: asFloat(recurrentKernel.data),
            bias: b === null ? null : resetAfter ? b.subarray(0, GU) : b,
            recurrentBias: b !== null && resetAfter ? b.subarray(GU, 2 * GU) : null,
            h0: initialState ? io.inputs[1]! : null,
            c0: initialState && cell === 'lstm' ? io.inputs[2]! : null,
            mask: io.masks[0] ?? null,
            ry: io.relevanceOutputs[0]!,
            rh: returnState ? io.relevanceOutputs[1]! : null,
            rc: returnState && cell === 'lstm' ? io.relevanceOutputs[2]! : null,
            rx: io.relevanceInputs[0]!,
            rh0: initialState ? io.relevanceInputs[1]! : null,
            rc0: initialState && cell === 'lstm' ? io.relevanceInputs[2]! : null,
          },
          rule,
        );
      },
    };
  };

  const params: Record<string, Tensor> = { kernel, recurrentKernel };
  if (bias !== null) params.bias = bias;
  const toList = (x: Tensor | readonly Tensor[]): Tensor[] =>
    arity === 1 ? [x as Tensor] : inputsOf(fn, x, arity);
  const layer: RecurrentLayer<K> = {
    kind,
    config,
    params,
    state,
    trainable,
    inputShape: null,
    ...(arity === 1 ? {} : { arity }),
    dtype,
    ...(stateful ? { batchRows: batchSize } : {}),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(regularizers === undefined ? {} : { regularizers }),
    kernel,
    recurrentKernel,
    bias,
    outputShape(sh: readonly number[]): number[] {
      return outShapesFor([sh])[0]!;
    },
    ...(arity === 1
      ? {}
      : {
          outputShapes(shapes: readonly (readonly number[])[]): number[] {
            return outShapesFor(shapes)[0]!;
          },
        }),
    compile,
    resetStates(): void {
      for (const t of Object.values(state)) asFloat(t.data).fill(0);
    },
    forward(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return layer.forwardAll(x, ctx)[0]!;
    },
    forwardAll(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor[] {
      const xs = toList(x);
      if (!(xs[0] instanceof Tensor)) fail(fn, 'x', 'a Tensor', xs[0]);
      if (xs[0].rank !== 3 || xs[0].shape[2] !== features)
        throw new ShapeError(
          `${fn}: input must be [batch, steps, ${features}] (features = ${features}), got shape ${fmtShape(xs[0].shape)}`,
        );
      return runLayer(fn, layer, xs, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}

/** The options without the cell's own keys (checked by the caller). @internal */
export function strip(options: unknown, keys: readonly string[]): RecurrentOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return options as RecurrentOptions;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** Checks `features` and `units`. @internal */
export function checkSizes(fn: string, features: number, units: number): void {
  assertPositiveInt(fn, 'features', features);
  assertPositiveInt(fn, 'units', units);
}
