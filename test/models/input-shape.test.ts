import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { activation } from '../../src/layers/activation.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import { reshapeLayer } from '../../src/layers/reshape.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { summary } from '../../src/models/summary.js';
import { extractFeatures } from '../../src/models/transfer.js';
import { zeros } from '../../src/tensor/create.js';

describe('sequential: the model input shape', () => {
  it('is unknown when a layer before the first declaring one changes the shape', () => {
    // conv2d declares nothing: [12,12,1] -> [10,10,4] -> flatten [400] -> dense(400)
    const m = sequential([conv2d(1, 4, 3), flatten(), dense(400, 2)]);
    expect(m.inputShape).toBeNull();
    expect(m.inputs[0]!.shape).toBeNull();
    expect(predict(m, zeros([2, 12, 12, 1])).shape).toEqual([2, 2]);
    // a 1-D [400] is not mistaken for one sample of the model's input
    expect(() => predict(m, zeros([400]))).not.toThrow(/one sample without a batch dimension/);
    expect(summary(m)).toContain('conv2d');
    expect(() => extractFeatures(m, m.layerNames[1]!)).toThrow(/options.inputShape/);
    expect(extractFeatures(m, m.layerNames[1]!, { inputShape: [12, 12, 1] }).input.shape).toEqual([
      12, 12, 1,
    ]);
  });

  it("is the first declaring layer's when every layer before it hands its input on unchanged", () => {
    const m = sequential([dropout(0.1), activation(relu), dense(4, 2)]);
    expect(m.inputShape).toEqual([4]);
    expect(m.inputs[0]!.shape).toEqual([4]);
    expect(() => predict(m, [0, 1, 2, 3])).toThrow(/one sample without a batch dimension/);
    expect(extractFeatures(m, m.layerNames[2]!).input.shape).toEqual([4]);
  });

  it('is unknown after any shape-changing layer, and null when nothing declares one', () => {
    expect(sequential([dropout(0.1), flatten(), dense(4, 2)]).inputShape).toBeNull();
    expect(sequential([reshapeLayer([4]), dense(4, 2)]).inputShape).toBeNull();
    expect(sequential([dropout(0.1)]).inputShape).toBeNull();
    expect(sequential([dense(3, 4), flatten()]).inputShape).toEqual([3]);
  });
});
