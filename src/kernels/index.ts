/**
 * Which compute backend is active (`getBackend`). Import from `myelin` or `myelin/kernels`.
 *
 * @module kernels
 */
export { getBackend } from './backend.js';
export type { BackendName } from './backend.js';
