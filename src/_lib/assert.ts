import { ValueError } from './errors.js';

/** Formats any value for an error message: short, and never throws. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const s = `[${value.slice(0, 8).map(show).join(',')}${value.length > 8 ? ',...' : ''}]`;
    return s;
  }
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return Object.prototype.toString.call(value);
  return typeof value;
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
