import { ModelFormatError } from '../_lib/errors.js';
import type { Activation, ActivationConfig } from '../activations/define.js';
import {
  at,
  formatError,
  mustBe,
  readNumber,
  readObject,
  readRecord,
  readString,
  type Where,
} from './_check.js';
import type { JSONValue } from './format.js';

// Loading `{ kind, config }` objects (initializers, regularizers, schedules)
// and activations by name. The pattern is always: check the shape of the
// field, look the kind up, build it with its own factory (which checks
// ranges), then compare the built object's config with the saved one, so a
// config the factory would silently ignore or complete (an unknown or missing
// field) is still rejected.

/** Rebuilds an object of one kind from its numeric config. */
export type KindFactory<T> = (config: Readonly<Record<string, number>>) => T;

/**
 * Runs a factory, turning what it throws for a bad setting (a ValueError or
 * ShapeError, or any other Error) into a ModelFormatError at `w`: a model file
 * fails with ModelFormatError, never with whatever the factory throws.
 */
export function build<T>(w: Where, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ModelFormatError || !(e instanceof Error)) throw e;
    formatError(w, `is invalid: ${e.message}`);
  }
}

/** Structural equality of JSON-like values (numbers by ===, so -0 equals 0 as after a JSON round trip). */
export function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => sameJSON(v, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a),
    kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        sameJSON((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/**
 * Checks that a rebuilt object's config equals the saved one key for key:
 * a saved key the object does not have is unknown, a key it has that the file
 * lacks is missing, and a value that came out different was not accepted as given.
 */
export function checkRebuiltConfig(
  w: Where,
  saved: Readonly<Record<string, unknown>>,
  rebuilt: Readonly<Record<string, unknown>>,
): void {
  for (const key of Object.keys(saved)) {
    if (!Object.hasOwn(rebuilt, key)) {
      formatError(
        w,
        `has unknown field ${JSON.stringify(key)}; expected only ${Object.keys(rebuilt).join(', ') || 'no fields'}`,
      );
    }
  }
  for (const key of Object.keys(rebuilt)) {
    if (!Object.hasOwn(saved, key)) formatError(w, `is missing the field ${JSON.stringify(key)}`);
    if (!sameJSON(saved[key], rebuilt[key])) {
      mustBe(
        at(w, key),
        `a value the factory keeps as given (it became ${JSON.stringify(rebuilt[key])})`,
        saved[key],
      );
    }
  }
}

/** A config of finite numbers only (as initializers, regularizers and schedules have). */
export function readNumberConfig(w: Where, value: unknown): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const [key, v] of readRecord(w, value)) out[key] = readNumber(at(w, key), v);
  return out;
}

/**
 * Reads `{ kind, config }` and rebuilds it with the factory registered for
 * `kind` in `table` (`what` names the family in errors, e.g. "regularizer").
 */
export function readKind<
  T extends { readonly kind: string; readonly config: Readonly<Record<string, unknown>> },
>(
  w: Where,
  value: unknown,
  table: ReadonlyMap<string, KindFactory<T>>,
  what: 'initializer' | 'regularizer' | 'schedule',
): T {
  const obj = readObject(w, value, ['kind', 'config']);
  const kind = readString(at(w, 'kind'), obj.kind);
  const make = table.get(kind);
  if (make === undefined) {
    mustBe(
      at(w, 'kind'),
      `a known ${what} (${[...table.keys()].join(', ')}; register others with options.${what}s)`,
      kind,
    );
  }
  const config = readNumberConfig(at(w, 'config'), obj.config);
  // The factory gets an ordinary object (it may spread or Object.keys it); the
  // keys were checked above, so none of them reaches a prototype.
  const made = build(at(w, 'config'), () => make({ ...config }));
  if (made.kind !== kind)
    formatError(at(w, 'kind'), `names a factory that built kind ${JSON.stringify(made.kind)}`);
  checkRebuiltConfig(at(w, 'config'), config, made.config);
  return made;
}

/** An activation config: numbers, strings and booleans. */
function readActivationConfig(w: Where, value: unknown): Record<string, number | string | boolean> {
  const out = Object.create(null) as Record<string, number | string | boolean>;
  for (const [key, v] of readRecord(w, value)) {
    if (typeof v === 'number') out[key] = readNumber(at(w, key), v);
    else if (typeof v === 'string') out[key] = readString(at(w, key), v);
    else if (typeof v === 'boolean') out[key] = v;
    else mustBe(at(w, key), 'a number, string or boolean', v);
  }
  return out;
}

/**
 * The activation saved as `name` with settings `config` (at `wName` and
 * `wConfig`): the registered activation, configured with `.with(config)` when
 * it has settings. Setting names and types must match the activation's own.
 */
export function resolveActivation(
  wName: Where,
  wConfig: Where,
  name: unknown,
  config: unknown,
  table: ReadonlyMap<string, Activation>,
): Activation {
  const n = readString(wName, name);
  const base = table.get(n);
  if (base === undefined) {
    mustBe(
      wName,
      `a known activation (${[...table.keys()].join(', ')}; register custom ones with the loader's activations option)`,
      n,
    );
  }
  const saved = readActivationConfig(wConfig, config);
  const defaults = base.config;
  for (const key of Object.keys(saved)) {
    if (!Object.hasOwn(defaults, key)) {
      formatError(
        wConfig,
        `has unknown field ${JSON.stringify(key)} for activation ${JSON.stringify(n)}; expected only ${Object.keys(defaults).join(', ') || 'no fields'}`,
      );
    }
    if (typeof saved[key] !== typeof defaults[key])
      mustBe(at(wConfig, key), `a ${typeof defaults[key]}`, saved[key]);
  }
  const withFn = (base as Partial<{ with: (c: ActivationConfig) => Activation }>).with;
  const made =
    typeof withFn === 'function' ? build(wConfig, () => withFn.call(base, { ...saved })) : base;
  checkRebuiltConfig(wConfig, saved, made.config);
  return made;
}

/** The saved form of an activation: its name and a copy of its settings. */
export function activationToJSON(a: Activation): {
  name: string;
  config: Record<string, JSONValue>;
} {
  return { name: a.activationName, config: { ...a.config } };
}
