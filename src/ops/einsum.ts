import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { matmul } from './matmul.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { permute } from './transpose.js';
import { operands, tensorArg } from './_util.js';

/** Sums away the axes of t whose letters `keep` rejects; returns the rest and their letters. */
function sumOut(t: Tensor, letters: string[], keep: (c: string) => boolean): [Tensor, string[]] {
  const axes = letters.flatMap((c, i) => (keep(c) ? [] : [i]));
  if (axes.length === 0) return [t, letters];
  return [sum(t, { axis: axes }), letters.filter(keep)];
}

/** t with its axes reordered from the letters `from` to the letters `to` (a permutation of them). */
function arrange(t: Tensor, from: string[], to: string[]): Tensor {
  if (from.every((c, i) => c === to[i])) return t;
  return permute(
    t,
    to.map((c) => from.indexOf(c)),
  );
}

/**
 * Einstein summation over one or two operands, as `torch.einsum` and
 * `np.einsum`: `'ij,jk->ik'` is a matrix product, `'bij,bjk->bik'` a batched
 * one, `'i,i->'` a dot product, `'i,j->ij'` an outer product, `'ij->ji'` a
 * transpose, `'ij->j'` a column sum, `'bhqd,bhkd->bhqk'` attention scores.
 * Each operand's axes are named by letters; letters shared by both operands
 * and absent from the output are summed over (contracted); without `->` the
 * output is the letters that occur once, in alphabetical order.
 *
 * A letter whose axis has size 1 in one operand and another size in the
 * other broadcasts, as in NumPy and PyTorch: `'bij,bjk->bik'` takes a
 * [1, 2, 2] and a [3, 2, 2] operand to [3, 2, 2] (the gradient of the size-1
 * operand sums over the broadcast axis).
 *
 * Supported: any one- or two-operand equation whose operands each name an
 * axis at most once. Not supported (a clear error): three or more operands,
 * `...` broadcasting, and a letter repeated within one operand (diagonals
 * and traces such as `'ii->'`; use {@link diag}). It runs as sums,
 * permutations and one batched {@link matmul}, so gradients come from those.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { einsum, tensor } from 'myelin';
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor([[5, 6], [7, 8]]);
 * einsum('ij,jk->ik', a, b).toArray(); // [[19, 22], [43, 50]] (matmul)
 * einsum('ij,ij->', a, b).item();      // 70 (Σ a⊙b)
 * einsum('ij->ji', a).toArray();       // [[1, 3], [2, 4]]
 * einsum('i,j', tensor([1, 2]), tensor([3, 4])).toArray(); // [[3, 4], [6, 8]]
 * ```
 */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  if (typeof equation !== 'string') {
    throw new ValueError(
      `einsum: equation must be a string such as "ij,jk->ik", got ${show(equation)}`,
    );
  }
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const parts = lhs.split(',');
  if (tensors.length !== parts.length || (tensors.length !== 1 && tensors.length !== 2)) {
    throw new ValueError(
      `einsum: equation ${show(equation)} names ${parts.length} operands and ${tensors.length} were given; one or two are supported`,
    );
  }
  const valid = /^[a-zA-Z]*$/;
  for (const part of [...parts, ...(arrow < 0 ? [] : [eq.slice(arrow + 2)])]) {
    if (!valid.test(part)) {
      throw new ValueError(
        `einsum: equation ${show(equation)} may use only letters, "," and "->" (no "..." broadcasting), got ${show(part)}`,
      );
    }
  }
  // Letters are ASCII (checked above), so split('') yields one per axis.
  const inputs = parts.map((p) => p.split(''));
  inputs.forEach((s, i) => {
    if (new Set(s).size !== s.length) {
      throw new ValueError(
        `einsum: operand ${i} names an axis twice in ${show(parts[i])}; diagonals and traces are not supported (use diag)`,
      );
    }
  });
  const counts = new Map<string, number>();
  for (const c of inputs.flat()) counts.set(c, (counts.get(c) ?? 0) + 1);
  const out =
    arrow < 0
      ? [...counts.keys()].filter((c) => counts.get(c) === 1).sort()
      : eq.slice(arrow + 2).split('');
  if (new Set(out).size !== out.length || out.some((c) => !counts.has(c))) {
    throw new ValueError(
      `einsum: the output ${show(out.join(''))} must name distinct axes that occur in the operands`,
    );
  }
  const ts: Tensor[] =
    tensors.length === 2
      ? // torch.einsum(',i->i', float64 scalar, float32 [3]) is float64: no 0-d rule
        operands('einsum', tensors[0], tensors[1], false)
      : [tensorArg('einsum', 'a', tensors[0])];
  ts.forEach((t, i) => {
    if (t.rank !== inputs[i]!.length) {
      throw new ShapeError(
        `einsum: operand ${i} has shape ${fmtShape(t.shape)} but ${show(parts[i])} names ${inputs[i]!.length} axes`,
      );
    }
  });
  const size = new Map<string, number>();
  inputs.forEach((s, i) => {
    s.forEach((c, k) => size.set(c, ts[i]!.shape[k]!));
  });
  if (ts.length === 2) {
    // A letter of size 1 in one operand and another size in the other broadcasts, as
    // in NumPy and PyTorch: that operand loses the axis (a reshape, whose gradient
    // is the sum over the broadcast axis) and the letter becomes the other's alone.
    const [sa, sb] = inputs as [string[], string[]];
    for (const c of sa.filter((ch) => sb.includes(ch))) {
      const da = ts[0]!.shape[sa.indexOf(c)]!;
      const db = ts[1]!.shape[sb.indexOf(c)]!;
      if (da === db) continue;
      if (da !== 1 && db !== 1) {
        throw new ShapeError(
          `einsum: axis ${show(c)} has size ${da} in operand 0 and ${db} in operand 1; sizes must match or one be 1`,
        );
      }
      const i = da === 1 ? 0 : 1;
      const s = inputs[i]!;
      const k = s.indexOf(c);
      ts[i] = reshape(
        ts[i]!,
        ts[i]!.shape.filter((_, j) => j !== k),
      );
      s.splice(k, 1);
      size.set(c, i === 0 ? db : da);
    }
  }
  if (ts.length === 1) {
    const [t, letters] = sumOut(ts[0]!, inputs[0]!, (c) => out.includes(c));
    return arrange(t, letters, out);
  }
  // Letters only one operand has and the output lacks are summed first.
  const [sa, sb] = inputs as [string[], string[]];
  const [a, la] = sumOut(ts[0]!, sa, (c) => out.includes(c) || sb.includes(c));
  const [b, lb] = sumOut(ts[1]!, sb, (c) => out.includes(c) || sa.includes(c));
  const batch = la.filter((c) => lb.includes(c) && out.includes(c));
  const contract = la.filter((c) => lb.includes(c) && !out.includes(c));
  const left = la.filter((c) => !lb.includes(c));
  const right = lb.filter((c) => !la.includes(c));
  const prodOf = (s: string[]): number => s.reduce((p, c) => p * size.get(c)!, 1);
  // The product below has the result's elements: check them here so that the
  // error names einsum (matmul would name itself).
  checkElements(
    'einsum',
    `the result of shape ${fmtShape(out.map((c) => size.get(c)!))}`,
    prodOf(out),
  );
  // [batch, left, contract] x [batch, contract, right] = [batch, left, right].
  const am = reshape(arrange(a, la, [...batch, ...left, ...contract]), [
    prodOf(batch),
    prodOf(left),
    prodOf(contract),
  ]);
  const bm = reshape(arrange(b, lb, [...batch, ...contract, ...right]), [
    prodOf(batch),
    prodOf(contract),
    prodOf(right),
  ]);
  const letters = [...batch, ...left, ...right];
  const c = reshape(
    matmul(am, bm),
    letters.map((ch) => size.get(ch)!),
  );
  return arrange(c, letters, out);
}
