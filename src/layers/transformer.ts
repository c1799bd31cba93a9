import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  assertPositiveInt,
  fail,
} from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { FloatDType } from '../_lib/typed.js';
import type { Activation } from '../activations/define.js';
import { relu } from '../activations/relu.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { layerNorm } from './layer-norm.js';
import { addLayer } from './merge.js';
import { multiHeadAttention } from './multi-head-attention.js';
import { SymbolicTensor } from './symbolic.js';
import { checkActivation, checkDtype } from './_util.js';

/** Options of {@link transformerEncoderBlock}. */
export interface TransformerEncoderBlockOptions {
  /** Attention heads (must divide the model width). */
  numHeads: number;
  /** Width of the feed-forward layer. */
  ffDim: number;
  /** Dropout after the attention and after the feed-forward part, and on the attention weights (default 0). */
  dropout?: number;
  /** Layer norm before each part (pre-norm) instead of after each residual sum (post-norm, the default, as the transformer paper and PyTorch's `norm_first: false`). */
  normFirst?: boolean;
  /** Layer norm's epsilon (default 1e-5, PyTorch's). */
  epsilon?: number;
  /** Activation of the feed-forward layer (default relu). */
  activation?: Activation;
  /** Hide later steps from each step (default false). */
  causal?: boolean;
  /** Random stream for the initial weights (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Prefix of the block's layer names (`${name}/attention`, `${name}/ffn1`, ...). */
  name?: string;
}

const KNOWN = [
  'numHeads',
  'ffDim',
  'dropout',
  'normFirst',
  'epsilon',
  'activation',
  'causal',
  'rng',
  'dtype',
  'name',
];

/**
 * One transformer encoder block (Vaswani et al. 2017) applied to a symbolic
 * sequence x [steps, width] while building a graph model, composed from
 * {@link multiHeadAttention}, `dense`, `layerNorm`, `dropout` and `addLayer`,
 * so the graph shows every piece. Post-norm (the default):
 *
 *   h = layerNorm(x + dropout(attention(x, x, x))),  y = layerNorm(h + dropout(ffn(h)))
 *
 * pre-norm (`normFirst`): h = x + dropout(attention(n, n, n)) with n = layerNorm(x),
 * y = h + dropout(ffn(layerNorm(h))); ffn = dense(width → ffDim, relu) then
 * dense(ffDim → width). Step masks on x hide padded keys from the attention.
 *
 * @param x The block's input, a symbolic tensor [steps, width].
 * @example
 * ```ts
 * import { input, transformerEncoderBlock, globalAvgPool1d, dense, graph, predict, zeros, createRng } from 'myelin';
 * const x = input([6, 8]);
 * const h = transformerEncoderBlock(x, { numHeads: 2, ffDim: 16, rng: createRng(1) });
 * const model = graph({ inputs: x, outputs: dense(8, 1).apply(globalAvgPool1d().apply(h)) });
 * console.log(predict(model, zeros([3, 6, 8])).shape); // [3, 1]
 * ```
 */
export function transformerEncoderBlock(
  x: SymbolicTensor,
  options: TransformerEncoderBlockOptions,
): SymbolicTensor {
  const fn = 'transformerEncoderBlock';
  if (!(x instanceof SymbolicTensor))
    fail(fn, 'x', 'a SymbolicTensor [steps, width] (from input() or another layer)', x);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  if (x.shape.length !== 2)
    throw new ShapeError(`${fn}: x must be [steps, width] per sample, got ${fmtShape(x.shape)}`);
  const width = x.shape[1]!;
  const numHeads = assertPositiveInt(fn, 'numHeads', options.numHeads);
  const ffDim = assertPositiveInt(fn, 'ffDim', options.ffDim);
  if (width % numHeads !== 0)
    fail(fn, 'numHeads', `a divisor of the model width ${width}`, numHeads);
  const rate = assertNumber(fn, 'dropout', options.dropout ?? 0, { min: 0 });
  if (rate >= 1) fail(fn, 'dropout', 'a rate in [0, 1)', rate);
  const normFirst = assertBoolean(fn, 'normFirst', options.normFirst ?? false);
  const epsilon = assertNumber(fn, 'epsilon', options.epsilon ?? 1e-5, { min: 0 });
  const causal = assertBoolean(fn, 'causal', options.causal ?? false);
  // Checked here, so that an error names this function, not a layer inside.
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || rng === null || typeof rng.uniform !== 'function')
    fail(fn, 'rng', 'an Rng', rng);
  const activation = checkActivation(fn, options.activation ?? relu);
  const prefix = options.name;
  if (prefix !== undefined && typeof prefix !== 'string') fail(fn, 'name', 'a string', prefix);
  const named = (part: string): { name?: string } =>
    prefix === undefined ? {} : { name: `${prefix}/${part}` };

  const norm = (t: SymbolicTensor, part: string): SymbolicTensor =>
    layerNorm(width, { epsilon, dtype, ...named(part) }).apply(t);
  const drop = (t: SymbolicTensor, part: string): SymbolicTensor =>
    rate > 0 ? dropout(rate, named(part)).apply(t) : t;
  const attention = (t: SymbolicTensor): SymbolicTensor =>
    multiHeadAttention(width, numHeads, {
      dropout: rate,
      causal,
      rng,
      dtype,
      ...named('attention'),
    }).apply([t, t, t]);
  const ffn = (t: SymbolicTensor): SymbolicTensor => {
    const h = dense(width, ffDim, {
      activation,
      rng,
      dtype,
      ...named('ffn1'),
    }).apply(t);
    return dense(ffDim, width, { rng, dtype, ...named('ffn2') }).apply(h);
  };
  const sum = (a: SymbolicTensor, b: SymbolicTensor, part: string): SymbolicTensor =>
    addLayer(named(part)).apply([a, b]);

  if (normFirst) {
    const h = sum(x, drop(attention(norm(x, 'norm1')), 'dropout1'), 'add1');
    return sum(h, drop(ffn(norm(h, 'norm2')), 'dropout2'), 'add2');
  }
  const h = norm(sum(x, drop(attention(x), 'dropout1'), 'add1'), 'norm1');
  return norm(sum(h, drop(ffn(h), 'dropout2'), 'add2'), 'norm2');
}
