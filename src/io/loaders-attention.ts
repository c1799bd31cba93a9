import { multiHeadAttention, type AttentionParamName } from '../layers/multi-head-attention.js';
import { positionEmbedding, sinusoidalPositionEmbedding } from '../layers/positional.js';
import type { Tensor } from '../tensor/tensor.js';
import { at, readBoolean, readNumber, readObject, readOneOf } from './_check.js';
import { build, readKind } from './kinds.js';
import { checkWeightNames, readName, readSize, type LayerLoader } from './layer-loaders.js';
import { decodeTensor } from './tensor-json.js';

// Loaders of the attention layers: multiHeadAttention and the two position
// embeddings. A transformer encoder block is saved as the layers it is made of.

const MHA_FIELDS = [
  'modelDim',
  'numHeads',
  'keyDim',
  'valueDim',
  'keyInputDim',
  'valueInputDim',
  'outputDim',
  'useBias',
  'dropout',
  'causal',
  'returnAttentionScores',
  'dtype',
  'kernelInitializer',
  'biasInitializer',
  'name',
];

/**
 * `multiHeadAttention`: config as {@link MultiHeadAttentionConfig}; weights
 * queryKernel, keyKernel, valueKernel, outputKernel and (with useBias) the four biases.
 */
export const loadMultiHeadAttention: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    MHA_FIELDS,
    MHA_FIELDS.filter((f) => f !== 'name'),
  );
  const size = (f: string): number => readSize(at(wc, f), c[f]);
  const modelDim = size('modelDim');
  const numHeads = size('numHeads');
  const keyDim = size('keyDim');
  const valueDim = size('valueDim');
  const keyInputDim = size('keyInputDim');
  const valueInputDim = size('valueInputDim');
  const outputDim = size('outputDim');
  const useBias = readBoolean(at(wc, 'useBias'), c.useBias);
  const dropout = readNumber(at(wc, 'dropout'), c.dropout, { min: 0, max: 1, maxExclusive: true });
  const causal = readBoolean(at(wc, 'causal'), c.causal);
  const returnAttentionScores = readBoolean(
    at(wc, 'returnAttentionScores'),
    c.returnAttentionScores,
  );
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const kernelInitializer = readKind(
    at(wc, 'kernelInitializer'),
    c.kernelInitializer,
    t.initializers,
    'initializer',
  );
  const biasInitializer = readKind(
    at(wc, 'biasInitializer'),
    c.biasInitializer,
    t.initializers,
    'initializer',
  );
  const name = readName(wc, c);
  const hk = numHeads * keyDim,
    hv = numHeads * valueDim;
  const shapes: Record<AttentionParamName, number[]> = {
    queryKernel: [modelDim, hk],
    queryBias: [hk],
    keyKernel: [keyInputDim, hk],
    keyBias: [hk],
    valueKernel: [valueInputDim, hv],
    valueBias: [hv],
    outputKernel: [hv, outputDim],
    outputBias: [outputDim],
  };
  const names = (Object.keys(shapes) as AttentionParamName[]).filter(
    (n) => useBias || n.endsWith('Kernel'),
  );
  const why = `for a multiHeadAttention layer with modelDim ${modelDim}, numHeads ${numHeads} and useBias ${useBias}`;
  checkWeightNames(w, raw.weights, names, why);
  const ww = at(w, 'weights');
  const weights: Partial<Record<AttentionParamName, Tensor>> = {};
  for (const n of names)
    weights[n] = decodeTensor(at(ww, n), raw.weights.get(n), t.maxElements, {
      shape: shapes[n],
      dtype,
      why,
      dtypeWhy: 'to match config.dtype',
    });
  return build(w, () =>
    multiHeadAttention(modelDim, numHeads, {
      keyDim,
      valueDim,
      keyInputDim,
      valueInputDim,
      outputDim,
      useBias,
      dropout,
      causal,
      returnAttentionScores,
      dtype,
      kernelInitializer,
      biasInitializer,
      weights,
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    }),
  );
};

/** `sinusoidalPositionEmbedding`: config `{ dim, base, name? }`, no weights. */
export const loadSinusoidalPositionEmbedding: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['dim', 'base', 'name'], ['dim', 'base']);
  const dim = readSize(at(wc, 'dim'), c.dim);
  const base = readNumber(at(wc, 'base'), c.base, { min: 1 });
  const name = readName(wc, c);
  checkWeightNames(w, raw.weights, [], 'for a sinusoidalPositionEmbedding layer');
  return build(w, () =>
    sinusoidalPositionEmbedding(dim, { base, ...(name === undefined ? {} : { name }) }),
  );
};

/** `positionEmbedding`: config as {@link PositionEmbeddingConfig}; weight `embeddings` [maxLength, dim]. */
export const loadPositionEmbedding: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const fields = ['maxLength', 'dim', 'dtype', 'initializer', 'name'];
  const c = readObject(
    wc,
    raw.config,
    fields,
    fields.filter((f) => f !== 'name'),
  );
  const maxLength = readSize(at(wc, 'maxLength'), c.maxLength);
  const dim = readSize(at(wc, 'dim'), c.dim);
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const initializer = readKind(at(wc, 'initializer'), c.initializer, t.initializers, 'initializer');
  const name = readName(wc, c);
  const why = `for a positionEmbedding layer with maxLength ${maxLength} and dim ${dim}`;
  checkWeightNames(w, raw.weights, ['embeddings'], why);
  const embeddings = decodeTensor(
    at(at(w, 'weights'), 'embeddings'),
    raw.weights.get('embeddings'),
    t.maxElements,
    { shape: [maxLength, dim], dtype, why, dtypeWhy: 'to match config.dtype' },
  );
  return build(w, () =>
    positionEmbedding(maxLength, dim, {
      dtype,
      initializer,
      embeddings,
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    }),
  );
};
