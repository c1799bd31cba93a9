import { assertKnownKeys, assertNumber, assertOptions, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Layer, RelevanceRule } from '../layers/layer.js';

/**
 * What a rule composite is told about one layer application when the
 * explanation assigns it a rule. Composites choose by `family` (declared
 * by the layer: 'dense', 'convolution', 'pooling', 'normalization',
 * 'passthrough', 'merge', 'embedding', 'recurrent') and by `atInput`,
 * never by the layer's kind.
 */
export interface LayerRuleContext {
  /** The layer's unique name in the model (`model.layerNames`). */
  readonly name: string;
  readonly layer: Layer;
  /** The layer's relevance family (see above). */
  readonly family: string;
  /** True for a layer with parameters whose input is a model input, reached through parameter-free layers only (a flatten, a reshape). */
  readonly atInput: boolean;
  /** The rule names the layer implements, or null when it takes any (it passes relevance on by a fixed convention). */
  readonly rules: readonly string[] | null;
}

/** Assigns a relevance rule to each layer application: a function of the layer. */
export type RuleComposite = (layer: LayerRuleContext) => RelevanceRule;

function rule(name: string, config: Record<string, number>): RelevanceRule {
  return Object.freeze({ name, config: Object.freeze(config) });
}

/**
 * LRP-0 (Bach et al. 2015, https://doi.org/10.1371/journal.pone.0130140):
 * R_i = Σ_j (x_i·w_ij / z_j)·R_j with z_j = Σ_i x_i·w_ij + b_j. Relevance
 * is redistributed in proportion to each input's contribution; on a relu
 * network without biases it equals gradient × input.
 *
 * @example
 * ```ts
 * import { sequential, dense, lrp, zeroRule } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[1], [3]], useBias: false })]);
 * lrp(model, [[2, 1]], { rules: zeroRule() }).relevance.toArray(); // [[2, 3]]: z = 5 split 2:3
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function zeroRule(): RelevanceRule {
  return rule('zero', {});
}

/**
 * LRP-ε: LRP-0 with the denominator z_j + ε·sign(z_j), which absorbs some
 * relevance of weak or contradictory outputs (the explanation gets sparser
 * and less noisy as ε grows); ε → 0 is LRP-0.
 *
 * @param epsilon ε ≥ 0 (default 1e-6).
 * @example
 * ```ts
 * import { sequential, dense, lrp, epsilonRule } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[1], [3]], useBias: false })]);
 * lrp(model, [[2, 1]], { rules: epsilonRule(1) }).relevance.toArray(); // [[5/3, 2.5]]: 5·(2, 3)/6
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function epsilonRule(epsilon = 1e-6): RelevanceRule {
  assertNumber('epsilonRule', 'epsilon', epsilon, { min: 0 });
  return rule('epsilon', { epsilon });
}

/**
 * LRP-γ: weights w + γ·w⁺ (and bias b + γ·b⁺), favouring positive
 * contributions, which gives steadier explanations in lower layers
 * (Montavon et al. 2019, https://doi.org/10.1007/978-3-030-28954-6_10).
 * Meant for non-negative inputs (a layer after a relu); γ = 0 is LRP-0.
 *
 * @param gamma γ ≥ 0 (default 0.25).
 * @example
 * ```ts
 * import { sequential, dense, lrp, gammaRule } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[1], [-1]], useBias: false })]);
 * // z = 2 − 1 = 1; w' = (1.5, −1), z' = 3 − 1 = 2: R = 1·(3, −1)/2
 * lrp(model, [[2, 1]], { rules: gammaRule(0.5) }).relevance.toArray(); // [[1.5, -0.5]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function gammaRule(gamma = 0.25): RelevanceRule {
  assertNumber('gammaRule', 'gamma', gamma, { min: 0 });
  return rule('gamma', { gamma });
}

/**
 * LRP-αβ: R_i = Σ_j (α·z_ij⁺ / z_j⁺ − β·z_ij⁻ / z_j⁻)·R_j, positive and
 * negative contributions (z_ij = x_i·w_ij, the bias's part included in the
 * sums) weighed separately. α − β = 1 keeps relevance conserved; α = 1,
 * β = 0 is the z⁺ rule ({@link zPlusRule}). Bach et al. 2015.
 *
 * @param alpha α ≥ 1 (default 2).
 * @param beta β = α − 1 (default 1).
 * @example
 * ```ts
 * import { sequential, dense, lrp, alphaBetaRule } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[1], [-1]], useBias: false })]);
 * // z = 2 − 1 = 1: positive part (2) gets α·1, negative part (−1) gets −β·1
 * lrp(model, [[2, 1]], { rules: alphaBetaRule(2, 1) }).relevance.toArray(); // [[2, -1]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function alphaBetaRule(alpha = 2, beta = 1): RelevanceRule {
  assertNumber('alphaBetaRule', 'alpha', alpha, { min: 1 });
  assertNumber('alphaBetaRule', 'beta', beta, { min: 0 });
  if (Math.abs(alpha - beta - 1) > 1e-12)
    throw new ValueError(
      `alphaBetaRule: alpha - beta must be 1 (relevance is conserved only then), got alpha ${alpha} and beta ${beta}`,
    );
  return rule('alphaBeta', { alpha, beta });
}

/**
 * The z⁺ rule, LRP-αβ with α = 1, β = 0: relevance flows along positive
 * contributions only.
 *
 * @example
 * ```ts
 * import { sequential, dense, lrp, zPlusRule } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[1], [-1]], useBias: false })]);
 * lrp(model, [[2, 1]], { rules: zPlusRule() }).relevance.toArray(); // [[1, 0]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function zPlusRule(): RelevanceRule {
  return rule('alphaBeta', { alpha: 1, beta: 0 });
}

/**
 * The bounded z^B rule for the first layer, whose inputs lie in
 * [low, high] (pixels in [0, 1], say): contributions
 * x_i·w_ij − low·w_ij⁺ − high·w_ij⁻ (Montavon et al. 2017,
 * https://doi.org/10.1016/j.patcog.2016.11.008), which gives relevance to
 * dark pixels too.
 *
 * @param low The inputs' lower bound (default 0).
 * @param high Their upper bound (default 1), > low.
 * @example
 * ```ts
 * import { sequential, dense, lrp, zBRule } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[1], [-1]], useBias: false })]);
 * // output 0.5; contributions x·w − 0·w⁺ − 1·w⁻ = (0.5, 0 + 1), so R = 0.5·(0.5, 1)/1.5
 * lrp(model, [[0.5, 0]], { rules: zBRule(0, 1) }).relevance.toArray(); // [[1/6, 1/3]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function zBRule(low = 0, high = 1): RelevanceRule {
  assertNumber('zBRule', 'low', low);
  assertNumber('zBRule', 'high', high);
  if (!(high > low)) fail('zBRule', 'high', `greater than low (${low})`, high);
  return rule('zB', { low, high });
}

/**
 * The identity rule: a layer that supports it hands its outputs' relevance
 * to its inputs unchanged, as if it were folded into its neighbours (the
 * composites give it to normalization layers, whose shift would otherwise
 * take or give relevance at every element).
 *
 * @example
 * ```ts
 * import { identityRule } from 'myelin';
 * identityRule().name; // 'identity'
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function identityRule(): RelevanceRule {
  return rule('identity', {});
}

/**
 * A pooling rule: each max-pooling output's relevance goes whole to its
 * window's maximum (the gradient's route, the usual LRP treatment of max
 * pooling). Pooling layers also take LRP-ε, which for max pooling means the
 * same.
 *
 * @example
 * ```ts
 * import { winnerTakeAllRule } from 'myelin';
 * winnerTakeAllRule().name; // 'winnerTakeAll': give it to pooling layers by name through lrp's layerRules
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function winnerTakeAllRule(): RelevanceRule {
  return rule('winnerTakeAll', {});
}

/**
 * A pooling rule: each output's relevance split over its window in
 * proportion to the inputs, R_i = x_i·R / (Σ_window x + ε·sign), the LRP-ε
 * rule of the window's sum (for average pooling the same as LRP-ε).
 *
 * @param epsilon ε ≥ 0 (default 0).
 * @example
 * ```ts
 * import { proportionalRule } from 'myelin';
 * proportionalRule().config; // { epsilon: 0 }
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function proportionalRule(epsilon = 0): RelevanceRule {
  assertNumber('proportionalRule', 'epsilon', epsilon, { min: 0 });
  return rule('proportional', { epsilon });
}

/**
 * The composite of one rule for every layer: LRP-ε everywhere (with
 * ε = 0, LRP-0). Layers without parameters pass relevance on by their own
 * convention whatever the rule.
 *
 * @param epsilon ε ≥ 0 (default 1e-6).
 * @example
 * ```ts
 * import { sequential, dense, relu, lrp, lrpEpsilon } from 'myelin';
 * const model = sequential([dense(3, 4, { activation: relu }), dense(4, 2)]);
 * const { relevance } = lrp(model, [[1, 2, 3]], { rules: lrpEpsilon(0.01) });
 * relevance.shape; // [1, 3]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function lrpEpsilon(epsilon = 1e-6): RuleComposite {
  const r = epsilonRule(epsilon);
  return () => r;
}

/** Options of {@link epsilonGammaBox} and {@link epsilonPlus}. */
export interface CompositeOptions {
  /** ε of dense layers (default 1e-6). */
  epsilon?: number;
  /** γ of convolutions (default 0.25; epsilonGammaBox only). */
  gamma?: number;
  /** Lower bound of the model's input values, for the zB rule at the input (default 0). */
  low?: number;
  /** Upper bound of the model's input values (default 1). */
  high?: number;
}

function compositeOptions(fn: string, options: CompositeOptions, keys: readonly string[]): void {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, keys);
}

/**
 * Whether zB goes to this layer: it is at the input and takes zB (a layer at
 * the input whose rules do not include it, such as a recurrent layer, gets
 * the composite's rule for its family instead).
 */
function boxAt(l: LayerRuleContext): boolean {
  return l.atInput && (l.rules === null || l.rules.includes('zB'));
}

/**
 * A composite of the practice recommended by Montavon et al. 2019: zB at
 * the input layer, LRP-γ for convolutions, LRP-ε for dense layers (and
 * any other layer family but normalization layers, which pass relevance
 * through by the identity rule).
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, lrp, epsilonGammaBox } from 'myelin';
 * const model = sequential([dense(4, 8, { activation: relu }), dense(8, 3)]);
 * const r = lrp(model, [[0.1, 0.9, 0.4, 0]], { rules: epsilonGammaBox({ low: 0, high: 1 }) });
 * r.conservation.layers.map((l) => l.rule); // ['zB', 'epsilon']: input layer first
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function epsilonGammaBox(options: CompositeOptions = {}): RuleComposite {
  compositeOptions('epsilonGammaBox', options, ['epsilon', 'gamma', 'low', 'high']);
  const eps = epsilonRule(options.epsilon ?? 1e-6);
  const gamma = gammaRule(options.gamma ?? 0.25);
  const box = zBRule(options.low ?? 0, options.high ?? 1);
  const pass = identityRule();
  return (l) =>
    boxAt(l) ? box : l.family === 'convolution' ? gamma : l.family === 'normalization' ? pass : eps;
}

/**
 * A composite that uses z⁺ for convolutions and LRP-ε elsewhere, with zB at
 * the input layer and the identity rule for normalization layers.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, lrp, epsilonPlus } from 'myelin';
 * const model = sequential([dense(2, 2, { activation: relu }), dense(2, 1)]);
 * lrp(model, [[0.5, 0.5]], { rules: epsilonPlus() }).relevance.shape; // [1, 2]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function epsilonPlus(options: CompositeOptions = {}): RuleComposite {
  compositeOptions('epsilonPlus', options, ['epsilon', 'low', 'high']);
  const eps = epsilonRule(options.epsilon ?? 1e-6);
  const plus = zPlusRule();
  const box = zBRule(options.low ?? 0, options.high ?? 1);
  const pass = identityRule();
  return (l) =>
    boxAt(l) ? box : l.family === 'convolution' ? plus : l.family === 'normalization' ? pass : eps;
}
