import { assertBoolean, assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { asFloat, type FloatDType } from '../_lib/typed.js';
import { activationKernel, type Activation, type ActivationConfig } from '../activations/define.js';
import { identity } from '../activations/identity.js';
import { glorotUniform } from '../init/variance.js';
import { zerosInitializer } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import { colSumSlot } from '../kernels/bias.js';
import { denseSlot } from '../kernels/dense.js';
import { matmulSlot } from '../kernels/matmul.js';
import { reluBackwardSlot } from '../kernels/relu.js';
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
import { LINEAR_RULES, linearRelevance } from './_relevance.js';
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

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Applied to x·W + b (default `identity`, a linear layer). */
  activation?: Activation;
  /** Add a bias vector (default true). */
  useBias?: boolean;
  /** Kernel initializer (default `glorotUniform()`, as Keras). Ignored when `kernel` is given. */
  kernelInitializer?: Initializer;
  /** Bias initializer (default zeros, as Keras). Ignored when `bias` is given. */
  biasInitializer?: Initializer;
  /** Initial kernel values, shape [inputs, units] (Keras layout; PyTorch's `weight` transposed). */
  kernel?: TensorLike;
  /** Initial bias values, shape [units]. */
  bias?: TensorLike;
  /** Random stream for the initializers (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Penalty on the kernel, added to the training loss. */
  kernelRegularizer?: Regularizer;
  /** Penalty on the bias. */
  biasRegularizer?: Regularizer;
  /** Penalty on the layer's output (after the activation), added during training. */
  activityRegularizer?: Regularizer;
  /** Whether training updates this layer (default true). */
  trainable?: boolean;
}

/**
 * The JSON-able description of a dense layer. Together with the `kernel` and
 * `bias` params (and `trainable`) it rebuilds the layer:
 * `dense(c.inputs, c.units, { activation: <the activation named c.activation
 * configured with c.activationConfig>, useBias: c.useBias, dtype: c.dtype,
 * kernel, bias, ... })`. Initializers and regularizers are stored as
 * `{ kind, config }` (null when absent); `name` only when one was given.
 */
export interface DenseConfig {
  readonly inputs: number;
  readonly units: number;
  /** `activation.activationName`, e.g. 'relu'. */
  readonly activation: string;
  /** `activation.config`, e.g. `{ alpha: 0.2 }` for a configured leakyRelu. */
  readonly activationConfig: ActivationConfig;
  readonly useBias: boolean;
  readonly dtype: FloatDType;
  readonly kernelInitializer: KindConfig;
  readonly biasInitializer: KindConfig;
  readonly kernelRegularizer: KindConfig | null;
  readonly biasRegularizer: KindConfig | null;
  readonly activityRegularizer: KindConfig | null;
  readonly name?: string;
}

/** A fully connected layer: y = activation(x·W + b). */
export interface Dense extends BuiltinLayer<'dense', DenseConfig> {
  /** The activation applied after the affine map. */
  readonly activation: Activation;
  /** Weights [inputs, units]. */
  readonly kernel: Tensor;
  /** Bias [units], or null when `useBias` is false. */
  readonly bias: Tensor | null;
}

const KNOWN = [
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
];

function checkInitializer(name: string, i: unknown): Initializer {
  if (
    typeof i !== 'object' ||
    i === null ||
    typeof (i as Partial<Initializer>).init !== 'function' ||
    typeof (i as Partial<Initializer>).kind !== 'string'
  ) {
    fail('dense', name, 'an initializer (such as glorotUniform())', i);
  }
  return i as Initializer;
}

/** The per-sample output shape of dense on `inShape`: the last axis, `inputs` wide, becomes `units`. */
function denseOutShape(inputs: number, units: number, inShape: readonly number[]): number[] {
  if (inShape.length === 0 || inShape[inShape.length - 1] !== inputs)
    throw new ShapeError(
      `dense: input width must be ${inputs} (inputs), got per-sample shape ${fmtShape(inShape)}`,
    );
  return [...inShape.slice(0, -1), units];
}

/**
 * The dense layer's math over buffers, for per-sample input shape
 * `[...lead, inputs]` (any rank: it acts on the last axis, as Keras's Dense and
 * PyTorch's Linear), as `rows·Π(lead)` rows of the product:
 *
 *   Z = X·W + b,  Y = f(Z)
 *
 * A relu activation is fused into the product (the kernels' relu flag); an
 * identity is skipped; any other activation runs its kernel on Z, which is
 * kept for the backward pass. Backward, with G = ∂/∂Z (∂/∂Y masked by Y > 0
 * when fused, or the activation's backward): ∂X = G·Wᵀ, ∂W = Xᵀ·G,
 * ∂b = Σ_rows G, the transposed products going straight to the matmul
 * kernel, so nothing is transposed in memory.
 */
function compileDense(
  layer: { kernel: Tensor; bias: Tensor | null },
  activation: Activation,
  inputs: number,
  units: number,
  inShape: readonly number[],
): CompiledLayer {
  const outShape = denseOutShape(inputs, units, inShape);
  let lead = 1;
  for (let i = 0; i < inShape.length - 1; i++) lead *= inShape[i]!;
  const act = activationKernel(activation);
  const fused = act.relu === true;
  const linear = act.linear === true;
  const separate = !fused && !linear;
  // The activation's full shape for a batch of `rows`, cached for the last batch size.
  let shapeRows = -1;
  let actShape: readonly number[] = [];
  const shapeFor = (rows: number): readonly number[] => {
    if (rows !== shapeRows) {
      shapeRows = rows;
      actShape = [rows, ...outShape];
    }
    return actShape;
  };
  // A tensor's data array is never replaced (optimizers update it in place):
  // read once here rather than checked on every call.
  const w = asFloat(layer.kernel.data);
  const b = layer.bias === null ? null : asFloat(layer.bias.data);
  return {
    outShapes: [outShape],
    savedPerRow: separate ? lead * units : 0,
    scratchPerRow: fused || separate ? lead * units : 0,
    forward(io: LayerIO): void {
      const r = io.rows * lead;
      const x = io.inputs[0]!;
      const y = io.outputs[0]!;
      if (!separate) {
        denseSlot.impl(x, w, b, y, r, inputs, units, fused);
        return;
      }
      const z = r * units === io.saved.length ? io.saved : io.saved.subarray(0, r * units);
      denseSlot.impl(x, w, b, z, r, inputs, units, false);
      act.forward(z, y, shapeFor(io.rows));
    },
    backward(io: LayerBackwardIO): void {
      const r = io.rows * lead;
      const n = r * units;
      const gy = io.gradOutputs[0]!;
      let gz = gy;
      if (!linear) {
        gz = n === io.scratch.length ? io.scratch : io.scratch.subarray(0, n);
        const y = io.outputs[0]!;
        if (fused) {
          // relu's own rule: pass the gradient where the output is > 0 (y > 0
          // exactly where z > 0). A kernel slot, not a loop here: the branch
          // on the sign mispredicts half the time in JS (about 10 ns per
          // element), the SIMD kernel has none.
          reluBackwardSlot.impl(y, gy, gz, n);
        } else {
          const z = n === io.saved.length ? io.saved : io.saved.subarray(0, n);
          act.backward(z, y, gy, gz, shapeFor(io.rows));
        }
      }
      const x = io.inputs[0]!;
      const gw = io.gradParams.kernel;
      if (gw !== null && gw !== undefined)
        matmulSlot.impl(x, gz, gw, inputs, r, units, true, false);
      const gb = io.gradParams.bias;
      if (gb !== null && gb !== undefined) colSumSlot.impl(gz, gb, r, units);
      const gx = io.gradInputs[0];
      if (gx !== null && gx !== undefined)
        matmulSlot.impl(gz, w, gx, r, units, inputs, false, true);
    },
    relevanceFamily: 'dense',
    relevanceRules: LINEAR_RULES,
    /**
     * Relevance propagation through x·W + b by the linear rules (LRP-0, LRP-ε,
     * LRP-γ, LRP-αβ, zB; see `linearRelevance`), the activation passed
     * through as the rules prescribe. Bach et al. 2015,
     * https://doi.org/10.1371/journal.pone.0130140.
     */
    relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
      const r = io.rows * lead;
      return linearRelevance(
        io.inputs[0]!,
        w,
        b,
        io.relevanceOutputs[0]!,
        io.relevanceInputs[0]!,
        r,
        inputs,
        units,
        rule,
      );
    },
  };
}

/**
 * A fully connected (dense) layer, y = activation(x·W + b), with the kernel
 * stored as W [inputs, units] and inputs batch first ([batch, inputs] →
 * [batch, units]), as Keras `Dense` and TF.js. (PyTorch's `nn.Linear` stores
 * the transpose, `weight` [out, in], and computes x·weightᵀ + bias.)
 * Defaults as Keras: glorotUniform kernel, zero bias, no activation.
 *
 * The parameters are named `kernel` and `bias` (leaves with requiresGrad).
 * A relu activation is fused into the product (same values and gradients as
 * applying `relu` after it). A rank-1 input is rejected rather than taken as
 * one sample: pass `[[...]]` for a batch of one.
 *
 * @param inputs Width of each input sample.
 * @param units Number of outputs.
 * @example
 * ```ts
 * import { dense, relu, createRng, tensor } from 'myelin';
 * const layer = dense(3, 4, { activation: relu, rng: createRng(0) });
 * const y = layer.forward(tensor([[0.7, -1.5, 0.2]]), { training: false, rng: createRng(1) });
 * console.log(y.shape); // [1, 4]
 * const fixed = dense(2, 1, { kernel: [[1], [2]], bias: [0.5] }); // y = x₀ + 2x₁ + 0.5
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function dense(inputs: number, units: number, options: DenseOptions = {}): Dense {
  assertPositiveInt('dense', 'inputs', inputs);
  assertPositiveInt('dense', 'units', units);
  checkOptions('dense', options);
  assertKnownKeys('dense', 'options', options, KNOWN);
  const activation = checkActivation('dense', options.activation ?? identity);
  const useBias = assertBoolean('dense', 'useBias', options.useBias ?? true);
  const trainable = assertBoolean('dense', 'trainable', options.trainable ?? true);
  const dtype = checkDtype('dense', options.dtype ?? 'float32');
  const kernelInitializer = checkInitializer(
    'kernelInitializer',
    options.kernelInitializer ?? glorotUniform(),
  );
  const biasInitializer = checkInitializer(
    'biasInitializer',
    options.biasInitializer ?? zerosInitializer(),
  );
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('dense', 'name', 'a string', options.name);
  if (!useBias && options.bias !== undefined)
    fail('dense', 'bias', 'absent when useBias is false', options.bias);
  const kernelReg = checkRegularizer('dense', 'kernelRegularizer', options.kernelRegularizer);
  const biasReg = checkRegularizer('dense', 'biasRegularizer', options.biasRegularizer);
  const activityReg = checkRegularizer('dense', 'activityRegularizer', options.activityRegularizer);
  if (!useBias && biasReg !== undefined)
    fail('dense', 'biasRegularizer', 'absent when useBias is false', biasReg);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function')
    fail('dense', 'rng', 'an Rng', rng);

  // The kernel's size is checked before anything is allocated (setLimits raises the cap).
  checkElements('dense', `the kernel [${inputs},${units}]`, inputs * units);
  // Weights: given values are copied; otherwise drawn (kernel first, then bias,
  // from one stream). An initializer's result is checked and copied as given
  // values are: a custom one may return another dtype, or the same tensor twice.
  const ctx = { rng, dtype, fanIn: inputs, fanOut: units };
  const kernel = weightFrom(
    'dense',
    options.kernel !== undefined ? 'kernel' : "kernelInitializer's result",
    options.kernel ?? kernelInitializer.init([inputs, units], ctx),
    [inputs, units],
    dtype,
  );
  let bias: Tensor | null = null;
  if (useBias) {
    bias = weightFrom(
      'dense',
      options.bias !== undefined ? 'bias' : "biasInitializer's result",
      options.bias ?? biasInitializer.init([units], ctx),
      [units],
      dtype,
    );
  }

  const config: DenseConfig = {
    inputs,
    units,
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
  };

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

  const layer: Dense = {
    kind: 'dense',
    config,
    params: bias === null ? { kernel } : { kernel, bias },
    trainable,
    inputShape: [inputs],
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    outputShape: (sh) => denseOutShape(inputs, units, sh),
    ...(regularizers === undefined ? {} : { regularizers }),
    activation,
    kernel,
    bias,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return compileDense(layer, activation, inputs, units, inShapes[0]!);
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor('dense', x);
      if (t.rank < 2 || t.shape[t.rank - 1] !== inputs) {
        const hint = t.rank === 1 ? ' (a single sample needs a batch dimension: [[...]])' : '';
        throw new ShapeError(
          `dense: input width must be ${inputs} (inputs), got shape ${fmtShape(t.shape)}${hint}`,
        );
      }
      return runLayer1('dense', layer, t, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}
