import { allocJs, allocSlot } from './alloc.js';
import { setBackendName, type BackendName } from './backend.js';
import { biasAddJs, biasAddSlot, colSumJs, colSumSlot } from './bias.js';
import { arithSlot } from './binary.js';
import { arithJs } from './js/binary.js';
import { reduceAxes } from './js/reduce.js';
import { denseForwardJs, denseSlot } from './dense.js';
import { matmulJs, matmulSlot } from './matmul.js';
import {
  convBackwardLowered,
  convBackwardSlot,
  convForwardLowered,
  convForwardSlot,
} from './conv.js';
import { adamSlot, adamUpdateJs, sgdSlot, sgdUpdateJs } from './optim.js';
import { reduceSlot } from './reduce.js';
import {
  recurrentBackwardJs,
  recurrentBackwardSlot,
  recurrentForwardJs,
  recurrentForwardSlot,
} from './recurrent.js';
import { reluBackwardJs, reluBackwardSlot, reluJs, reluSlot } from './relu.js';
import { logSoftmaxJs, logSumExpJs, softmaxJs } from './js/softmax.js';
import { logSoftmaxSlot, logSumExpSlot, softmaxSlot } from './softmax.js';
import {
  softmaxXentBackwardJs,
  softmaxXentBackwardSlot,
  softmaxXentJs,
  softmaxXentSlot,
} from './xent.js';
import { maxPoolBackwardJs, maxPoolBackwardSlot, maxPoolJs, maxPoolSlot } from './pool.js';
import { allFiniteJs, finiteSlot } from './finite.js';
import { stateSyncJs, stateSyncSlot } from './optim.js';
import { l2AddGradJs, l2Slot } from './l2.js';
import {
  dropoutBackwardJs,
  dropoutBackwardSlot,
  dropoutForwardJs,
  dropoutForwardSlot,
} from './dropout.js';
import {
  attentionBackwardJs,
  attentionBackwardSlot,
  attentionForwardJs,
  attentionForwardSlot,
} from './attention.js';
import {
  layerNormBackwardJs,
  layerNormBackwardSlot,
  layerNormForwardJs,
  layerNormForwardSlot,
} from './layer-norm.js';

// The typed backend: every kernel family, once. `Backend` is derived from
// this table, the JS backend must implement all of it (the type checker
// holds it to that), and installing a backend fills every slot from it,
// taking what it does not supply from JS. Each slot lives in its own module
// so that a bundle importing one op carries one kernel; only myelin/wasm
// imports this table.

const SLOTS = {
  matmul: matmulSlot,
  dense: denseSlot,
  biasAdd: biasAddSlot,
  colSum: colSumSlot,
  arith: arithSlot,
  reduce: reduceSlot,
  relu: reluSlot,
  reluBackward: reluBackwardSlot,
  softmax: softmaxSlot,
  logSoftmax: logSoftmaxSlot,
  logSumExp: logSumExpSlot,
  softmaxXent: softmaxXentSlot,
  softmaxXentBackward: softmaxXentBackwardSlot,
  sgd: sgdSlot,
  adam: adamSlot,
  recurrentForward: recurrentForwardSlot,
  recurrentBackward: recurrentBackwardSlot,
  convForward: convForwardSlot,
  convBackward: convBackwardSlot,
  maxPool: maxPoolSlot,
  maxPoolBackward: maxPoolBackwardSlot,
  allFinite: finiteSlot,
  stateSync: stateSyncSlot,
  l2: l2Slot,
  dropoutForward: dropoutForwardSlot,
  dropoutBackward: dropoutBackwardSlot,
  attentionForward: attentionForwardSlot,
  attentionBackward: attentionBackwardSlot,
  layerNormForward: layerNormForwardSlot,
  layerNormBackward: layerNormBackwardSlot,
  alloc: allocSlot,
};

/** Every kernel family the library dispatches, by name: what a backend implements. */
export type Backend = { readonly [K in keyof typeof SLOTS]: (typeof SLOTS)[K]['impl'] };

/** The portable JS kernels: the complete backend, and the fallback of every other. */
export const jsBackend: Backend = {
  matmul: matmulJs,
  dense: denseForwardJs,
  biasAdd: biasAddJs,
  colSum: colSumJs,
  arith: arithJs,
  reduce: reduceAxes,
  relu: reluJs,
  reluBackward: reluBackwardJs,
  softmax: softmaxJs,
  logSoftmax: logSoftmaxJs,
  logSumExp: logSumExpJs,
  softmaxXent: softmaxXentJs,
  softmaxXentBackward: softmaxXentBackwardJs,
  sgd: sgdUpdateJs,
  adam: adamUpdateJs,
  recurrentForward: recurrentForwardJs,
  recurrentBackward: recurrentBackwardJs,
  convForward: convForwardLowered,
  convBackward: convBackwardLowered,
  maxPool: maxPoolJs,
  maxPoolBackward: maxPoolBackwardJs,
  allFinite: allFiniteJs,
  stateSync: stateSyncJs,
  l2: l2AddGradJs,
  dropoutForward: dropoutForwardJs,
  dropoutBackward: dropoutBackwardJs,
  attentionForward: attentionForwardJs,
  attentionBackward: attentionBackwardJs,
  layerNormForward: layerNormForwardJs,
  layerNormBackward: layerNormBackwardJs,
  alloc: allocJs,
};

/**
 * Installs a backend: every slot takes the backend's kernel when it supplies
 * one and the JS kernel otherwise, and `getBackend()` reports `name`.
 */
export function installBackend(name: BackendName, kernels: Partial<Backend>): void {
  for (const key of Object.keys(SLOTS) as (keyof Backend)[]) {
    (SLOTS[key] as { impl: unknown }).impl = kernels[key] ?? jsBackend[key];
  }
  setBackendName(name);
}
