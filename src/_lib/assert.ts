import { ValueError } from './errors.js';

/**
 * Formats any value for an error message: short, and never throws (not even
 * on a circular or deeply nested array, a Proxy, or a hostile getter).
 * Arrays and plain objects show their first entries, two levels deep; a
 * tensor shows its dtype and shape (a SymbolicTensor, its dtype and
 * per-sample shape, named as such); other objects their class.
 */
export function show(value: unknown): string {
  try {
    return describe(value, 0);
  } catch {
    return typeof value;
  }
}

// Nested arrays and objects are shown this many levels deep, then as [...] or {...}.
const MAX_DEPTH = 2;

function describe(value: unknown, depth: number): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  // A boolean, bigint, symbol, null or undefined: String() shows each as written.
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH) return '[...]';
    const items = value.slice(0, 8).map((v) => describe(v, depth + 1));
    return `[${items.join(',')}${value.length > 8 ? ',...' : ''}]`;
  }
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  const { shape, dtype } = value as { shape?: unknown; dtype?: unknown };
  // A SymbolicTensor (a model's input or a layer's output in graph()) holds
  // no data and has a per-sample shape: say so, not "Tensor".
  if (Array.isArray(shape) && typeof dtype === 'string')
    return `a ${dtype} ${'data' in value ? 'Tensor of' : 'SymbolicTensor of per-sample'} shape [${shape.join(',')}]`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  if (proto === null || proto === Object.prototype) {
    if (depth > MAX_DEPTH) return '{...}';
    const keys = Object.keys(value);
    const items = keys
      .slice(0, 4)
      .map((k) => `${k}: ${describe((value as Record<string, unknown>)[k], depth + 1)}`);
    return `{${items.join(', ')}${keys.length > 4 ? ', ...' : ''}}`;
  }
  const name = proto.constructor?.name;
  return typeof name === 'string' && name !== ''
    ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`
    : 'an object';
}

/** Throws `fn: name must be <what>, got <value>` as a ValueError. */
export function fail(fn: string, name: string, expected: string, value: unknown): never {
  throw new ValueError(`${fn}: ${name} must be ${expected}, got ${show(value)}`);
}

export function assertInteger(fn: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(
      fn,
      name,
      min === 0
        ? 'a non-negative integer'
        : min === 1
          ? 'a positive integer'
          : `an integer >= ${min}`,
      value,
    );
  }
  return value;
}

export function assertPositiveInt(fn: string, name: string, value: unknown): number {
  return assertInteger(fn, name, value, 1);
}

/** A finite number, optionally within [min, max] (inclusive unless stated). */
export function assertNumber(
  fn: string,
  name: string,
  value: unknown,
  opts: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const { min, max, minExclusive = false, maxExclusive = false } = opts;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || (maxExclusive ? value < max : value <= max));
  if (!ok) {
    const lo = min === undefined ? '' : `${minExclusive ? '>' : '>='} ${min}`;
    const hi = max === undefined ? '' : `${maxExclusive ? '<' : '<='} ${max}`;
    const range = [lo, hi].filter(Boolean).join(' and ');
    fail(fn, name, range ? `a finite number ${range}` : 'a finite number', value);
  }
  return value;
}

/** A dtype name: 'float32' or 'float64'. */
export function assertDtype(fn: string, dtype: unknown): 'float32' | 'float64' {
  if (dtype !== 'float32' && dtype !== 'float64')
    fail(fn, 'dtype', '"float32" or "float64"', dtype);
  return dtype;
}

/** Any tensor dtype: 'float32', 'float64' or 'int32'. */
export function assertAnyDtype(fn: string, dtype: unknown): 'float32' | 'float64' | 'int32' {
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32')
    fail(fn, 'dtype', '"float32", "float64" or "int32"', dtype);
  return dtype;
}

/** An options object: an object that is neither null nor an array. */
export function assertOptions(
  fn: string,
  options: unknown,
  expected = 'an object',
): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail(fn, 'options', expected, options);
}

export function assertBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(fn, name, 'a boolean', value);
  return value;
}

export function assertOneOf<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(fn, name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

/** Rejects option keys the function does not know, so typos fail loudly. */
export function assertKnownKeys(
  fn: string,
  name: string,
  obj: object,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ValueError(
        `${fn}: unknown option ${JSON.stringify(key)} in ${name}; expected one of ${allowed.join(', ')}`,
      );
    }
  }
}
