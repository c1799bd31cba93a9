export { getBackend } from './backend.js';
export type { BackendName } from './backend.js';
