/**
 * Explanations: layer-wise relevance propagation (LRP) with per-layer rules
 * and composites, gradient attributions (saliency, gradient × input,
 * integrated gradients, SmoothGrad) and occlusion sensitivity. Import from
 * `myelin` or `myelin/explain`.
 *
 * @module explain
 */
export { lrp } from './lrp.js';
export type { LrpOptions, LrpResult, LayerConservation, ConservationReport } from './lrp.js';
export {
  zeroRule,
  epsilonRule,
  gammaRule,
  alphaBetaRule,
  zPlusRule,
  zBRule,
  winnerTakeAllRule,
  identityRule,
  proportionalRule,
  lrpEpsilon,
  epsilonGammaBox,
  epsilonPlus,
} from './rules.js';
export type { RuleComposite, LayerRuleContext, CompositeOptions } from './rules.js';
export type { RelevanceRule } from '../layers/layer.js';
export type { TargetOptions } from './_target.js';
export { saliency, gradientTimesInput, integratedGradients, smoothGrad } from './gradients.js';
export type {
  GradientOptions,
  IntegratedGradientsOptions,
  IntegratedGradientsResult,
  SmoothGradOptions,
} from './gradients.js';
export { occlusion } from './occlusion.js';
export type { OcclusionOptions } from './occlusion.js';
// Attention maps and rollout live beside the attention layer's model helpers;
// they are explanations too, so myelin/explain offers them as well.
export { attentionMaps, attentionRollout } from '../models/attention-maps.js';
export type { AttentionMap, AttentionRolloutOptions } from '../models/attention-maps.js';
