/// <reference types="node" />
import { open } from 'node:fs/promises';
import { fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { getLimits, tooManyBytes } from '../_lib/limits.js';
import { parseIdx, type IdxFile } from '../data/idx.js';

/**
 * Reads an IDX file (gzip-compressed or not) from a path and parses it with
 * `parseIdx` (see there for the format and the checks). A regular file over
 * `maxBytes` (256 MiB unless changed with `setLimits`) is a ValueError before
 * a byte is read; anything else (a pipe, a device) is read only up to the
 * limit. File-system errors (a missing file) are thrown as Node reports them.
 *
 * @param path Path of the file, such as `train-images-idx3-ubyte.gz`.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { readIdxFile } from 'myelin/node';
 * import { idxLabels } from 'myelin';
 * const path = join(tmpdir(), 'labels-idx1-ubyte');
 * writeFileSync(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 3, 1]));
 * const labels = idxLabels(await readIdxFile(path)); // int32 tensor [3, 1]
 * // Fashion-MNIST: idxImages(await readIdxFile('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'))
 * ```
 */
export async function readIdxFile(path: string): Promise<IdxFile> {
  const fn = 'readIdxFile';
  if (typeof path !== 'string' || path.length === 0)
    fail(fn, 'path', 'a non-empty file path string', path);
  const max = getLimits().maxBytes;
  const handle = await open(path, 'r');
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const st = await handle.stat();
    if (st.isFile() && st.size > max)
      throw new ValueError(tooManyBytes(fn, `${path} (${st.size} bytes)`));
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 22, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max)
        throw new ValueError(tooManyBytes(fn, `${path} (read so far: ${total} bytes)`));
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  const bytes = Buffer.concat(chunks, total);
  try {
    return await parseIdx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (e) {
    // Name the file: parseIdx's message names the function and the value.
    if (e instanceof ValueError) throw new ValueError(`${e.message} (file ${path})`);
    throw e;
  }
}
