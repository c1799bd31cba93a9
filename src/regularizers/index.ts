export type { Regularizer } from './regularizer.js';
