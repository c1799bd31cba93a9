import { assertBoolean, assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { asFloat, type DType, allocFloat } from '../_lib/typed.js';
import type { Activation, ActivationConfig } from '../activations/define.js';
import { identity } from '../activations/identity.js';
import { record } from '../autograd/graph.js';
import { glorotUniform } from '../init/variance.js';
import { zerosInitializer } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import { colSumSlot } from '../kernels/bias.js';
import { denseSlot } from '../kernels/dense.js';
import { matmulSlot } from '../kernels/matmul.js';
import { cast } from '../ops/cast.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { ForwardContext, Layer, LayerRegularizers } from './layer.js';
import {
  activationConfigOf,
  checkActivation,
  checkCtx,
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
  dtype?: DType;
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
  readonly dtype: DType;
  readonly kernelInitializer: KindConfig;
  readonly biasInitializer: KindConfig;
  readonly kernelRegularizer: KindConfig | null;
  readonly biasRegularizer: KindConfig | null;
  readonly activityRegularizer: KindConfig | null;
  readonly name?: string;
}

/** A fully connected layer: y = activation(x·W + b). */
export interface Dense extends Layer<'dense', DenseConfig> {
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
    typeof (i as Partial<Initializer>).init !== 'function'
  ) {
    fail('dense', name, 'an initializer (such as glorotUniform())', i);
  }
  return i as Initializer;
}

/**
 * The affine map x·W + b (then ReLU when `relu`) as one recorded op.
 * Gradients, with Z = x·W + b and G the gradient of Z (G masked by Z > 0
 * when ReLU is fused, as `relu`'s own rule):
 * ∂x = G·Wᵀ, ∂W = xᵀ·G, ∂b = Σ_rows G. The transposed products go
 * straight to the matmul kernel, so nothing is transposed in memory.
 */
function affine(x: Tensor, w: Tensor, b: Tensor | null, relu: boolean): Tensor {
  const rows = x.shape[0]!,
    inputs = w.shape[0]!,
    units = w.shape[1]!;
  const z = allocFloat(w.dtype, rows * units);
  denseSlot.impl(
    asFloat(x.data),
    asFloat(w.data),
    b === null ? null : asFloat(b.data),
    z,
    rows,
    inputs,
    units,
    relu,
  );
  const out = new Tensor(z, [rows, units]);
  const inputsList = b === null ? [x, w] : [x, w, b];
  return record(relu ? 'denseRelu' : 'dense', out, inputsList, (g) => {
    let gz = asFloat(g.data);
    if (relu) {
      const masked = allocFloat(w.dtype, gz.length);
      for (let i = 0; i < masked.length; i++) masked[i] = z[i]! > 0 ? gz[i]! : 0;
      gz = masked;
    }
    let dx: Tensor | null = null,
      dw: Tensor | null = null,
      db: Tensor | null = null;
    if (x.requiresGrad) {
      const d = allocFloat(w.dtype, rows * inputs);
      matmulSlot.impl(gz, asFloat(w.data), d, rows, units, inputs, false, true);
      dx = new Tensor(d, x.shape);
    }
    if (w.requiresGrad) {
      const d = allocFloat(w.dtype, inputs * units);
      matmulSlot.impl(asFloat(x.data), gz, d, inputs, rows, units, true, false);
      dw = new Tensor(d, w.shape);
    }
    if (b !== null && b.requiresGrad) {
      const d = allocFloat(w.dtype, units);
      colSumSlot.impl(gz, d, rows, units);
      db = new Tensor(d, b.shape);
    }
    return b === null ? [dx, dw] : [dx, dw, db];
  });
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

  // Weights: given values are copied; otherwise drawn (kernel first, then bias, from one stream).
  const kernel =
    options.kernel !== undefined
      ? weightFrom('dense', 'kernel', options.kernel, [inputs, units], dtype)
      : new Tensor(
          kernelInitializer.init([inputs, units], { rng, dtype, fanIn: inputs, fanOut: units })
            .data,
          [inputs, units],
          true,
        );
  let bias: Tensor | null = null;
  if (useBias) {
    bias =
      options.bias !== undefined
        ? weightFrom('dense', 'bias', options.bias, [units], dtype)
        : new Tensor(
            biasInitializer.init([units], { rng, dtype, fanIn: inputs, fanOut: units }).data,
            [units],
            true,
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

  const fuseRelu =
    activation.activationName === 'relu' && Object.keys(activation.config).length === 0;
  const linear = activation.activationName === 'identity';
  const outShape = (s: readonly number[]): number[] => {
    if (s.length !== 1 || s[0] !== inputs) {
      throw new ShapeError(
        `dense: input width must be ${inputs} (inputs), got per-sample shape ${fmtShape(s)}`,
      );
    }
    return [units];
  };

  const layer: Dense = {
    kind: 'dense',
    config,
    params: bias === null ? { kernel } : { kernel, bias },
    trainable,
    inputShape: [inputs],
    outputShape: outShape,
    ...(regularizers === undefined ? {} : { regularizers }),
    activation,
    kernel,
    bias,
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      let t = checkInputTensor('dense', x);
      checkCtx('dense', ctx);
      if (t.rank !== 2 || t.shape[1] !== inputs) {
        const hint = t.rank === 1 ? ' (a single sample needs a batch dimension: [[...]])' : '';
        throw new ShapeError(
          `dense: input width must be ${inputs} (inputs), got shape ${fmtShape(t.shape)}${hint}`,
        );
      }
      if (t.dtype !== dtype) t = cast(t, dtype);
      let out = affine(t, kernel, bias, fuseRelu);
      if (!fuseRelu && !linear) out = activation(out);
      if (activityReg !== undefined && ctx.training) ctx.addLoss?.(activityReg.penalty(out));
      return out;
    },
  };
  return layer;
}
