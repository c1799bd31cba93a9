import { assertInteger, assertKnownKeys, assertOptions, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { indexGroups, type GroupLabel } from '../data/_groups.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  checkDigits,
  predictedLabels,
  targetLabels,
  type ClassPredictions,
  type ClassTargets,
} from './classification.js';

// Per-group evaluation and the group fairness gaps of Fairlearn
// (fairlearn.metrics), computed on plain numbers.
//
// Zero division, as Fairlearn (whose rates come from scikit-learn's
// confusion_matrix(normalize='true'), NaN turned to 0): a rate whose
// denominator is 0 is 0. So a group with no positive targets has a true
// positive rate (recall) of 0, and one with no negative targets a false
// positive rate of 0. Such a group can then set the equal opportunity or
// equalized odds gap on its own; its `positives` / `negatives` count shows
// when that happened. Precision and F1 follow the same rule.

/** Options of {@link groupMetrics} and the gap functions. */
export interface GroupMetricsOptions {
  /** The class counted as the positive outcome (default 1, as Fairlearn's `pos_label`). Other classes are negative. */
  positiveLabel?: number;
}

/** Scores of one group (or of all samples), for the positive class against the rest. */
export interface GroupScores {
  /** Samples in the group. */
  readonly count: number;
  /** Samples whose target is the positive class. */
  readonly positives: number;
  /** Samples whose target is another class. */
  readonly negatives: number;
  /** Fraction of samples whose predicted class equals the target (every class counts). */
  readonly accuracy: number;
  /** TP / (TP + FP) for the positive class; 0 when it is never predicted. */
  readonly precision: number;
  /** TP / (TP + FN), the true positive rate; 0 when the group has no positives. */
  readonly recall: number;
  /** 2·TP / (2·TP + FP + FN); 0 when there are no positives and none predicted. */
  readonly f1: number;
  /** Fraction predicted positive: Fairlearn's `selection_rate`. */
  readonly positiveRate: number;
  /** FP / (FP + TN); 0 when the group has no negatives. */
  readonly falsePositiveRate: number;
}

/** {@link GroupScores} of one group. */
export interface GroupStats extends GroupScores {
  readonly group: GroupLabel;
}

/** What {@link groupMetrics} returns: the scores per group, overall, and the gaps between groups. */
export interface GroupMetrics {
  /** One entry per group, numbers ascending then strings. */
  readonly groups: readonly GroupStats[];
  /** The same scores over all samples. */
  readonly overall: GroupScores;
  /** max − min of the groups' positive rates (0 = parity). */
  readonly demographicParityDifference: number;
  /** min / max of the groups' positive rates (1 = parity; NaN when no group gets a positive prediction, 0/0). */
  readonly demographicParityRatio: number;
  /** The larger of the true positive rate gap and the false positive rate gap (max − min over groups each). */
  readonly equalizedOddsDifference: number;
  /** max − min of the groups' true positive rates (recall). */
  readonly equalOpportunityDifference: number;
}

interface Counts {
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  correct: number;
}

const rate = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function scores(c: Counts): GroupScores {
  return {
    count: c.n,
    positives: c.tp + c.fn,
    negatives: c.fp + c.tn,
    accuracy: rate(c.correct, c.n),
    precision: rate(c.tp, c.tp + c.fp),
    recall: rate(c.tp, c.tp + c.fn),
    f1: rate(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    positiveRate: rate(c.tp + c.fp, c.n),
    falsePositiveRate: rate(c.fp, c.fp + c.tn),
  };
}

const spread = (values: number[]): number => Math.max(...values) - Math.min(...values);

function compute(
  fn: string,
  pred: unknown,
  target: unknown,
  groups: unknown,
  options: unknown,
): GroupMetrics {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['positiveLabel']);
  const pos = assertInteger(
    fn,
    'positiveLabel',
    (options as GroupMetricsOptions).positiveLabel ?? 1,
  );
  const p = predictedLabels(fn, pred).labels;
  const t = targetLabels(fn, target).labels;
  if (p.length !== t.length)
    throw new ShapeError(`${fn}: pred has ${p.length} samples but target has ${t.length}`);
  if (t.length === 0) throw new ValueError(`${fn}: need at least one sample, got 0`);
  // A label that occurs nowhere, among two or more that do, makes every
  // rate and every gap 0, which reads as perfectly fair: refused, as
  // scikit-learn refuses such a pos_label (data of one label, with no
  // positives at all, stays valid).
  const seen = [...new Set([...t, ...p])].sort((a, b) => a - b);
  if (seen.length > 1 && !seen.includes(pos)) {
    throw new ValueError(
      `${fn}: positiveLabel ${pos} occurs in neither pred nor target (their labels: ${seen.slice(0, 20).join(', ')}${seen.length > 20 ? ', ...' : ''})`,
    );
  }
  const { ids, names } = indexGroups(fn, groups, t.length);
  const counts = Array.from({ length: names.length + 1 }, () => ({
    n: 0,
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
    correct: 0,
  }));
  const all = names.length;
  for (let i = 0; i < t.length; i++) {
    for (const c of [counts[ids[i]!]!, counts[all]!]) {
      c.n++;
      if (p[i] === t[i]) c.correct++;
      const predicted = p[i] === pos;
      const actual = t[i] === pos;
      if (predicted && actual) c.tp++;
      else if (predicted) c.fp++;
      else if (actual) c.fn++;
      else c.tn++;
    }
  }
  const byGroup = names.map((group, k) => ({ group, ...scores(counts[k]!) }));
  const sel = byGroup.map((g) => g.positiveRate);
  const tpr = byGroup.map((g) => g.recall);
  const fpr = byGroup.map((g) => g.falsePositiveRate);
  return {
    groups: byGroup,
    overall: scores(counts[all]!),
    demographicParityDifference: spread(sel),
    // 0/0 is NaN, as Fairlearn's min/max of two zero rates (pandas division).
    demographicParityRatio: Math.min(...sel) / Math.max(...sel),
    equalizedOddsDifference: Math.max(spread(tpr), spread(fpr)),
    equalOpportunityDifference: spread(tpr),
  };
}

/**
 * Scores per group of a sensitive attribute, and the gaps between groups,
 * as Fairlearn's `MetricFrame` with its `demographic_parity_difference`,
 * `demographic_parity_ratio`, `equalized_odds_difference` and
 * `equal_opportunity_difference` (method 'between_groups', the default):
 *
 * - positive rate (selection rate) = P(ŷ = pos | group);
 * - demographic parity difference = max − min of the positive rates over
 *   groups, ratio = min / max;
 * - true positive rate (recall) = P(ŷ = pos | y = pos, group), false
 *   positive rate = P(ŷ = pos | y ≠ pos, group);
 * - equal opportunity difference = max − min of the true positive rates;
 * - equalized odds difference = the larger of that and max − min of the
 *   false positive rates (Fairlearn's `agg='worst_case'`).
 *
 * The positive class is `positiveLabel` (default 1); with several classes,
 * every other class is negative. Accuracy counts every class.
 *
 * A group with no positive targets has a true positive rate of 0 (and one
 * with no negatives a false positive rate of 0), as in Fairlearn: a rate
 * with a zero denominator is 0. That group can then decide the equal
 * opportunity and equalized odds gaps by itself: check its `positives`.
 *
 * @param pred Predicted labels ([n], [n, 1] or an array), scores [n, classes] (arg-max taken) or probabilities of class 1 ([n] or [n, 1] with a non-integer value; class 1 when p > 0.5), read as `confusionMatrix` reads them: one value per sample is a label when every value is an integer.
 * @param target Integer labels or one-hot rows.
 * @param groups One group label (string or number) per sample; at least two groups.
 * @example
 * ```ts
 * import { groupMetrics } from 'myelin';
 * const pred   = [1, 1, 0, 0, 1, 0, 0, 0];
 * const target = [1, 0, 1, 0, 1, 1, 0, 0];
 * const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
 * const m = groupMetrics(pred, target, groups);
 * m.groups.map((g) => g.positiveRate); // [0.5, 0.25]
 * m.demographicParityDifference;       // 0.25
 * m.equalOpportunityDifference;        // recall a = 1/2, b = 1/2: 0
 * ```
 */
export function groupMetrics(
  pred: ClassPredictions,
  target: ClassTargets,
  groups: Tensor | readonly GroupLabel[],
  options: GroupMetricsOptions = {},
): GroupMetrics {
  return compute('groupMetrics', pred, target, groups, options);
}

/**
 * Demographic parity difference, as Fairlearn's
 * `demographic_parity_difference`: the largest minus the smallest group
 * positive rate P(ŷ = pos | group). 0 means every group is predicted
 * positive equally often. The targets are not used but must be valid, as
 * in Fairlearn. See {@link groupMetrics}.
 *
 * @example
 * ```ts
 * import { demographicParityDifference } from 'myelin';
 * demographicParityDifference([1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1, 0, 0], ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
 * // positive rates a = 2/4, b = 1/4: 0.25
 * ```
 */
export function demographicParityDifference(
  pred: ClassPredictions,
  target: ClassTargets,
  groups: Tensor | readonly GroupLabel[],
  options: GroupMetricsOptions = {},
): number {
  return compute('demographicParityDifference', pred, target, groups, options)
    .demographicParityDifference;
}

/**
 * Demographic parity ratio, as Fairlearn's `demographic_parity_ratio`: the
 * smallest group positive rate over the largest. 1 means parity; NaN when
 * no group has a positive prediction (0/0, as Fairlearn). See {@link groupMetrics}.
 *
 * @example
 * ```ts
 * import { demographicParityRatio } from 'myelin';
 * demographicParityRatio([1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1, 0, 0], ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
 * // 0.25 / 0.5 = 0.5
 * ```
 */
export function demographicParityRatio(
  pred: ClassPredictions,
  target: ClassTargets,
  groups: Tensor | readonly GroupLabel[],
  options: GroupMetricsOptions = {},
): number {
  return compute('demographicParityRatio', pred, target, groups, options).demographicParityRatio;
}

/**
 * Equalized odds difference, as Fairlearn's `equalized_odds_difference`
 * (`agg='worst_case'`): the larger of the true positive rate gap and the
 * false positive rate gap between groups (max − min each). 0 means every
 * group has the same error rates on positives and on negatives. A group
 * with no positives (negatives) has a true (false) positive rate of 0. See
 * {@link groupMetrics}.
 *
 * @example
 * ```ts
 * import { equalizedOddsDifference } from 'myelin';
 * equalizedOddsDifference([1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1, 0, 0], ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
 * // TPR a = 1/2, b = 1/2; FPR a = 1/2, b = 0/2: max(0, 0.5) = 0.5
 * ```
 */
export function equalizedOddsDifference(
  pred: ClassPredictions,
  target: ClassTargets,
  groups: Tensor | readonly GroupLabel[],
  options: GroupMetricsOptions = {},
): number {
  return compute('equalizedOddsDifference', pred, target, groups, options).equalizedOddsDifference;
}

/**
 * Equal opportunity difference, as Fairlearn's
 * `equal_opportunity_difference`: the largest minus the smallest group true
 * positive rate (recall of the positive class). 0 means qualified members
 * of every group are recognised equally often. A group with no positives
 * has a true positive rate of 0. See {@link groupMetrics}.
 *
 * @example
 * ```ts
 * import { equalOpportunityDifference } from 'myelin';
 * equalOpportunityDifference([1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 1, 1]);
 * // TPR group 0 = 2/2, group 1 = 1/2: 0.5
 * ```
 */
export function equalOpportunityDifference(
  pred: ClassPredictions,
  target: ClassTargets,
  groups: Tensor | readonly GroupLabel[],
  options: GroupMetricsOptions = {},
): number {
  return compute('equalOpportunityDifference', pred, target, groups, options)
    .equalOpportunityDifference;
}

/**
 * A {@link GroupMetrics} as a text table: one row per group and one for all
 * samples, then the four gaps, with `digits` decimal places (an integer
 * from 0 to 100, the range of `toFixed`; default 3). Monospace text for
 * `console.log`.
 *
 * @example
 * ```ts
 * import { groupMetrics, formatGroupMetrics } from 'myelin';
 * console.log(formatGroupMetrics(groupMetrics([1, 0, 1, 0], [1, 0, 0, 0], ['a', 'a', 'b', 'b'])));
 * ```
 */
export function formatGroupMetrics(metrics: GroupMetrics, digits = 3): string {
  const raw: unknown = (metrics as Partial<GroupMetrics> | null)?.groups;
  if (typeof metrics !== 'object' || metrics === null || !Array.isArray(raw))
    throw new ValueError(
      `formatGroupMetrics: metrics must be the result of groupMetrics, got ${show(metrics)}`,
    );
  checkDigits('formatGroupMetrics', digits);
  const head = ['count', 'positives', 'accuracy', 'precision', 'recall', 'f1', 'pos. rate', 'FPR'];
  const rows: [string, GroupScores][] = [
    ...metrics.groups.map((g): [string, GroupScores] => [String(g.group), g]),
    ['all', metrics.overall],
  ];
  const width = Math.max(5, ...rows.map(([name]) => name.length));
  const cell = (s: string): string => s.padStart(11);
  const num = (v: number): string => cell(v.toFixed(digits));
  const lines = [''.padEnd(width) + head.map(cell).join('')];
  for (const [name, s] of rows) {
    lines.push(
      name.padEnd(width) +
        cell(String(s.count)) +
        cell(String(s.positives)) +
        [s.accuracy, s.precision, s.recall, s.f1, s.positiveRate, s.falsePositiveRate]
          .map(num)
          .join(''),
    );
  }
  lines.push('');
  lines.push(
    `demographic parity difference ${metrics.demographicParityDifference.toFixed(digits)}`,
  );
  lines.push(`demographic parity ratio      ${metrics.demographicParityRatio.toFixed(digits)}`);
  lines.push(`equalized odds difference     ${metrics.equalizedOddsDifference.toFixed(digits)}`);
  lines.push(`equal opportunity difference  ${metrics.equalOpportunityDifference.toFixed(digits)}`);
  return lines.join('\n') + '\n';
}
