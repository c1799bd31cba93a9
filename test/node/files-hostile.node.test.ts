/// <reference types="node" />
// saveModel and loadModel against what a real file system does to them: a
// file with private permissions, a symbolic link, a process killed in the
// middle of a save, and files that are huge, endless or random bytes.
import { execFileSync, spawn } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { setLimits } from '../../src/_lib/limits.js';
import { dense } from '../../src/layers/dense.js';
import { sequential } from '../../src/models/sequential.js';
import { loadModel, saveModel } from '../../src/node/files.js';
import { createRng } from '../../src/random/rng.js';

const root = resolve(import.meta.dirname, '../..');
const model = () => sequential([dense(2, 1, { rng: createRng(3) })]);

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myelin-hostile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withMaxBytes<T>(maxBytes: number, body: () => Promise<T>): Promise<T> {
  const before = setLimits({ maxBytes });
  try {
    return await body();
  } finally {
    setLimits(before);
  }
}

describe('saveModel over an existing file', () => {
  it('keeps the file mode (0600 stays 0600, 0640 stays 0640)', async () => {
    const path = join(dir, 'model.json');
    for (const mode of [0o600, 0o640]) {
      await writeFile(path, '{}', { mode });
      await (await open(path, 'r')).close();
      execFileSync('chmod', [mode.toString(8), path]); // exact, whatever the umask
      await saveModel(path, model());
      expect(((await stat(path)).mode & 0o777).toString(8)).toBe(mode.toString(8));
    }
    // A new file gets the usual mode (0666 less the umask), as writeFile gives.
    const fresh = join(dir, 'fresh.json');
    const plain = join(dir, 'plain.txt');
    await saveModel(fresh, model());
    await writeFile(plain, 'x');
    expect((await stat(fresh)).mode & 0o777).toBe((await stat(plain)).mode & 0o777);
  });

  it('writes through a symbolic link to its target, keeping the link', async () => {
    await mkdir(join(dir, 'models'));
    const real = join(dir, 'models', 'v1.json');
    await writeFile(real, 'old');
    const link = join(dir, 'current.json');
    await symlink('models/v1.json', link); // relative, as ln -s makes them
    await saveModel(link, model());
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(real, 'utf8'))).toMatchObject({ format: 'myelin.model' });
    expect((await loadModel(link)).layers).toHaveLength(1);
    // Nothing was left in either directory.
    expect((await readdir(dir)).sort()).toEqual(['current.json', 'models']);
    expect(await readdir(join(dir, 'models'))).toEqual(['v1.json']);
    // A link to a file that does not exist yet creates that file.
    const dangling = join(dir, 'next.json');
    await symlink('models/v2.json', dangling);
    await saveModel(dangling, model());
    expect((await lstat(dangling)).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'models', 'v2.json'))).toBe(true);
  });

  it('cleans up the temporary file of a save whose process was killed', async () => {
    const path = join(dir, 'model.json');
    await saveModel(path, model());
    const before = await readFile(path, 'utf8');
    // A child process that saves and stalls after writing its temporary file
    // (FileHandle.sync never returns), the moment a kill hurts most.
    const child = join(dir, 'child.mts'); // .mts: an ES module, for the top-level await
    await writeFile(
      child,
      `import { open } from 'node:fs/promises';
import { writeFileAtomic } from ${JSON.stringify(join(root, 'src/node/files.ts'))};
const probe = await open(${JSON.stringify(child)}, 'r');
const proto = Object.getPrototypeOf(probe);
await probe.close();
proto.sync = () => { process.stdout.write('stalled\\n'); return new Promise(() => {}); };
setInterval(() => {}, 1000);
await writeFileAtomic(${JSON.stringify(path)}, 'x'.repeat(100000));
`,
    );
    // tsx's loader inside the child itself: its CLI would run the script in a
    // grandchild, which a SIGKILL to the CLI would leave running.
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((done, failed) => {
      proc.stdout.on('data', (b: Buffer) => {
        output += b.toString();
        if (output.includes('stalled')) done();
      });
      proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
      proc.on('exit', (code) => {
        failed(new Error(`child exited (${code}) before stalling:\n${output}`));
      });
    });
    const exited = new Promise((done) => proc.on('exit', done));
    proc.kill('SIGKILL');
    await exited;
    const left = (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
    expect(left).toEqual([
      expect.stringMatching(new RegExp(`^\\.model\\.json\\.${proc.pid}-[0-9a-f]{12}\\.tmp$`)),
    ]);
    // The kill left the old file whole.
    expect(await readFile(path, 'utf8')).toBe(before);
    await saveModel(path, model());
    expect((await readdir(dir)).sort()).toEqual(['child.mts', 'model.json']);
  }, 60_000);

  it('leaves alone the temporary file of a save still running in another process', async () => {
    const path = join(dir, 'model.json');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    try {
      const busy = `.model.json.${sleeper.pid}-0123456789ab.tmp`;
      await writeFile(join(dir, busy), 'partial');
      await saveModel(path, model());
      expect((await readdir(dir)).sort()).toEqual([busy, 'model.json']);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});

describe('loadModel on hostile files', () => {
  it('rejects a file over maxBytes by its size, before reading it (a sparse 600 MB file)', async () => {
    const path = join(dir, 'huge.json');
    const h = await open(path, 'w');
    await h.truncate(600 * 2 ** 20); // sparse: no disk space used
    await h.close();
    await expect(loadModel(path)).rejects.toThrow(
      new ModelFormatError(
        `loadModel: ${path} (629145600 bytes) exceeds the limit of 268435456 bytes (raise it with setLimits({ maxBytes }))`,
      ),
    );
  });

  it('rejects /dev/urandom at once instead of reading forever', async () => {
    // Random bytes start with "{" once in 256 runs: then the limit stops the read.
    await withMaxBytes(4 * 2 ** 20, async () => {
      const err = await loadModel('/dev/urandom').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelFormatError);
      expect((err as Error).message).toMatch(
        /^loadModel: \/dev\/urandom (is not a model file: a model is a JSON object, which starts with "\{", but this starts with byte 0x[0-9a-f]{2}|\(read so far: \d+ bytes\) exceeds the limit of 4194304 bytes)/,
      );
    });
  }, 20_000);

  it('stops reading an endless stream that looks like JSON at maxBytes', async () => {
    const fifo = join(dir, 'endless.json');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this platform
    }
    // A writer that sends "{" and then spaces forever, until the reader closes the pipe.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(fifo)}, 'w');
fs.writeSync(fd, '{'); const b = Buffer.alloc(65536, 32);
try { for (;;) fs.writeSync(fd, b); } catch {}`,
      ],
      { stdio: 'ignore' },
    );
    try {
      await withMaxBytes(2 ** 20, async () => {
        await expect(loadModel(fifo)).rejects.toThrow(
          /^loadModel: .*endless\.json \(read so far: \d+ bytes\) exceeds the limit of 1048576 bytes/,
        );
      });
    } finally {
      writer.kill('SIGKILL');
    }
  }, 20_000);

  it('accepts a byte order mark and white space before the JSON', async () => {
    const path = join(dir, 'bom.json');
    await saveModel(path, model());
    await writeFile(path, `\ufeff \n${await readFile(path, 'utf8')}`);
    expect((await loadModel(path)).layers).toHaveLength(1);
  });
});
