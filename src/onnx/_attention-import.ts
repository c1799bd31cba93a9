import type { OnnxNode, OnnxTensor } from './_model.js';

// Finds, in an ONNX graph, the multi-head attention subgraph that toOnnx
// writes (see _attention.ts): per head softmax(scale·Q·Kᵀ (+ causal))·V
// between MatMul(+Add) projections, Reshape/Transpose to heads and back. Each
// intermediate must be read once, every constant must be what the layer
// would write (the scale 1/√keyDim, the causal −∞ mask, the reshape sizes):
// then the nodes are one multiHeadAttention layer again.

/** One found attention: its inputs, sizes and weights (ONNX [in, out] kernels, myelin's layout). */
export interface FoundAttention {
  readonly query: string;
  readonly key: string;
  readonly value: string;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly causal: boolean;
  readonly kernels: readonly [OnnxTensor, OnnxTensor, OnnxTensor, OnnxTensor];
  /** Biases of the query, key, value and output projections (null where there is none). */
  readonly biases: readonly [
    OnnxTensor | null,
    OnnxTensor | null,
    OnnxTensor | null,
    OnnxTensor | null,
  ];
}

const same = (a: ArrayLike<number>, b: readonly number[]): boolean =>
  a.length === b.length && b.every((v, i) => a[i] === v);

/**
 * The attentions in `order` (topologically sorted), keyed by the last node of
 * each (the output projection's MatMul or Add); the other nodes of a match go
 * into `folded`.
 */
export function findAttentions(
  order: readonly OnnxNode[],
  constOf: (name: string) => OnnxTensor | undefined,
  uses: ReadonlyMap<string, number>,
  folded: Set<OnnxNode>,
): Map<OnnxNode, FoundAttention> {
  const found = new Map<OnnxNode, FoundAttention>();
  const producer = new Map<string, OnnxNode>();
  const readers = new Map<string, OnnxNode[]>();
  for (const n of order) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  }
  /** The node making `name`, if it is `op` and `name` is read once (by the pattern). */
  const made = (name: string | undefined, op: string): OnnxNode | null => {
    if (name === undefined) return null;
    const p = producer.get(name);
    return p?.op === op && (uses.get(name) ?? 0) === 1 ? p : null;
  };
  const only = (name: string | undefined, op: string): OnnxNode | null => {
    if (name === undefined) return null;
    const r = readers.get(name);
    return (uses.get(name) ?? 0) === 1 && r?.length === 1 && r[0]!.op === op ? r[0]! : null;
  };
  const permOf = (n: OnnxNode): readonly number[] | null => {
    const a = n.attrs.get('perm');
    return a?.kind === 'ints' ? a.value : null;
  };
  /** x·W (+ b) ending at `name`: [x, W, b | null, its nodes]. */
  const projection = (
    name: string | undefined,
  ): [string, OnnxTensor, OnnxTensor | null, OnnxNode[]] | null => {
    const add = made(name, 'Add');
    let mm: OnnxNode | null;
    let bias: OnnxTensor | null = null;
    if (add !== null) {
      const [a, b] = add.inputs;
      mm = made(a, 'MatMul');
      bias = b === undefined ? null : (constOf(b) ?? null);
      if (mm === null || bias === null || bias.dims.length !== 1) return null;
    } else mm = made(name, 'MatMul');
    if (mm === null) return null;
    const w = constOf(mm.inputs[1] ?? '');
    if (w === undefined || w.dims.length !== 2) return null;
    if (bias !== null && bias.dims[0] !== w.dims[1]) return null;
    return [mm.inputs[0]!, w, bias, add === null ? [mm] : [mm, add]];
  };
  /** Transpose(perm)(Reshape(projection, [0, t, H, d])): [projection, t, H, d, its nodes]. */
  const toHeads = (
    name: string | undefined,
    perm: readonly number[],
  ): [NonNullable<ReturnType<typeof projection>>, number, number, number, OnnxNode[]] | null => {
    const tr = made(name, 'Transpose');
    if (tr === null || !same(permOf(tr) ?? [], perm)) return null;
    const rs = made(tr.inputs[0], 'Reshape');
    const shape = rs === null ? undefined : constOf(rs.inputs[1] ?? '');
    if (rs === null || shape === undefined || shape.data.length !== 4 || shape.data[0] !== 0)
      return null;
    const [, t, H, d] = Array.from(shape.data) as [number, number, number, number];
    const p = projection(rs.inputs[0]);
    if (p === null || p[1].dims[1] !== H * d) return null;
    return [p, t, H, d, [tr, rs]];
  };

  for (const sm of order) {
    if (sm.op !== 'Softmax') continue;
    const ax = sm.attrs.get('axis');
    if (ax?.kind !== 'int' || ax.value !== -1) continue;
    // Scores: Mul(MatMul(q, kT), scale), then perhaps Add(causal mask).
    let sIn = sm.inputs[0];
    let causalNode: OnnxNode | null = null;
    let mask: OnnxTensor | undefined;
    const addMask = made(sIn, 'Add');
    if (addMask !== null) {
      causalNode = addMask;
      mask = constOf(addMask.inputs[1] ?? '');
      sIn = addMask.inputs[0];
    }
    const mul = made(sIn, 'Mul');
    const scale = mul === null ? undefined : constOf(mul.inputs[1] ?? '');
    const qk = mul === null ? null : made(mul.inputs[0], 'MatMul');
    if (mul === null || scale === undefined || scale.data.length !== 1 || qk === null) continue;
    const q = toHeads(qk.inputs[0], [0, 2, 1, 3]);
    const k = toHeads(qk.inputs[1], [0, 2, 3, 1]);
    // Weights · V, back to [N, tq, H·dv], the output projection.
    const wv = only(sm.outputs[0], 'MatMul');
    if (q === null || k === null || wv === null || wv.inputs[0] !== sm.outputs[0]) continue;
    const v = toHeads(wv.inputs[1], [0, 2, 1, 3]);
    const back = only(wv.outputs[0], 'Transpose');
    if (v === null || back === null || !same(permOf(back) ?? [], [0, 2, 1, 3])) continue;
    const join = only(back.outputs[0], 'Reshape');
    const mmOut = only(join?.outputs[0], 'MatMul');
    if (join === null || mmOut === null || mmOut.inputs[0] !== join.outputs[0]) continue;
    const H = q[2];
    const dk = q[3];
    const dv = v[3];
    const [tq, tk] = [q[1], k[1]];
    const joinShape = constOf(join.inputs[1] ?? '');
    if (
      k[2] !== H ||
      k[3] !== dk ||
      v[2] !== H ||
      v[1] !== tk ||
      joinShape === undefined ||
      !same(joinShape.data, [0, tq, H * dv]) ||
      scale.data[0] !== Math.fround(1 / Math.sqrt(dk))
    )
      continue;
    if (causalNode !== null) {
      // Exactly the causal mask: −∞ above the diagonal, 0 elsewhere.
      if (mask === undefined || !same(mask.dims, [tq, tk])) continue;
      let ok = true;
      for (let i = 0; i < tq && ok; i++)
        for (let j = 0; j < tk; j++)
          if (mask.data[i * tk + j] !== (j > i ? -Infinity : 0)) {
            ok = false;
            break;
          }
      if (!ok) continue;
    }
    const wo = constOf(mmOut.inputs[1] ?? '');
    if (wo === undefined || wo.dims.length !== 2 || wo.dims[0] !== H * dv) continue;
    let last = mmOut;
    let bo: OnnxTensor | null = null;
    const addOut = only(mmOut.outputs[0], 'Add');
    if (addOut !== null && addOut.inputs[0] === mmOut.outputs[0]) {
      const b = constOf(addOut.inputs[1] ?? '');
      if (b !== undefined && b.dims.length === 1 && b.dims[0] === wo.dims[1]) {
        bo = b;
        last = addOut;
      }
    }
    const nodes = [
      ...q[0][3],
      ...q[4],
      ...k[0][3],
      ...k[4],
      ...v[0][3],
      ...v[4],
      qk,
      mul,
      ...(causalNode === null ? [] : [causalNode]),
      sm,
      wv,
      back,
      join,
      mmOut,
    ];
    for (const n of nodes) if (n !== last) folded.add(n);
    found.set(last, {
      query: q[0][0],
      key: k[0][0],
      value: v[0][0],
      numHeads: H,
      keyDim: dk,
      valueDim: dv,
      causal: causalNode !== null,
      kernels: [q[0][1], k[0][1], v[0][1], wo],
      biases: [q[0][2], k[0][2], v[0][2], bo],
    });
  }
  return found;
}
