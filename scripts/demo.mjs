// The live demo server: `npm run demo` (or `node scripts/demo.mjs [--port N]`).
// Bundles examples/browser/main.ts with esbuild ('myelin' resolved to src/, so
// no library build is needed), then serves examples/browser/ and the digits
// data on 127.0.0.1 only. The bundle is rebuilt when the page asks for it, so a
// reload picks up source edits. Prints the address on one line:
//   myelin demo: http://127.0.0.1:PORT/
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pageDir = join(root, 'examples/browser');
const digits = process.env.MYELIN_DIGITS ?? join(root, 'examples/data/digits.csv.gz');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const port = Number(option('port', process.env.PORT ?? '0'));
const host = '127.0.0.1';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

const bundler = await context({
  entryPoints: [join(pageDir, 'main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: 'inline',
  write: false,
  outfile: 'main.js',
  alias: {
    myelin: join(root, 'src/index.ts'),
    'myelin/wasm/threads': join(root, 'src/kernels/wasm/threads/index.ts'),
  },
  logLevel: 'silent',
});

async function bundle() {
  const result = await bundler.rebuild();
  const file = result.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.contents;
}

// Build once up front so that a broken source fails here, loudly.
await bundle();

function send(res, status, type, body) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // Cross-origin isolation: lets the page use shared memory, hence WebAssembly threads.
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  res.end(body);
}

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', `http://${host}`).pathname);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'text/plain', 'method not allowed');
  if (path === '/main.js') {
    bundle().then(
      (code) => send(res, 200, types['.js'], code),
      (e) => send(res, 500, 'text/plain', String(e)),
    );
    return;
  }
  if (path === '/data/digits.csv.gz') {
    if (!existsSync(digits)) return send(res, 404, 'text/plain', `missing ${digits}`);
    // Served as an opaque gzip file (no Content-Encoding), so the page
    // decompresses it itself with DecompressionStream, as readCsv does.
    return send(res, 200, 'application/gzip', readFileSync(digits));
  }
  const file = normalize(join(pageDir, path === '/' ? 'index.html' : path));
  if (
    !file.startsWith(pageDir + sep) ||
    !existsSync(file) ||
    !statSync(file).isFile() ||
    file.endsWith('.ts')
  ) {
    return send(res, 404, 'text/plain', 'not found');
  }
  send(res, 200, types[extname(file)] ?? 'application/octet-stream', readFileSync(file));
});

server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`myelin demo: http://${host}:${actual}/`);
  if (!existsSync(digits))
    console.warn(`warning: ${digits} is missing; the page cannot load its data`);
});

function shutdown() {
  server.close();
  void bundler.dispose();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
