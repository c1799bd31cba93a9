/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fail } from '../_lib/assert.js';
import { ModelFormatError, ValueError } from '../_lib/errors.js';
import { fromJSON, readDocument, type FromJSONOptions } from '../io/from-json.js';
import { toJSON } from '../io/to-json.js';
import type { Model } from '../models/model.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Optimizer } from '../optimizers/optimizer.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Also save this optimizer's settings and state, so training can resume exactly. */
  optimizer?: Optimizer;
  /** Indent the JSON by this many spaces (default 0: compact). */
  indent?: number;
}

function checkPath(fn: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0)
    fail(fn, 'path', 'a non-empty file path string', path);
  return path;
}

/**
 * Writes `text` (UTF-8) to `path` atomically: the bytes go to a temporary file in the
 * same directory, are flushed to disk, and the temporary file is renamed over
 * `path`. A rename within one directory replaces the target in one step
 * (POSIX rename(2); MoveFileEx with replace on Windows), so a crash or a full
 * disk leaves either the old file or the new one, never a truncated mix. The
 * temporary file is removed if anything fails.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { writeFileAtomic } from 'myelin/node';
 * await writeFileAtomic(join(tmpdir(), 'history.json'), JSON.stringify({ loss: [0.9, 0.5] }));
 * ```
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const fn = 'writeFileAtomic';
  checkPath(fn, path);
  const dir = dirname(path);
  // Same directory as the target: a rename across file systems is not atomic.
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let written = false;
  try {
    const handle = await open(tmp, 'wx'); // 'x': never clobber an existing file
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync(); // the data must be on disk before the rename makes it visible
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    written = true;
  } finally {
    if (!written) await unlink(tmp).catch(() => undefined);
  }
  // Best effort: persist the directory entry too (not possible on every platform).
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* directories cannot be opened for sync on Windows; the rename is still atomic */
  }
}

/**
 * Saves a model (and optionally its optimizer) to a JSON file in the
 * `myelin.model` format (see `toJSON`). The write is atomic: a temporary file
 * in the same directory is renamed over `path`, so an interrupted save never
 * leaves a truncated model behind.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { sequential, dense, adam } from 'myelin';
 * import { saveModel, loadModel } from 'myelin/node';
 * const path = join(tmpdir(), 'model.json');
 * await saveModel(path, sequential([dense(2, 1)]), { optimizer: adam() });
 * const again = await loadModel(path);
 * ```
 */
export async function saveModel(
  path: string,
  model: Model,
  options: SaveModelOptions = {},
): Promise<void> {
  const fn = 'saveModel';
  checkPath(fn, path);
  if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (key !== 'optimizer' && key !== 'indent')
      throw new ValueError(
        `${fn}: unknown option ${JSON.stringify(key)} in options; expected one of optimizer, indent`,
      );
  }
  const indent = options.indent ?? 0;
  if (!Number.isInteger(indent) || indent < 0 || indent > 10)
    fail(fn, 'indent', 'an integer in [0, 10]', indent);
  // Serialize first: a model that cannot be saved throws before any file is touched.
  const json = toJSON(
    model,
    options.optimizer === undefined ? {} : { optimizer: options.optimizer },
  );
  await writeFileAtomic(path, JSON.stringify(json, null, indent) + '\n');
}

/** Reads and parses a JSON file; text that is not JSON throws a ModelFormatError naming `fn` and the path. */
export async function readJSONFile(fn: string, path: string): Promise<unknown> {
  checkPath(fn, path);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelFormatError(`${fn}: ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Loads a model saved by {@link saveModel} (or any file holding `toJSON`
 * output). The file is validated as `fromJSON` does and problems throw a
 * `ModelFormatError` naming the bad field; file-system errors (a missing file)
 * are thrown as Node reports them. Pass custom kinds in `options` as for `fromJSON`.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { loadModel, saveModel } from 'myelin/node';
 * import { predict, sequential, dense } from 'myelin';
 * const path = join(tmpdir(), 'model.json');
 * await saveModel(path, sequential([dense(2, 1)]));
 * const model = await loadModel(path);
 * predict(model, [[0.5, 1]]); // a [1, 1] tensor
 * ```
 */
export async function loadModel<In = TensorLike, Out = Tensor>(
  path: string,
  options: FromJSONOptions = {},
): Promise<Model<In, Out>> {
  return fromJSON<In, Out>(await readJSONFile('loadModel', path), options);
}

/**
 * Loads a model and the optimizer saved with it (`saveModel(path, model, {
 * optimizer })`), ready to continue training on the same trajectory. Throws a
 * `ModelFormatError` when the file holds no optimizer.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { loadModelAndOptimizer, saveModel } from 'myelin/node';
 * import { fit, mse, adam, sequential, dense } from 'myelin';
 * const x = [[0], [1], [2]], y = [[1], [3], [5]];
 * const path = join(tmpdir(), 'checkpoint.json');
 * const first = sequential([dense(1, 1)]), adamState = adam();
 * await fit(first, x, y, { loss: mse, optimizer: adamState, epochs: 10 });
 * await saveModel(path, first, { optimizer: adamState });
 * const { model, optimizer } = await loadModelAndOptimizer(path);
 * await fit(model, x, y, { loss: mse, optimizer, epochs: 10 }); // Adam's moments carry on
 * ```
 */
export async function loadModelAndOptimizer(
  path: string,
  options: FromJSONOptions = {},
): Promise<{ model: Model; optimizer: Optimizer }> {
  const fn = 'loadModelAndOptimizer';
  const { model, optimizer } = readDocument(fn, await readJSONFile(fn, path), options);
  if (optimizer === null) {
    throw new ModelFormatError(
      `${fn}: ${path} has no optimizer section (save one with saveModel(path, model, { optimizer }))`,
    );
  }
  return { model, optimizer };
}
