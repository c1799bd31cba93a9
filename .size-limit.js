// Size budgets (minified + gzip, bundled by esbuild through the built dist/ files,
// so `npm run build` must run first). `npm run size` fails when one is exceeded.
// The main entry must never carry the WebAssembly bytes: test/tree-shaking.node.test.ts
// asserts that directly; myelin/wasm is measured here on its own.
export default [
  {
    name: 'relu alone',
    path: 'dist/index.js',
    import: '{ relu }',
    gzip: true,
    limit: '2 KB',
  },
  {
    name: 'training path: tensor, dense, sequential, adam, crossEntropy, fit, predict',
    path: 'dist/index.js',
    import: '{ tensor, dense, sequential, adam, crossEntropy, fit, predict }',
    gzip: true,
    limit: '15 KB',
  },
  {
    name: 'myelin/wasm (kernels + embedded module bytes)',
    path: 'dist/kernels/wasm/index.js',
    import: '*',
    gzip: true,
    limit: '20 KB',
  },
];
