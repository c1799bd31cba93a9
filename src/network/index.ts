/**
 * `Network`, the convenience class around `sequential`, `fit`, `predict` and `toJSON`. Import
 * from `myelin` or `myelin/network`.
 *
 * @module network
 */
export { Network } from './network.js';
