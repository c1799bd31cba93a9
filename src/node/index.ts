/**
 * Node-only helpers: saving and loading model files, checkpoints, reading IDX data files, and a
 * terminal progress bar.
 * Import from `myelin/node` (not re-exported by `myelin`).
 *
 * @module node
 */
export { terminalProgress } from './progress.js';
export type { TerminalProgressOptions, ProgressStream } from './progress.js';
export {
  saveModel,
  loadModel,
  loadModelAndOptimizer,
  writeFileAtomic,
  type SaveModelOptions,
} from './files.js';
export {
  modelCheckpoint,
  type ModelCheckpoint,
  type ModelCheckpointOptions,
} from './checkpoint.js';
export { saveFixture, loadFixture } from './fixtures.js';
export { readIdxFile } from './idx.js';
