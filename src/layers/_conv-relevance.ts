import { asFloat } from '../_lib/typed.js';
import { col2im, im2col, type ConvGeometry } from '../kernels/js/conv.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RelevanceIO, RelevanceRule } from './layer.js';
import { LINEAR_RULES, linearRelevance } from './_relevance.js';

/** The rule names a (non-transposed) convolution implements: the linear rules. */
export const CONV_RULES = LINEAR_RULES;

/**
 * Relevance through a convolution, the linear rules of a dense layer
 * applied to its lowered form: per sample and group, the patch matrix
 * (im2col, one row per output pixel) times the group's kernel [kH·kW·cg,
 * filters/groups] is a dense layer whose rows are the output pixels, so
 * `linearRelevance` gives each patch element its relevance, and col2im adds
 * the patches' overlapping shares back onto the input pixels. Taps in the
 * zero padding read 0 and receive nothing from the x-based rules; under zB
 * they are treated as inputs bounded by [low, high] like every other, and
 * the share they would get is dropped with the padding.
 */
export function convRelevance(
  io: RelevanceIO,
  rule: RelevanceRule,
  g: ConvGeometry,
  kernel: Tensor,
  bias: Tensor | null,
): boolean {
  if (!LINEAR_RULES.includes(rule.name)) return false;
  const { inH, inW, inC, outH, outW, outC, kH, kW, groups } = g;
  const cg = inC / groups;
  const fg = outC / groups;
  const taps = kH * kW * cg;
  const pixels = outH * outW;
  const w = asFloat(kernel.data); // [kH, kW, cg, outC] = [taps, outC] row-major
  const b = bias === null ? null : asFloat(bias.data);
  const x = io.inputs[0]!;
  const rel = io.relevanceOutputs[0]!;
  const out = io.relevanceInputs[0]!;
  out.fill(0, 0, io.rows * inH * inW * inC);
  const col = new Float64Array(pixels * taps);
  const colRel = new Float64Array(pixels * taps);
  const wg = new Float64Array(taps * fg);
  const bg = b === null ? null : new Float64Array(fg);
  const rg = new Float64Array(pixels * fg);
  for (let gi = 0; gi < groups; gi++) {
    for (let t = 0; t < taps; t++)
      for (let f = 0; f < fg; f++) wg[t * fg + f] = w[t * outC + gi * fg + f]!;
    if (bg !== null) for (let f = 0; f < fg; f++) bg[f] = b![gi * fg + f]!;
    for (let n = 0; n < io.rows; n++) {
      im2col(x, col, g, n, n + 1, gi);
      const o = n * pixels * outC;
      for (let p = 0; p < pixels; p++)
        for (let f = 0; f < fg; f++) rg[p * fg + f] = rel[o + p * outC + gi * fg + f]!;
      linearRelevance(col, wg, bg, rg, colRel, pixels, taps, fg, rule);
      col2im(colRel, out, g, n, n + 1, gi);
    }
  }
  return true;
}
