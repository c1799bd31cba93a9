import { assertKnownKeys, assertNumber, assertOptions, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { TensorData } from '../_lib/typed.js';
import type { TensorLike } from '../tensor/create.js';
import { rowsOf } from './_labels.js';
import { dataTensor } from './_tensor.js';
import { bincount, labelsWithClasses } from './weights.js';

/** Options of {@link checkDataset}. */
export interface CheckDatasetOptions {
  /** Test (or validation) inputs, same features as x: a row found in both is leakage (see {@link checkDataset} for how float32 and float64 rows compare). */
  xTest?: TensorLike;
  /**
   * A feature is near-constant when one value fills at least this fraction
   * of its rows (missing values aside) without filling all of them.
   * Default 0.95.
   */
  nearConstant?: number;
  /** Flag class imbalance when the largest class has more than this many times the samples of the smallest. Default 1.5. */
  imbalanceRatio?: number;
  /** Number of classes, when the highest ones may be absent from y (see `computeClassWeight`). */
  numClasses?: number;
}

/** How the samples divide among the classes (from `y`). */
export interface ClassBalance {
  /** Samples per class, indexed by class. */
  readonly counts: readonly number[];
  /** counts / samples. */
  readonly fractions: readonly number[];
  /** The class with the most samples (the smallest label on ties). */
  readonly majority: number;
  /** The present class with the fewest samples (the smallest label on ties). */
  readonly minority: number;
  /** counts[majority] / counts[minority]: 1 for perfect balance. */
  readonly ratio: number;
  /** Classes in 0..C−1 with no samples at all. */
  readonly absent: readonly number[];
}

/** Rows of x that repeat an earlier row exactly (NaN equals NaN here, and 0 equals −0). */
export interface DuplicateRows {
  /** Rows equal to an earlier row: total rows minus distinct rows. */
  readonly count: number;
  /** Each set of identical rows (two or more), as ascending row indices, ordered by first row. */
  readonly groups: readonly (readonly number[])[];
  /** The groups whose rows have different labels (with `y`): the same input, told two answers. */
  readonly conflicting: readonly (readonly number[])[];
}

/** Test rows that also occur in the training rows: the model is tested on data it trained on. */
export interface Leakage {
  /** Test rows equal to some training row. */
  readonly count: number;
  /** Rows of xTest. */
  readonly testRows: number;
  /** Each leaked test row with the first training row it equals. */
  readonly pairs: readonly { readonly test: number; readonly train: number }[];
}

/** Counts of some kind of value (missing, infinite) in x. */
export interface ValueCounts {
  /** Values in all of x. */
  readonly total: number;
  /** Rows holding at least one. */
  readonly rows: number;
  /** Per feature (column of the flattened rows). */
  readonly perFeature: readonly number[];
}

/** A feature dominated by one value. */
export interface NearConstantFeature {
  readonly feature: number;
  /** Its most frequent value. */
  readonly value: number;
  /** Share of the feature's non-missing rows holding that value. */
  readonly fraction: number;
}

/** What {@link checkDataset} found. */
export interface DatasetReport {
  readonly samples: number;
  /** Values per row (trailing dimensions of x flattened). */
  readonly features: number;
  /** Present when labels `y` were given. */
  readonly classBalance?: ClassBalance;
  readonly duplicates: DuplicateRows;
  /** Present when `xTest` was given. */
  readonly leakage?: Leakage;
  /** Features with a single value in every row (missing values aside; a feature missing everywhere counts too). */
  readonly constantFeatures: readonly number[];
  readonly nearConstantFeatures: readonly NearConstantFeature[];
  /** NaN values. */
  readonly missing: ValueCounts;
  /** ±Infinity values. */
  readonly infinite: ValueCounts;
  /** One line per problem found, in plain words; empty when nothing was found. */
  readonly warnings: readonly string[];
}

// Rows are compared by a 32-bit hash of their values first and exactly only
// within a bucket: a string key per row would cost ~20 bytes per value.
const f64 = /* @__PURE__ */ new Float64Array(1);
const u32 = /* @__PURE__ */ new Uint32Array(f64.buffer);

function hashRow(data: TensorData, start: number, width: number): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < width; j++) {
    const v = data[start + j]!;
    // −0 and every NaN payload hash like 0 and NaN: they compare equal below.
    f64[0] = v === 0 ? 0 : Number.isNaN(v) ? NaN : v;
    h = Math.imul(h ^ u32[0]!, 0x01000193);
    h = Math.imul(h ^ u32[1]!, 0x01000193);
  }
  return h >>> 0;
}

function sameRow(a: TensorData, ai: number, b: TensorData, bi: number, width: number): boolean {
  for (let j = 0; j < width; j++) {
    const u = a[ai + j]!;
    const v = b[bi + j]!;
    if (u !== v && !(Number.isNaN(u) && Number.isNaN(v))) return false;
  }
  return true;
}

/** Groups the rows of `data` into sets of identical rows; `rep[i]` is the first row equal to row i. */
function indexRows(
  data: TensorData,
  n: number,
  width: number,
): { buckets: Map<number, number[]>; rep: Int32Array } {
  const buckets = new Map<number, number[]>();
  const rep = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = hashRow(data, i * width, width);
    let firsts = buckets.get(h);
    if (firsts === undefined) buckets.set(h, (firsts = []));
    const first = firsts.find((r) => sameRow(data, r * width, data, i * width, width));
    if (first === undefined) {
      firsts.push(i);
      rep[i] = i;
    } else rep[i] = first;
  }
  return { buckets, rep };
}

function countValues(
  data: TensorData,
  n: number,
  width: number,
  is: (v: number) => boolean,
): ValueCounts {
  const perFeature = new Array<number>(width).fill(0);
  let total = 0;
  let rows = 0;
  for (let i = 0; i < n; i++) {
    let inRow = false;
    for (let j = 0; j < width; j++) {
      if (is(data[i * width + j]!)) {
        perFeature[j]!++;
        total++;
        inRow = true;
      }
    }
    if (inRow) rows++;
  }
  return { total, rows, perFeature };
}

const list = (items: readonly number[], max = 10): string =>
  items.slice(0, max).join(', ') + (items.length > max ? `, … (${items.length} in all)` : '');

const pct = (f: number): string => `${(f * 100).toFixed(1)}%`;

/**
 * Checks a data set before training, for the problems that quietly spoil a
 * model: class imbalance, duplicate rows (and duplicates with conflicting
 * labels), rows shared between the training and test sets (leakage: the
 * test score then overstates how the model does on new data), constant and
 * near-constant features (they carry little or no information, and break
 * standardization), and missing (NaN) or infinite values. Returns one report
 * object; {@link formatDatasetReport} prints it.
 *
 * Rows are compared exactly, value by value (NaN equal to NaN); x of rank
 * > 2 (images) is compared on its flattened rows. Plain arrays are read as
 * float64, so rows that differ only past float32's 24 bits (1700000001 and
 * 1700000002, as `readCsv` returns them) stay distinct; a tensor keeps its
 * dtype. When one of x and xTest is float32 and the other is not, their rows
 * are compared at float32, so a `tensor(rows)` copy of a training row still
 * counts as leaked.
 *
 * @param x Inputs, one row per sample.
 * @param y Optional integer class labels or one-hot rows, one per row of x.
 * @example
 * ```ts
 * import { checkDataset, formatDatasetReport } from 'myelin';
 * const x = [[0, 1], [0, 2], [0, 1], [0, 3]];
 * const report = checkDataset(x, [0, 0, 1, 0], { xTest: [[0, 3], [0, 9]] });
 * report.duplicates.conflicting; // [[0, 2]]: the same row labelled 0 and 1
 * report.leakage!.count;         // 1: test row 0 is training row 3
 * report.constantFeatures;       // [0]
 * console.log(formatDatasetReport(report));
 *
 * // plain arrays are compared in float64: three distinct rows, column 1 constant
 * checkDataset([[1700000001, 0.5], [1700000002, 0.5], [1700000003, 0.5]]).duplicates.count; // 0
 * ```
 */
export function checkDataset(
  x: TensorLike,
  y?: TensorLike,
  options: CheckDatasetOptions = {},
): DatasetReport {
  const fn = 'checkDataset';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [
    'xTest',
    'nearConstant',
    'imbalanceRatio',
    'numClasses',
  ]);
  const nearConstant = assertNumber(fn, 'nearConstant', options.nearConstant ?? 0.95, {
    min: 0,
    max: 1,
    minExclusive: true,
  });
  const imbalanceRatio = assertNumber(fn, 'imbalanceRatio', options.imbalanceRatio ?? 1.5, {
    min: 1,
  });
  const tx = dataTensor(fn, 'x', x);
  if (tx.rank === 0) throw new ShapeError(`${fn}: x must have a sample dimension, got a scalar`);
  const n = rowsOf(tx);
  if (n === 0)
    throw new ValueError(`${fn}: x must hold at least one row, got shape ${fmtShape(tx.shape)}`);
  const width = tx.size / n;
  const data = tx.data;
  const warnings: string[] = [];

  let labels: Int32Array | undefined;
  let classBalance: ClassBalance | undefined;
  if (y !== undefined) {
    const ty = dataTensor(fn, 'y', y);
    const { y: l, classes } = labelsWithClasses(fn, ty, options.numClasses, 'y');
    if (l.length !== n) throw new ShapeError(`${fn}: y has ${l.length} labels but x has ${n} rows`);
    labels = l;
    classBalance = balanceOf(l, classes);
    const { counts, majority, minority, ratio, absent } = classBalance;
    if (ratio > imbalanceRatio)
      warnings.push(
        `class imbalance: class ${majority} has ${counts[majority]} samples, class ${minority} only ${counts[minority]} (ratio ${ratio.toFixed(1)})`,
      );
    if (absent.length > 0) warnings.push(`classes with no samples: ${list(absent)}`);
  } else if (options.numClasses !== undefined) {
    throw new ValueError(`${fn}: numClasses needs labels y, got none`);
  }

  const { buckets, rep } = indexRows(data, n, width);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = rep[i]!;
    const m = members.get(r);
    if (m === undefined) members.set(r, [i]);
    else m.push(i);
  }
  const groups = [...members.values()].filter((g) => g.length > 1).sort((a, b) => a[0]! - b[0]!);
  const conflicting =
    labels === undefined ? [] : groups.filter((g) => g.some((i) => labels[i] !== labels[g[0]!]));
  const duplicates: DuplicateRows = {
    count: n - members.size,
    groups,
    conflicting,
  };
  if (duplicates.count > 0)
    warnings.push(
      `${duplicates.count} duplicate row${duplicates.count === 1 ? '' : 's'} (${groups.length} group${groups.length === 1 ? '' : 's'} of identical rows${labels === undefined ? '' : `, ${conflicting.length} with conflicting labels`})`,
    );

  let leakage: Leakage | undefined;
  if (options.xTest !== undefined) {
    const tt = dataTensor(fn, 'xTest', options.xTest);
    const m = tt.rank === 0 ? 0 : rowsOf(tt);
    if (tt.rank === 0 || (m > 0 && tt.size / m !== width))
      throw new ShapeError(
        `${fn}: xTest must have rows of ${width} values like x ${fmtShape(tx.shape)}, got shape ${fmtShape(tt.shape)}`,
      );
    // Rows of different precision meet at the lower one: a float32 copy of a
    // row (tensor(rows) rounds to float32) still leaks the row it came from.
    let trainData = data;
    let testData = tt.data;
    let trainBuckets = buckets;
    if (tx.dtype !== tt.dtype && (tx.dtype === 'float32' || tt.dtype === 'float32')) {
      if (tx.dtype !== 'float32') {
        trainData = Float32Array.from(data);
        trainBuckets = indexRows(trainData, n, width).buckets;
      } else testData = Float32Array.from(testData);
    }
    const pairs: { test: number; train: number }[] = [];
    for (let i = 0; i < m; i++) {
      const firsts = trainBuckets.get(hashRow(testData, i * width, width));
      const train = firsts?.find((r) => sameRow(trainData, r * width, testData, i * width, width));
      if (train !== undefined) pairs.push({ test: i, train });
    }
    leakage = { count: pairs.length, testRows: m, pairs };
    if (pairs.length > 0)
      warnings.push(
        `leakage: ${pairs.length} of ${m} test rows (${pct(pairs.length / m)}) also occur in the training rows`,
      );
  }

  const missing = countValues(data, n, width, Number.isNaN);
  const infinite = countValues(data, n, width, (v) => v === Infinity || v === -Infinity);
  const { constantFeatures, nearConstantFeatures } = featureSpread(data, n, width, nearConstant);
  if (constantFeatures.length > 0)
    warnings.push(
      `${constantFeatures.length} constant feature${constantFeatures.length === 1 ? '' : 's'}: ${list(constantFeatures)}`,
    );
  if (nearConstantFeatures.length > 0)
    warnings.push(
      `${nearConstantFeatures.length} near-constant feature${nearConstantFeatures.length === 1 ? '' : 's'} (one value in >= ${pct(nearConstant)} of rows): ${list(nearConstantFeatures.map((f) => f.feature))}`,
    );
  for (const [what, c] of [
    ['missing (NaN)', missing],
    ['infinite', infinite],
  ] as const) {
    if (c.total > 0) {
      const cols = c.perFeature.flatMap((k, j) => (k > 0 ? [j] : []));
      warnings.push(
        `${c.total} ${what} value${c.total === 1 ? '' : 's'} in ${c.rows} row${c.rows === 1 ? '' : 's'}, feature${cols.length === 1 ? '' : 's'} ${list(cols)}`,
      );
    }
  }

  return {
    samples: n,
    features: width,
    ...(classBalance === undefined ? {} : { classBalance }),
    duplicates,
    ...(leakage === undefined ? {} : { leakage }),
    constantFeatures,
    nearConstantFeatures,
    missing,
    infinite,
    warnings,
  };
}

function balanceOf(labels: Int32Array, classes: number): ClassBalance {
  const counts = bincount(labels, classes);
  let majority = 0;
  let minority = -1;
  counts.forEach((c, k) => {
    if (c > counts[majority]!) majority = k;
    if (c > 0 && (minority === -1 || c < counts[minority]!)) minority = k;
  });
  return {
    counts,
    fractions: counts.map((c) => c / labels.length),
    majority,
    minority,
    ratio: counts[majority]! / counts[minority]!,
    absent: counts.flatMap((c, k) => (c === 0 ? [k] : [])),
  };
}

function featureSpread(
  data: TensorData,
  n: number,
  width: number,
  nearConstant: number,
): { constantFeatures: number[]; nearConstantFeatures: NearConstantFeature[] } {
  const constantFeatures: number[] = [];
  const nearConstantFeatures: NearConstantFeature[] = [];
  const freq = new Map<number, number>();
  for (let j = 0; j < width; j++) {
    freq.clear();
    let present = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * width + j]!;
      if (Number.isNaN(v)) continue;
      present++;
      // + 0 maps −0 to 0, so the two count as one value.
      const key = v + 0;
      freq.set(key, (freq.get(key) ?? 0) + 1);
    }
    if (freq.size <= 1) {
      constantFeatures.push(j);
      continue;
    }
    let value = 0;
    let top = 0;
    for (const [v, c] of freq) {
      if (c > top || (c === top && v < value)) {
        top = c;
        value = v;
      }
    }
    if (top / present >= nearConstant)
      nearConstantFeatures.push({ feature: j, value, fraction: top / present });
  }
  return { constantFeatures, nearConstantFeatures };
}

/**
 * A {@link DatasetReport} as readable text: size, class balance, then each
 * check's result, then the warnings.
 *
 * @example
 * ```ts
 * import { checkDataset, formatDatasetReport } from 'myelin';
 * console.log(formatDatasetReport(checkDataset([[1, 0], [2, 0], [3, 0]], [0, 1, 1])));
 * // Data set: 3 samples, 2 features
 * // Classes: 0: 1 (33.3%), 1: 2 (66.7%); largest / smallest = 2.0
 * // ...
 * ```
 */
export function formatDatasetReport(report: DatasetReport): string {
  if (typeof report !== 'object' || report === null || !Array.isArray(report.warnings))
    throw new ValueError(
      `formatDatasetReport: report must be a report from checkDataset, got ${show(report)}`,
    );
  const lines: string[] = [`Data set: ${report.samples} samples, ${report.features} features`];
  const b = report.classBalance;
  if (b !== undefined) {
    const parts = b.counts.map((c, k) => `${k}: ${c} (${pct(b.fractions[k]!)})`);
    lines.push(`Classes: ${parts.join(', ')}; largest / smallest = ${b.ratio.toFixed(1)}`);
  }
  const d = report.duplicates;
  lines.push(
    `Duplicate rows: ${d.count}${d.count > 0 ? ` in ${d.groups.length} groups${b === undefined ? '' : `, ${d.conflicting.length} with conflicting labels`}` : ''}`,
  );
  const l = report.leakage;
  if (l !== undefined) lines.push(`Test rows also in training: ${l.count} of ${l.testRows}`);
  lines.push(
    `Constant features: ${report.constantFeatures.length === 0 ? 'none' : list(report.constantFeatures)}`,
  );
  lines.push(
    `Near-constant features: ${report.nearConstantFeatures.length === 0 ? 'none' : list(report.nearConstantFeatures.map((f) => f.feature))}`,
  );
  lines.push(
    `Missing values: ${report.missing.total === 0 ? 'none' : `${report.missing.total} in ${report.missing.rows} rows`}`,
  );
  if (report.infinite.total > 0)
    lines.push(`Infinite values: ${report.infinite.total} in ${report.infinite.rows} rows`);
  lines.push(
    report.warnings.length === 0
      ? 'No problems found.'
      : `Warnings:\n${report.warnings.map((w) => `  - ${w}`).join('\n')}`,
  );
  return lines.join('\n');
}
