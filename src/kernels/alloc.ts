/**
 * Allocates a zeroed float32 buffer of `length` elements that a planned
 * model reuses from batch to batch (its values, gradients and workspaces).
 * A backend may place it where its kernels read it without a copy.
 */
export type AllocKernel = (length: number) => Float32Array;

/**
 * The portable allocator: an ordinary `Float32Array`.
 *
 * @example
 * ```ts
 * allocJs(3); // Float32Array [0, 0, 0]
 * ```
 */
export const allocJs: AllocKernel = (length) => new Float32Array(length);

/**
 * Dispatch slot for {@link AllocKernel}. The threaded WebAssembly backend
 * (`myelin/wasm/threads`) allocates in its shared memory, so that its kernels
 * use planned buffers in place instead of copying them in and out.
 *
 * @example
 * ```ts
 * const buf = allocSlot.impl(1024); // 1024 zeros
 * ```
 */
export const allocSlot: { impl: AllocKernel } = { impl: allocJs };
