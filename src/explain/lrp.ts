import { assertKnownKeys, assertOptions, fail, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { FloatArray } from '../_lib/typed.js';
import type { RelevanceIO, RelevanceRule } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { buffersFor, copyRows, planFor, runForward, type Plan } from '../models/plan.js';
import { defaultRng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { lrpEpsilon, type LayerRuleContext, type RuleComposite } from './rules.js';
import {
  TARGET_KEYS,
  checkStatefulRows,
  explainInput,
  keepingState,
  outputIndex,
  outputWeighting,
  rowSums,
  tensorOf,
  total,
  type TargetOptions,
} from './_target.js';

/** Options of {@link lrp}. */
export interface LrpOptions extends TargetOptions {
  /**
   * The rule of every layer: one rule for all (`epsilonRule(0.01)`) or a
   * composite choosing per layer (`epsilonGammaBox()`). Default
   * `lrpEpsilon()` (LRP-ε with ε = 1e-6 everywhere).
   */
  rules?: RuleComposite | RelevanceRule;
  /** Rules for particular layers by their name in the model (`model.layerNames`), over `rules`. */
  layerRules?: Readonly<Record<string, RelevanceRule>>;
}

/** How much relevance one layer application received and passed on. */
export interface LayerConservation {
  /** The layer's name in the model. */
  readonly layer: string;
  readonly kind: string;
  /** The rule it was given. */
  readonly rule: string;
  /** Σ of the relevance of its outputs, over the batch. */
  readonly output: number;
  /** Σ of the relevance it gave its inputs, over the batch. */
  readonly input: number;
}

/** The conservation report of an {@link lrp} call. */
export interface ConservationReport {
  /** Per layer application, in the model's (forward) order; layers that do not lead to the explained output are left out. */
  readonly layers: readonly LayerConservation[];
  /** Σ of the relevance seeded at the output, per row. */
  readonly output: readonly number[];
  /** Σ of the relevance that reached the input, per row. */
  readonly input: readonly number[];
}

/** What {@link lrp} returns. */
export interface LrpResult {
  /** Relevance of every input element, the input's shape (batch first). */
  readonly relevance: Tensor;
  /** The model's output that was explained (batch first). */
  readonly output: Tensor;
  /** How much relevance each layer kept (Σ in against Σ out). */
  readonly conservation: ConservationReport;
}

const KEYS = [...TARGET_KEYS, 'rules', 'layerRules'];

function checkRule(fn: string, name: string, r: unknown): RelevanceRule {
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof (r as Partial<RelevanceRule>).name !== 'string' ||
    typeof (r as Partial<RelevanceRule>).config !== 'object' ||
    (r as Partial<RelevanceRule>).config === null
  )
    fail(fn, name, 'a relevance rule such as epsilonRule(0.01)', r);
  return r as RelevanceRule;
}

/**
 * Layer-wise relevance propagation (Bach et al. 2015,
 * https://doi.org/10.1371/journal.pone.0130140): runs the model forward
 * (inference mode), seeds the chosen output with its value times the target
 * weighting (one-hot for a class), and walks the graph backwards, each
 * layer redistributing the relevance of its outputs onto its inputs by the
 * rule assigned to it, through the layer's own relevance hook. A value read
 * by several layers sums the relevance they give it. The result has the
 * input's shape; its row sums equal the seeded score when every layer
 * conserves relevance (LRP-0 or small ε, no biases), which
 * `conservation` reports per layer.
 *
 * Dense layers and convolutions (transposed too) implement LRP-0, LRP-ε,
 * LRP-γ, LRP-αβ and zB; activations, flatten, reshape and dropout pass
 * relevance through; add and average split it in proportion to each
 * input's share of the sum, concatenate splits it by position, multiply
 * gives it to its first input (the signal). Recurrent layers follow Arras
 * et al. 2017 (gates pass nothing); an embedding gives each token id its
 * vector's relevance, so `x` may be int32 token ids. A rule a layer lacks
 * is an error naming the layer and what it supports; docs/explain.md lists
 * every layer's rules. A stateful recurrent layer on the way to the
 * explained output is refused before anything runs (its relevance would
 * flow into the state carried over from earlier calls); explain a copy
 * built without `stateful`. Every layer's state is left exactly as found,
 * also when it throws (the forward pass runs in inference mode).
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, lrp, zeroRule } from 'myelin';
 * const model = sequential([
 *   dense(2, 2, { activation: relu, kernel: [[1, 0], [1, -1]], useBias: false }),
 *   dense(2, 1, { kernel: [[1], [1]], useBias: false }),
 * ]);
 * // hidden = relu(3, -1) = (3, 0); output 3; back to x = (1, 2): (1, 2)
 * const r = lrp(model, [[1, 2]], { rules: zeroRule() });
 * r.relevance.toArray(); // [[1, 2]]
 * r.conservation.input; // [3]: all of the output's 3
 * ```
 */
export function lrp(model: Model, x: TensorLike, options: LrpOptions = {}): LrpResult {
  const fn = 'lrp';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KEYS);
  // Token ids are accepted: an embedding layer gives each id position its vector's relevance.
  const [m, xt] = explainInput(fn, model, x, true);
  const outIdx = outputIndex(fn, m, options.output);
  const rules = options.rules ?? lrpEpsilon();
  if (typeof rules !== 'function') checkRule(fn, 'rules', rules);
  const byName = options.layerRules ?? {};
  if (typeof byName !== 'object' || byName === null || Array.isArray(byName))
    fail(fn, 'layerRules', 'an object of rules by layer name', byName);
  for (const [name, r] of Object.entries(byName)) {
    if (!m.layerNames.includes(name))
      throw new ValueError(
        `${fn}: layerRules names a layer ${JSON.stringify(name)} the model does not have; its layers are ${m.layerNames.join(', ')}`,
      );
    checkRule(fn, `layerRules.${name}`, r);
  }

  const rows = xt.shape[0]!;
  const plan = planFor(m, [xt.shape.slice(1)], [xt.dtype]);
  const outVal = plan.outputs[outIdx]!;

  // Which nodes lead to the explained output (only those are visited).
  const needed = plan.values.map(() => false);
  needed[outVal] = true;
  const visit = plan.nodes.map(() => false);
  for (let k = plan.nodes.length - 1; k >= 0; k--) {
    const node = plan.nodes[k]!;
    if (!node.outputs.some((v) => needed[v])) continue;
    visit[k] = true;
    for (const v of node.inputs) needed[v] = true;
  }
  // A stateful layer starts from the state earlier calls left it: relevance
  // would have to flow into that state, which no input explains. Refused
  // before anything runs.
  plan.nodes.forEach((node, k) => {
    if (!visit[k] || node.layer.batchRows === undefined) return;
    const name = m.layerNames[m.nodes[k]!.layerIndex]!;
    throw new ValueError(
      `${fn}: layer "${name}" (${node.layer.kind}) is stateful, and stateful layers are not supported (relevance would flow into the state carried over from earlier calls, which no input explains); explain a copy of the model built without stateful (same weights: it starts from zero state, as this one does after resetStates()), or use a gradient attribution (saliency, integratedGradients), which explains it from the state it holds`,
    );
  });
  checkStatefulRows(fn, m, rows);
  return keepingState(m, () => propagate(fn, m, xt, plan, outVal, visit, rules, byName, options));
}

function propagate(
  fn: string,
  m: Model,
  xt: Tensor,
  plan: Plan,
  outVal: number,
  visit: readonly boolean[],
  rules: RuleComposite | RelevanceRule,
  byName: Readonly<Record<string, RelevanceRule>>,
  options: LrpOptions,
): LrpResult {
  const rows = xt.shape[0]!;
  const b = buffersFor(plan, rows);
  copyRows(xt, 0, rows, b.values[plan.inputs[0]!]!);
  runForward(plan, b, false, defaultRng());

  const size = plan.values[outVal]!.size;
  const y = b.values[outVal]!;
  const w = outputWeighting(fn, options, y, rows, size);

  // Relevance per value, in float64 whatever the model's dtype.
  const rel: Float64Array[] = plan.values.map((v) => new Float64Array(rows * v.size));
  const seed = rel[outVal]!;
  for (let i = 0; i < seed.length; i++) seed[i] = y[i]! * w[i]!;

  // Values computed from the model input by parameter-free layers only: the
  // first layer with parameters on such a value is "at the input" (zB).
  const raw = plan.values.map(() => false);
  for (const v of plan.inputs) raw[v] = true;
  const atInput = plan.nodes.map((node) => {
    const fromRaw = node.inputs.some((v) => raw[v]);
    if (node.params.length === 0 && node.inputs.every((v) => raw[v]))
      for (const v of node.outputs) raw[v] = true;
    return node.params.length > 0 && fromRaw;
  });

  const report: (LayerConservation | null)[] = plan.nodes.map(() => null);
  for (let k = plan.nodes.length - 1; k >= 0; k--) {
    if (!visit[k]) continue;
    const node = plan.nodes[k]!;
    const c = node.compiled;
    const modelNode = m.nodes[k]!;
    const name = m.layerNames[modelNode.layerIndex]!;
    const ctx: LayerRuleContext = {
      name,
      layer: node.layer,
      family: c.relevanceFamily ?? (node.params.length === 0 ? 'passthrough' : node.layer.kind),
      atInput: atInput[k]!,
      rules: c.relevanceRules ?? null,
    };
    const given = byName[name];
    const rule =
      given ??
      (typeof rules === 'function'
        ? checkRule(fn, `the rule the composite gave layer "${name}"`, rules(ctx))
        : rules);
    if (c.relevance === undefined)
      throw new ValueError(
        `${fn}: layer "${name}" (${node.layer.kind}) does not implement relevance propagation, so no rule (${rule.name}) applies to it; explain this model with occlusion (it takes token ids too), with the gradient attributions on float inputs, or, for attention weights, attentionRollout`,
      );
    const relIn: FloatArray[] = node.inputs.map(
      (v) => new Float64Array(rows * plan.values[v]!.size),
    );
    const io: RelevanceIO = {
      ...b.io[k]!,
      relevanceOutputs: node.outputs.map((v) => rel[v]!),
      relevanceInputs: relIn,
    };
    if (!c.relevance(io, rule)) {
      const supported = c.relevanceRules;
      throw new ValueError(
        `${fn}: layer "${name}" (${node.layer.kind}) has no relevance rule ${JSON.stringify(rule.name)}; ${
          supported === undefined || supported.length === 0
            ? 'it supports none'
            : `it supports ${supported.join(', ')}`
        }`,
      );
    }
    let outSum = 0;
    for (const v of node.outputs) outSum += total(rel[v]!);
    let inSum = 0;
    node.inputs.forEach((v, i) => {
      const src = relIn[i]!;
      const dst = rel[v]!;
      for (let j = 0; j < dst.length; j++) dst[j] = dst[j]! + src[j]!;
      inSum += total(src);
    });
    report[k] = {
      layer: name,
      kind: node.layer.kind,
      rule: rule.name,
      output: outSum,
      input: inSum,
    };
  }
  const inRel = rel[plan.inputs[0]!]!;
  for (let i = 0; i < inRel.length; i++)
    if (Number.isNaN(inRel[i]))
      throw new ValueError(
        `${fn}: the relevance became NaN (at input element ${i}); check the model's output for ${show(NaN)} values`,
      );
  // In the dtype the model computes its output in (float64 for a float64 model fed plain arrays).
  const dtype = plan.values[outVal]!.dtype;
  return {
    relevance: tensorOf(inRel, xt.shape, dtype),
    output: tensorOf(y, [rows, ...plan.values[outVal]!.shape], dtype),
    conservation: {
      layers: report.filter((r): r is LayerConservation => r !== null),
      output: rowSums(seed, rows),
      input: rowSums(inRel, rows),
    },
  };
}
