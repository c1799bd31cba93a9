import { describe, expect, it } from 'vitest';
import { defineActivation } from '../../src/activations/define.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { mul } from '../../src/ops/mul.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { graph } from '../../src/models/graph.js';
import { input } from '../../src/layers/symbolic.js';
import { fromJSON } from '../../src/io/from-json.js';
import { toJSON } from '../../src/io/to-json.js';
import { summary } from '../../src/models/summary.js';
import { Network } from '../../src/network/network.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';

describe('Network', () => {
  const layers = () => {
    const rng = createRng(4);
    return [dense(3, 4, { activation: sigmoid, rng }), dense(4, 2, { activation: sigmoid, rng })];
  };

  it('wraps sequential, predict, summary and fit without logic of its own', async () => {
    const net = new Network(layers());
    const x = [[0.7, -1.5, 0.2]];
    expect(net.model.kind).toBe('sequential');
    expect(net.layers).toBe(net.model.layers);
    expect(Array.from(net.predict(x).data)).toEqual(Array.from(predict(net.model, x).data));
    expect(net.summary()).toBe(summary(net.model));
    expect(net.parameters()).toHaveLength(4);
    const before = net.evaluate(x, [[0, 1]], { loss: mse }).loss;
    const h = await net.fit(x, [[0, 1]], {
      loss: mse,
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 20,
    });
    expect(h.loss).toHaveLength(20);
    expect(net.evaluate(x, [[0, 1]], { loss: mse }).loss).toBeLessThan(before);
  });

  it('fromModel shares the model weights', () => {
    const model = sequential(layers());
    const net = Network.fromModel(model);
    expect(net.layers).toEqual(model.layers);
    expect(net.parameters()[0]).toBe(model.layers[0]!.params.kernel);
    expect(() => Network.fromModel({} as never)).toThrow(
      /Network.fromModel: model must be a model made by sequential/,
    );
  });

  it('fromJSON of a graph model names fromJSON and its argument', () => {
    const a = input([2]);
    const json = toJSON(graph({ inputs: a, outputs: dense(2, 1).apply(a) }));
    expect(() => Network.fromJSON(json)).toThrow(
      'Network.fromJSON: json must be a sequential model (Network wraps a stack of layers)',
    );
    expect(() => Network.fromModel(fromJSON(json))).toThrow(
      'Network.fromModel: model must be a sequential model',
    );
  });

  it('checks the layers like sequential does', () => {
    expect(() => new Network([dense(3, 4), dense(5, 1)])).toThrow(
      /layer 1 \(dense\) expects input shape \[5\]/,
    );
  });

  it('round-trips through JSON with identical predictions', () => {
    const net = new Network(layers());
    const text = JSON.stringify(net); // JSON.stringify calls net.toJSON('')
    const copy = Network.fromJSON(JSON.parse(text));
    const x = [
      [0.1, 0.2, 0.3],
      [-1, 0, 1],
    ];
    expect(Array.from(copy.predict(x).data)).toEqual(Array.from(net.predict(x).data));
    expect(net.toJSON()).toEqual(JSON.parse(text));
  });

  it('passes the loader options to fromJSON (a custom activation)', () => {
    const mySwish = defineActivation('mySwish', (x) => mul(x, sigmoid(x)));
    const rng = createRng(5);
    const net = new Network([dense(3, 4, { activation: mySwish, rng }), dense(4, 2, { rng })]);
    const json = JSON.parse(JSON.stringify(net)) as unknown;
    expect(() => Network.fromJSON(json)).toThrow(/mySwish/);
    const copy = Network.fromJSON(json, { activations: { mySwish } });
    const x = [[0.3, -0.2, 1]];
    expect(Array.from(copy.predict(x).data)).toEqual(Array.from(net.predict(x).data));
  });
});
