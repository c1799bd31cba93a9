export { Network } from './network.js';
