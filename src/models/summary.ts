import { fmtShape } from '../_lib/shape.js';
import type { Activation } from '../activations/define.js';
import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import { outputShapesOf } from '../layers/_run.js';
import type { Model, ValueRef } from './model.js';
import { checkModel } from './predict.js';

/** Per node, its per-sample output shape, or null where no input shape is known. */
function nodeShapes(model: Model): (readonly number[] | null)[] {
  const values: (readonly number[] | null)[][] = [];
  const get = (r: ValueRef): readonly number[] | null =>
    r.node === -1 ? (model.inputs[r.output]?.shape ?? null) : (values[r.node]?.[r.output] ?? null);
  model.nodes.forEach((node, k) => {
    let ins = node.inputs.map(get);
    // A sequential model without a declared input starts at the first layer that declares one.
    if (k === 0 || model.kind === 'sequential') ins = ins.map((s) => s ?? node.layer.inputShape);
    let out: (readonly number[] | null)[] = [null];
    if (ins.every((s) => s !== null)) {
      try {
        out = outputShapesOf(node.layer, ins, model.inputs[0]?.dtype ?? 'float32');
      } catch {
        out = [null];
      }
    }
    values.push(out);
  });
  return values.map((v) => v[0] ?? null);
}

/** `dense (relu)`: the kind, with the activation a layer applies. */
function describe(layer: Layer): string {
  const act = (layer as { activation?: Partial<Activation> }).activation;
  const name = typeof act?.activationName === 'string' ? act.activationName : null;
  const kind = name === null || name === 'identity' ? layer.kind : `${layer.kind} (${name})`;
  return layer.trainable ? kind : `${kind}, frozen`;
}

function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A printable table of a model, as Keras's `model.summary()`: per layer
 * application its index, the layer's unique name, its kind with the
 * activation it applies (`dense (relu)`; `, frozen` when not trainable), its
 * per-sample output shape (batch dimension left out; `?` where no input shape
 * is known), its parameter count (each weight counted once: a shared layer's
 * under its first application, a layer also held by a wrapper under the
 * first of the two) and, for graph models, where its inputs come from;
 * then the total, trainable and frozen parameter counts, and the number of
 * state values the layers own
 * (batch norm's running statistics, a stateful recurrent layer's carried
 * state; Keras counts these as non-trainable params) when there are any.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, summary } from 'myelin';
 * console.log(summary(sequential([dense(64, 32, { activation: relu }), dense(32, 10)])));
 * // #  name     layer         output shape  params
 * // ----------------------------------------------
 * // 0  dense    dense (relu)  [32]           2,080
 * // 1  dense_1  dense         [10]             330
 * // ----------------------------------------------
 * // total params: 2,410 (trainable 2,410, frozen 0)
 * ```
 */
export function summary(model: Model): string {
  checkModel('summary', model);
  const shapes = nodeShapes(model);
  const graph = model.kind === 'graph';
  // Parameters are counted once each, by tensor: a layer applied twice, or
  // held by a wrapper and also applied on its own (`timeDistributed(d)` and
  // `d`), adds its weights once, as Keras counts the model's unique weights.
  const counted = new Set<Layer>();
  const seen = new Set<Tensor>();
  let total = 0;
  let trainable = 0;
  let state = 0;
  const source = (r: ValueRef): string => {
    if (r.node === -1) return model.inputs[r.output]?.name ?? `input ${r.output}`;
    const n = model.nodes[r.node]!;
    const name = model.layerNames[n.layerIndex]!;
    return n.outputs > 1 ? `${name}[${r.output}]` : name;
  };
  const rows = model.nodes.map((node, i) => {
    const layer = node.layer;
    let count = 0;
    if (!counted.has(layer)) {
      counted.add(layer);
      for (const t of Object.values(layer.params)) {
        if (seen.has(t)) continue;
        seen.add(t);
        count += t.size;
      }
      for (const t of Object.values(layer.state ?? {})) {
        if (seen.has(t)) continue;
        seen.add(t);
        state += t.size;
      }
      total += count;
      if (layer.trainable) trainable += count;
    }
    const shape = shapes[i];
    const row = [
      String(i),
      model.layerNames[node.layerIndex]!,
      describe(layer),
      shape === null || shape === undefined ? '?' : fmtShape(shape),
      group(count),
    ];
    if (graph) row.push(node.inputs.map(source).join(', '));
    return row;
  });
  const head = ['#', 'name', 'layer', 'output shape', 'params'];
  if (graph) head.push('inputs');
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  // Numbers right-aligned, text left-aligned.
  const fmt = (r: readonly string[]): string =>
    r
      .map((cell, c) => (c === 0 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  return [
    fmt(head),
    rule,
    ...rows.map(fmt),
    rule,
    `total params: ${group(total)} (trainable ${group(trainable)}, frozen ${group(total - trainable)})` +
      (state > 0 ? `; state: ${group(state)} values, never trained` : ''),
  ].join('\n');
}
