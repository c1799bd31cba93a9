/**
 * ONNX interchange: `toOnnx` writes a model as an ONNX file (opset 17, float32) for onnxruntime and
 * other engines; `fromOnnx` reads one back into trainable myelin layers. Import from `myelin/onnx`.
 *
 * @module onnx
 */
export { toOnnx, ONNX_EXPORT_EXCLUSIONS } from './to-onnx.js';
export type { ToOnnxOptions } from './to-onnx.js';
export { fromOnnx } from './from-onnx.js';
export type { FromOnnxOptions } from './from-onnx.js';
