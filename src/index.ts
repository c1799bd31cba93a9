// The public barrel: named re-exports only, no code. Every folder also has
// its own subpath (myelin/tensor, myelin/layers, ...). The Node-only helpers
// live in myelin/node and the WebAssembly kernels in myelin/wasm; neither is
// re-exported here, so browser bundles never see Node built-ins or wasm bytes.
export * from './_lib/index.js';
export * from './random/index.js';
export * from './kernels/index.js';
export * from './tensor/index.js';
export * from './autograd/index.js';
export * from './ops/index.js';
export * from './activations/index.js';
export * from './losses/index.js';
export * from './init/index.js';
export * from './regularizers/index.js';
export * from './layers/index.js';
export * from './optimizers/index.js';
export * from './data/index.js';
export * from './models/index.js';
export * from './training/index.js';
export * from './explain/index.js';
export * from './plots/index.js';
export * from './io/index.js';
export * from './network/index.js';
