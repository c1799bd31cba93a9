import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { setLimits } from '../../src/_lib/limits.js';
import { idxImages, idxLabels } from '../../src/data/idx.js';
import { readIdxFile } from '../../src/node/idx.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-idx-'));
afterAll(() => {
  setLimits(null);
  rmSync(dir, { recursive: true, force: true });
});

describe('readIdxFile', () => {
  it('reads a file from a path', async () => {
    const path = join(dir, 'small-idx1-ubyte');
    writeFileSync(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 3, 1]));
    const f = await readIdxFile(path);
    expect(f.shape).toEqual([2]);
    expect(Array.from(idxLabels(f).data)).toEqual([3, 1]);
  });

  it('names the file in format errors, and rejects a file over maxBytes before reading it', async () => {
    const path = join(dir, 'bad-idx');
    writeFileSync(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1]));
    await expect(readIdxFile(path)).rejects.toThrow(/sizes do not match.*\(file .*bad-idx\)/);
    setLimits({ maxBytes: 4 });
    await expect(readIdxFile(path)).rejects.toThrow(
      /readIdxFile: .*bad-idx \(9 bytes\) exceeds the limit of 4/,
    );
    setLimits(null);
    await expect(readIdxFile('')).rejects.toThrow(ValueError);
    await expect(readIdxFile(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

// The real data set, when installed (apt-get install -y dataset-fashion-mnist).
const FASHION = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'));
if (!haveFashion)
  console.log(
    `Fashion-MNIST not found in ${FASHION} (apt-get install -y dataset-fashion-mnist): skipping the real-file IDX tests`,
  );

describe.skipIf(!haveFashion)('Fashion-MNIST files', () => {
  it('test images and labels: 10,000 of 28x28, ten balanced classes', async () => {
    const images = idxImages(await readIdxFile(join(FASHION, 't10k-images-idx3-ubyte.gz')));
    const labels = idxLabels(await readIdxFile(join(FASHION, 't10k-labels-idx1-ubyte.gz')));
    expect(images.shape).toEqual([10000, 28, 28, 1]);
    expect(labels.shape).toEqual([10000]);
    // Fashion-MNIST's test set has exactly 1,000 images of each of the 10 classes.
    const counts = new Array<number>(10).fill(0);
    for (const c of labels.data) counts[c]!++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of images.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('training labels: 60,000, 6,000 per class', async () => {
    const labels = idxLabels(await readIdxFile(join(FASHION, 'train-labels-idx1-ubyte.gz')));
    const counts = new Array<number>(10).fill(0);
    for (const c of labels.data) counts[c]!++;
    expect(counts).toEqual(new Array<number>(10).fill(6000));
  });
});
