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
    // The target is 15 KB. Measured 20.8 KB after the engine (layer, activation,
    // loss and regularizer kernels driven by one planned executor with a
    // backward pass, graph models with merges and shared layers, int32 labels,
    // per-sample weights, the legacy-layer and custom-loss autograd adapters)
    // and the input limits, then 22 KB with fit's classWeight and balanced
    // batches (1.2 KB; not tree-shakable as options of fit). Biggest parts (minified, before gzip): fit 8.4 KB,
    // the plan 5.4 KB, the optimizer base 4.2 KB, dense 4.1 KB, fit's step
    // 3.8 KB, crossEntropy 3.5 KB. The budget holds the line at 23 KB while
    // the gap to 15 KB stays open work. Step masks on every path (plan,
    // predict, fit's step and metrics, the losses' masked mean) add 1.2 KB,
    // fit's transform option 0.5 KB (the batch handed to the transform, its
    // checks, training metrics on the targets it returns), gradient clipping,
    // dense's relevance rules (LRP-0, ε, γ, αβ, zB: 0.55 KB, part of the
    // layer's declared math so that explanations need no switch on layer
    // kinds) and per-parameter learning-rate scales in the optimizer base:
    // measured 25.0 KB.
    // 25.48 -> 25.34 KB by merging duplicate code on this path, with every option,
    // check and message kept (bytes minified, before -> after): fit 11043 -> 10421
    // (its option checks through one optional-value helper and a flag table; one
    // prefixErrors for the three re-labelled nested checks), clip 709 -> 451 (one
    // checkClip shared with the optimizer base), crossEntropy 3602 -> 3356 (one
    // prediction-rank and one target-shape check for the kernel, its target check and
    // the autograd form), _run 4127 -> 3991 (one try/catch in outputShapesOf), dense
    // 3858 -> 3749 (one output-shape helper), step 4676 -> 4606 (one activity-penalty
    // gradient helper): 72.2 -> 70.8 KB minified. gzip already removes most of what
    // repeats, so merging copies buys little there. What stands between this and
    // 15 KB is features, measured by stubbing each out (gzip bytes): classWeight and
    // balancedBatches with their label checks 1060, the optimizers' getState/setState
    // 510, dense's relevance rules 490, masks and dtype conversion in the plan 260,
    // verbose's epoch line 255, the legacy-layer adapter 220, transform 215, callbacks
    // and onProgress 190, sampleWeight 165, validation 145, the custom-loss adapter
    // 145, fit's gradient clipping 140, the regularizer adapter and parameter
    // penalties 215, training metrics 80: about 4.1 KB together. Error messages are
    // about 3.9 KB of the gzip total; the engine itself (tensor creation, dense's
    // kernels, plan, step, Adam, crossEntropy and their checks) is the rest.
    // The backend's allocator slot, through which the plan's reused buffers and
    // initialized weights come (the threaded WebAssembly backend puts them in its
    // shared memory, so its kernels copy nothing): 25.45 KB measured.
    // Correctness fixes from an audit: fit restores layer state (running statistics,
    // carried recurrent state) with the weights when it rejects a batch, and checks a
    // stateful model's one batch size before anything runs (fit, evaluate, predict); plain
    // arrays given to a float64 model stay float64; int32 predictions promote in the
    // losses: 26.07 KB measured (+0.62 KB: 1.9 KB minified, mostly the error messages).
    // The Tensor constructor's checks of its shape and data (negative or fractional
    // entries, a plain array as data, once failing later inside a kernel) and the int32
    // rules of the ops it reaches: 26.28 KB. Layer names that stay with their layers across
    // sub-models (0.1 KB), frozen layers' penalties left out and seeds outside [0, 2^32)
    // mixed into the generator's state: 26.44 KB. fit naming the epoch and batch of a
    // layer's error, and sequential's input shape known only when it is (null otherwise):
    // 26.53 KB; 26.55 KB with the losses' int32 promotion through castTo.
    // A second round of audits against PyTorch, Keras and scikit-learn (bytes minified):
    // every compiled layer checked against the layer contract once per compilation, on
    // every path, so a custom layer that breaks it is named (layer.js +952, _run.js +216
    // with merges combining their inputs' masks as Keras does); the generator's argument
    // checks and its never-returns-high rule (rng.js +515); fit refusing empty validation
    // data, hooks it never calls and aborts between epochs (fit.js +343); predict refusing
    // inputs that carry a withMask mask and keeping a multi-input model's tensors in their
    // dtypes (predict.js +220); optimizers refusing int32 tensors (+179); weighted
    // crossEntropy through log-sum-exp and the masked target rules (+73): 27.51 KB. Plan and
    // compilation caches bounded per model and per layer, predict's last plans held weakly
    // (memory without dispose()), and an activation refused as fit's loss: 27.58 KB. predict
    // and evaluate reading the step mask an input carries (a masking encoder's output feeding
    // a second model), fit refusing it, and predict's last plans kept per model: 27.75 KB.
    // A third round, from user workflows: labels [n] for an output [n, 1] taken as Keras
    // takes them, fit's initialEpoch (resuming a run), one clipping order with clipping
    // given to both fit and its optimizer refused, the callbacks' onTrainEnd run before a
    // non-finite error (earlyStopping's best weights come back), the progress line closed
    // when fit ends mid-epoch, monitor names checked when fit starts, and predict's repeat
    // path reading an input's mask: 28.19 KB. A weight given in PyTorch's layout (the right
    // sizes in another order) named with the converter to use: 28.34 KB. fit refusing a
    // model that shares a layer another running fit changes (their updates interleaved):
    // 28.49 KB. An update that overflows the weights caught at the next batch or the
    // epoch's end, naming the parameter (the loss check saw it one batch late, and said the
    // weights were left as they were): 28.59 KB. The optimizers follow torch at the float32
    // range's edge (a second moment past it rounds to Infinity, so the step is 0) and skip a
    // zero weight decay (0·∞ turned an infinite weight into NaN): 28.64 KB. sequential
    // refusing a layer of several outputs (an LSTM with returnState silently lost its
    // states, and the next layer trained on the sequence alone): 28.8 KB. Models of several
    // outputs trained as Keras users expect: the gradients of one tensor listed as two outputs
    // summed (only the last was kept), a loss that gives the prediction no gradient refused,
    // metrics and losses per output under Keras's names, lossWeights, per-output sample
    // weights, custom metric values checked, and target errors naming fit and y[i]: 29.81 KB
    // (+1 KB, most of it fit's and evaluate's per-output bookkeeping).
    limit: '29.85 KB',
  },
  {
    // myelin/testing is for test suites, never the main entry (see
    // test/tree-shaking.node.test.ts); measured so it stays a small helper.
    name: 'myelin/testing assertClose alone',
    path: 'dist/testing/index.js',
    import: '{ assertClose }',
    gzip: true,
    // 4.03 KB with nested arrays rounded to float32 against a float32 side and errors
    // that Jest prints as failures rather than as node:assert diffs.
    limit: '4.05 KB',
  },
  {
    name: 'myelin/testing (everything, with predict and gradcheck)',
    path: 'dist/testing/index.js',
    import: '*',
    gzip: true,
    // 15.2 KB measured with predict's stateful batch-size check and float64 plain inputs;
    // 15.34 KB with the Tensor constructor's shape and data checks; 15.41 KB with layer
    // names that stay with their layers and the seed rule; 15.56 KB with checkGradients
    // keeping layer state (each evaluation from the state it started with); 16.43 KB with the
    // second audit round (the layer-contract check and predict's input checks, through
    // predict; checkGradients refusing outputs with no tensor and passing int32 ids through;
    // fixtures of float64 and multi-input models), 16.49 KB with the bounded plan caches,
    // 16.6 KB with predict reading input masks; 18.7 KB with checkGradients checking every
    // output and input of a graph model, keeping dropout's own streams fixed over evaluations,
    // telling token ids from values, and fixtures that leave a stateful model's state alone;
    // 18.86 KB with sequential refusing layers of several outputs (through predict)
    limit: '18.9 KB',
  },
  // myelin/wasm embeds two builds of one module (plain SIMD and relaxed SIMD, about 31 KB each
  // before base64) and grew from 20 KB with the convolution and recurrent kernels (40.45 KB
  // measured). It is loaded only by code that calls useWasm(); the main entry never carries it.
  // Max pooling in the module added 0.5 KB (42.93 KB measured).
  // Resident Adam moments, the SIMD gradient check and the SIMD L2 penalty
  // (asm/optim-resident.ts, src/kernels/wasm/resident.ts) added 2.05 KB
  // (44.97 KB measured): W2s and W2b per-batch costs.
  // Scaled dot-product attention (forward and backward, masks, dropout) and layer norm
  // (forward and backward) in the module, with their wrappers, added 9.3 KB (52.26 KB
  // measured; about 5.6 KB and 1.3 KB of code per build before base64): they make W7, the
  // transformer block, train about 4.7x faster and predict about 3.8x faster (bench/README.md).
  // Dropout's forward kernel (asm/dropout.ts) and its wrapper: 55.47 KB measured (54.77 before).
  // The split hooks in the product, convolution, pooling and Adam wrappers (they hand their
  // copies to the thread runtime when one is installed, and are no-ops otherwise): 55.77 KB.
  // Dropout's backward kernel (SIMD multiply by the mask) and its wrapper: 55.94 KB.
  // Operands that already live in the module's memory used in place (every wrapper lays its
  // operands out through one slot rule, the recurrent, attention and layer-norm wrappers too)
  // and the allocator for them: 56.25 KB. Column sums with their sums in registers (3.8x
  // faster on a convolution's bias gradient): 56.6 KB. The direct convolution four pixels at
  // a time where every tap is inside the image, and its kernel gradient four samples at a time
  // (both about 2.2x faster on W5's layer, same bits): 58.46 KB. Max pooling's 2x2 windows
  // inside the image unrolled, and written without reading gx back where they do not overlap:
  // 59.17 KB. The kernel gradient summed in fixed blocks of 16 samples (so that threads split
  // whole blocks and read only their own samples): 59.59 KB. Relu keeping -0 (pmax), the direct
  // convolution's fallback where padding meets a non-finite value, and the recurrent wrappers
  // copying only the regions a problem uses: 59.88 KB. Resident blocks bounded to 256 MiB (a
  // loop of dropped models filled the 1 GiB memory) and wasmUnavailableReason: 60.15 KB.
  {
    name: 'myelin/wasm (kernels + embedded module bytes)',
    path: 'dist/kernels/wasm/index.js',
    import: '*',
    gzip: true,
    // The GRU's r⊙h slot zeroed on masked steps: 60.28 KB. logSoftmax as (x − max) − log Σ
    // and Adam's second moment as (c2·g)·g (torch's order; g·g overflowed): 60.47 KB. Relu's
    // gradient passing at NaN (torch's threshold_backward, dense and recurrent cells too) and
    // no weight-decay term when it is 0 (an infinite weight stayed infinite in torch): 60.56 KB.
    limit: '60.6 KB',
  },
  // myelin/wasm/threads: the threaded builds of the module (shared memory, atomics; two builds,
  // about 32 KB each before base64), the pool and the worker program, plus myelin/wasm itself
  // (its useWasm installs the kernels, and its single-thread module is the fallback where shared
  // memory is missing). Its own entry, so myelin/wasm does not carry them: 77.43 KB measured,
  // of which myelin/wasm 43.1 KB (myelin/wasm grew 0.2 KB for matmulPart, the block product).
  // Splitting the direct convolutions, max pooling and the recurrent layers' batched products
  // (convDirectKernelGradPart, the row splits, env.batchedMatmul): 78.31 KB measured.
  // With the attention, layer-norm and resident-optimizer kernels in every build (four
  // embedded builds: threaded and single-thread, each plain and relaxed SIMD): 98.02 KB.
  // Dropout's forward kernel (asm/dropout.ts: the mask's draws, keep test and scaling in one
  // pass; about 0.26 KB of code per build, in all four builds) and its wrapper: 99.79 KB
  // measured (98.83 before). It takes dropout's forward from 8% of W2b's training loop to 3.6%.
  // Split calls that overlap their copies with the workers' work (the product's `split`, the
  // batch kernels' and Adam's `splitRows`, the calling thread's smaller block) and wake sleeping
  // workers before copying (`wake`): 100.31 KB measured, from 98.81 KB (W1 at n = 512 and 1024 and W5
  // lost 0.3-0.5 ms a call, or about 5 MB of copies a step, to serial copies and late wake-ups).
  // With both branches and dropout's backward kernel in every build: 101.54 KB.
  // Planned buffers and weights in the shared memory (the allocator, the in-place operand
  // rule in the split calls), the per-shape adaptive share of split products, jobs taken
  // back from late workers, and split relu passes: 102.34 KB (the Node entry of myelin/wasm,
  // which runs the threaded build on one thread, is not measured: Node loads it from disk).
  // The faster column sums: 102.98 KB; the faster direct convolution kernels: 106.47 KB;
  // the unrolled 2x2 max pooling: 108.01 KB; the kernel gradient in blocks of samples: 108.75 KB;
  // the kernel fixes above and the browser entry's message for Node: 109.25 KB; the resident
  // bound, wasmUnavailableReason and the fallback reasons that say what to allow: 109.76 KB;
  // the GRU's r⊙h slot zeroed on masked steps: 110 KB; logSoftmax and Adam's order: 110.16 KB;
  // relu's gradient at NaN and the zero weight-decay term skipped, as torch: 110.37 KB.
  {
    name: 'myelin/wasm/threads (pool + threaded module bytes + myelin/wasm)',
    path: 'dist/kernels/wasm/threads/index.js',
    import: '*',
    gzip: true,
    limit: '110.4 KB',
  },
];
