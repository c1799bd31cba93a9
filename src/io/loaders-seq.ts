import { bidirectional, type MergeMode } from '../layers/bidirectional.js';
import { embedding } from '../layers/embedding.js';
import type { Layer } from '../layers/layer.js';
import { masking, stepMask } from '../layers/masking.js';
import { timeDistributed } from '../layers/time-distributed.js';
import {
  LIMITS,
  at,
  formatError,
  readBoolean,
  readNumber,
  readObject,
  readOneOf,
  readString,
  type Where,
} from './_check.js';
import { build, readKind } from './kinds.js';
import type { LayerLoader, LoaderTables, RawLayer } from './layer-loaders.js';
import { decodeTensor } from './tensor-json.js';

// Loaders of the sequence layers: embedding, masking, stepMask and the
// wrappers timeDistributed and bidirectional. A wrapper's config holds its
// wrapped layers as { kind, config, trainable } and its weights are theirs
// (bidirectional's under `forward.` and `backward.`): each wrapped layer is
// rebuilt by its own kind's loader, then wrapped.

/** The loader tables, with the layer loaders the wrappers look their wrapped kinds up in. */
interface WithLayers extends LoaderTables {
  readonly layers?: ReadonlyMap<string, LayerLoader>;
}

/** How deep wrapped layers may nest in a file. */
const MAX_DEPTH = 4;

function readName(w: Where, c: Record<string, unknown>): string | undefined {
  return 'name' in c ? readString(at(w, 'name'), c.name) : undefined;
}

function checkNoWeights(w: Where, raw: RawLayer, what: string): void {
  for (const key of raw.weights.keys())
    formatError(at(w, 'weights'), `has unknown weight ${JSON.stringify(key)}; ${what} has none`);
}

/** `embedding`: config as EmbeddingConfig; weight `embeddings` [vocab, dim]. */
export const loadEmbedding: LayerLoader = (w, raw, t) => {
  const fields = [
    'vocab',
    'dim',
    'maskZero',
    'dtype',
    'embeddingsInitializer',
    'embeddingsRegularizer',
    'name',
  ];
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    fields,
    fields.filter((f) => f !== 'name'),
  );
  const vocab = readNumber(at(wc, 'vocab'), c.vocab, {
    integer: true,
    min: 1,
    max: LIMITS.maxDimension,
  });
  const dim = readNumber(at(wc, 'dim'), c.dim, { integer: true, min: 1, max: LIMITS.maxDimension });
  const maskZero = readBoolean(at(wc, 'maskZero'), c.maskZero);
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const embeddingsInitializer = readKind(
    at(wc, 'embeddingsInitializer'),
    c.embeddingsInitializer,
    t.initializers,
    'initializer',
  );
  const embeddingsRegularizer =
    c.embeddingsRegularizer === null
      ? undefined
      : readKind(
          at(wc, 'embeddingsRegularizer'),
          c.embeddingsRegularizer,
          t.regularizers,
          'regularizer',
        );
  const name = readName(wc, c);
  for (const key of raw.weights.keys())
    if (key !== 'embeddings')
      formatError(
        at(w, 'weights'),
        `has unknown weight ${JSON.stringify(key)}; an embedding layer has only embeddings`,
      );
  if (!raw.weights.has('embeddings'))
    formatError(at(w, 'weights'), 'is missing the weight "embeddings"');
  const embeddings = decodeTensor(
    at(at(w, 'weights'), 'embeddings'),
    raw.weights.get('embeddings'),
    t.maxElements,
    {
      shape: [vocab, dim],
      dtype,
      why: `for an embedding layer with vocab ${vocab} and dim ${dim}`,
      dtypeWhy: 'to match config.dtype',
    },
  );
  return build(w, () =>
    embedding(vocab, dim, {
      maskZero,
      dtype,
      embeddingsInitializer,
      embeddings,
      ...(embeddingsRegularizer === undefined ? {} : { embeddingsRegularizer }),
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    }),
  );
};

/** `masking`: config `{ maskValue, name? }`, no weights. */
export const loadMasking: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['maskValue', 'name'], ['maskValue']);
  const maskValue = readNumber(at(wc, 'maskValue'), c.maskValue);
  const name = readName(wc, c);
  checkNoWeights(w, raw, 'a masking layer');
  return build(w, () => masking({ maskValue, ...(name === undefined ? {} : { name }) }));
};

/** `stepMask`: config `{ name? }`, no weights. */
export const loadStepMask: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['name'], []);
  const name = readName(wc, c);
  checkNoWeights(w, raw, 'a stepMask layer');
  return build(w, () => stepMask(name === undefined ? {} : { name }));
};

/**
 * Rebuilds a wrapped layer from `{ kind, config, trainable }` (at `w`) and
 * the wrapper's weights whose names start with `prefix`, by its kind's loader.
 */
function loadWrapped(
  w: Where,
  value: unknown,
  weights: ReadonlyMap<string, unknown>,
  prefix: string,
  t: WithLayers,
): Layer {
  const obj = readObject(w, value, ['kind', 'config', 'trainable']);
  const kind = readString(at(w, 'kind'), obj.kind);
  const trainable = readBoolean(at(w, 'trainable'), obj.trainable);
  const loader = t.layers?.get(kind);
  if (loader === undefined)
    formatError(
      at(w, 'kind'),
      `must be a built-in layer kind that can be wrapped, got ${JSON.stringify(kind)}`,
    );
  // Wrappers may wrap wrappers, a few levels deep: a file cannot make the loader recurse without end.
  const depth = (w.path.match(/\.config\.(layer|forwardLayer|backwardLayer)\b/g) ?? []).length;
  if (depth > MAX_DEPTH) formatError(w, `nests wrapped layers more than ${MAX_DEPTH} deep`);
  const own = new Map<string, unknown>();
  for (const [k, v] of weights) if (k.startsWith(prefix)) own.set(k.slice(prefix.length), v);
  const layer = loader(w, { config: obj.config, weights: own, trainable }, t);
  layer.trainable = trainable;
  return layer;
}

/** `timeDistributed`: config `{ layer: { kind, config, trainable }, name? }`; weights the wrapped layer's. */
export const loadTimeDistributed: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['layer', 'name'], ['layer']);
  const name = readName(wc, c);
  const inner = loadWrapped(at(wc, 'layer'), c.layer, raw.weights, '', t);
  return build(w, () => timeDistributed(inner, name === undefined ? {} : { name }));
};

/**
 * `bidirectional`: config `{ mergeMode, forwardLayer, backwardLayer, name? }`
 * (each wrapped layer `{ kind, config, trainable }`); weights `forward.*` and `backward.*`.
 */
export const loadBidirectional: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    ['mergeMode', 'forwardLayer', 'backwardLayer', 'name'],
    ['mergeMode', 'forwardLayer', 'backwardLayer'],
  );
  const mergeMode: MergeMode = readOneOf(at(wc, 'mergeMode'), c.mergeMode, [
    'concat',
    'sum',
    'ave',
    'mul',
  ] as const);
  const name = readName(wc, c);
  for (const key of raw.weights.keys())
    if (!key.startsWith('forward.') && !key.startsWith('backward.'))
      formatError(
        at(w, 'weights'),
        `has weight ${JSON.stringify(key)}; a bidirectional layer's weights are forward.* and backward.*`,
      );
  const fwd = loadWrapped(at(wc, 'forwardLayer'), c.forwardLayer, raw.weights, 'forward.', t);
  const bwd = loadWrapped(at(wc, 'backwardLayer'), c.backwardLayer, raw.weights, 'backward.', t);
  return build(w, () =>
    bidirectional(fwd, {
      backwardLayer: bwd,
      mergeMode,
      ...(name === undefined ? {} : { name }),
    }),
  );
};
