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
    // Issue 5 asked for 15 KB. The fused training step and the compiled predict
    // plan that issue 4's speed targets need (W2 9x TF.js wasm, W3 on a par with
    // brain.js) cost about 2.8 KB of this on their own; without them the path is
    // about 13.9 KB. 17 KB keeps both, and is still a ninth of TF.js's 158 KB.
    limit: '17 KB',
  },
  {
    // myelin/testing is for test suites, never the main entry (see
    // test/tree-shaking.node.test.ts); measured so it stays a small helper.
    name: 'myelin/testing assertClose alone',
    path: 'dist/testing/index.js',
    import: '{ assertClose }',
    gzip: true,
    limit: '4 KB',
  },
  {
    name: 'myelin/testing (everything, with predict and gradcheck)',
    path: 'dist/testing/index.js',
    import: '*',
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
