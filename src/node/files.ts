/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fail } from '../_lib/assert.js';
import { ModelFormatError, ValueError } from '../_lib/errors.js';
import { getLimits, tooManyBytes } from '../_lib/limits.js';
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

/** Node's error code of a failed file-system call ('ENOENT', ...), if any. */
function codeOf(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}

/**
 * The file a write to `path` should replace: `path` itself, or, when it is a
 * symbolic link (to a file that may not exist yet), the file at the end of
 * the chain of links, so that the link survives and its target is updated.
 */
async function writeTarget(path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (e) {
      if (codeOf(e) === 'ENOENT') return p;
      throw e;
    }
    if (!st.isSymbolicLink()) return p;
    p = resolve(dirname(p), await readlink(p));
  }
  return realpath(path); // a loop of links: Node's ELOOP error says so
}

// Temporary files are `.<name>.<pid>-<random>.tmp` next to the target: the
// process id tells a save in progress from one whose process was killed.
const TMP = /^\.(.+)\.(\d+)-[0-9a-f]{12}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (e) {
    return codeOf(e) === 'EPERM'; // it exists, and belongs to someone else
  }
}

/**
 * Removes the temporary files that earlier saves of `name` in `dir` left
 * behind when their process was killed between creating and renaming them.
 * Files of running processes (this one included) are left alone. Best effort:
 * a file that cannot be listed or removed stays.
 */
async function removeStaleTemporaries(dir: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = TMP.exec(entry);
    if (m === null || m[1] !== name) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    await unlink(join(dir, entry)).catch(() => undefined);
  }
}

/**
 * Writes `text` (UTF-8) to `path` atomically: the bytes go to a temporary file in the
 * same directory, are flushed to disk, and the temporary file is renamed over
 * `path`. A rename within one directory replaces the target in one step
 * (POSIX rename(2); MoveFileEx with replace on Windows), so a crash or a full
 * disk leaves either the old file or the new one, never a truncated mix. The
 * temporary file is removed if anything fails, and one left by a process that
 * was killed mid-save is removed by the next save to the same path.
 *
 * Replacing keeps what the old file had: its permission bits (a 0600 file
 * stays 0600) and, when the process may set it, its owner. A symbolic link
 * stays a link: the file it points to is written instead.
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
  const target = await writeTarget(path);
  const dir = dirname(target);
  const name = basename(target);
  let old: Stats | null = null;
  try {
    old = await stat(target);
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') throw e;
  }
  await removeStaleTemporaries(dir, name);
  // Same directory as the target: a rename across file systems is not atomic.
  const tmp = join(dir, `.${name}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let written = false;
  try {
    const handle = await open(tmp, 'wx'); // 'x': never clobber an existing file
    try {
      if (old !== null) {
        // Before any data: a private file is never readable by others, even briefly.
        // chmod, not open's mode argument, which the umask would narrow.
        await handle.chmod(old.mode & 0o7777);
        if (typeof process.getuid === 'function' && old.uid !== process.getuid()) {
          await handle.chown(old.uid, old.gid).catch(() => undefined); // only root may
        }
      }
      await handle.writeFile(text, 'utf8');
      await handle.sync(); // the data must be on disk before the rename makes it visible
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
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
 * leaves a truncated model behind (see {@link writeFileAtomic}: an existing
 * file keeps its permissions, a symbolic link keeps pointing at the file it
 * names, which is the one written, and temporary files of a killed save are
 * cleaned up by the next one).
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

const isJSONSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Reads a model file as text, within `maxBytes`: a regular file over the
 * limit fails on its size before a byte is read, and anything else (a device
 * such as /dev/urandom, a pipe) is read in chunks and stopped past the limit.
 * The first byte that is not white space must open a JSON object, so a file
 * of random or binary bytes fails on its first chunk.
 */
async function readModelText(fn: string, path: string): Promise<string> {
  const max = getLimits().maxBytes;
  const handle = await open(path, 'r');
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const st = await handle.stat();
    if (st.isFile() && st.size > max)
      throw new ModelFormatError(tooManyBytes(fn, `${path} (${st.size} bytes)`));
    let started = false;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      if (!started) {
        let i = 0;
        // A UTF-8 byte order mark is allowed before the JSON.
        if (total === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
        while (i < bytesRead && isJSONSpace(chunk[i]!)) i++;
        if (i < bytesRead) {
          if (chunk[i] !== 0x7b) {
            throw new ModelFormatError(
              `${fn}: ${path} is not a model file: a model is a JSON object, which starts with "{", but this starts with byte 0x${chunk[i]!.toString(16).padStart(2, '0')}`,
            );
          }
          started = true;
        }
      }
      total += bytesRead;
      if (total > max)
        throw new ModelFormatError(tooManyBytes(fn, `${path} (read so far: ${total} bytes)`));
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  const bytes = Buffer.concat(chunks, total);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return bytes.toString('utf8', bom);
  } catch (e) {
    // Past about 2^29 characters (a raised maxBytes) V8 cannot make the string.
    throw new ModelFormatError(
      `${fn}: ${path} is too large to read as one string (${total} bytes): ${(e as Error).message}`,
    );
  }
}

/** Reads and parses a JSON file; text that is not JSON throws a ModelFormatError naming `fn` and the path. */
export async function readJSONFile(fn: string, path: string): Promise<unknown> {
  checkPath(fn, path);
  const text = await readModelText(fn, path);
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
 * A file larger than `maxBytes` (256 MiB unless changed with `setLimits`) is
 * a `ModelFormatError` before it is read, and so is one that does not start
 * as a JSON object; a device or pipe is read only up to the limit.
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
