/// <reference types="node" />
// docs/model-format.md's optimizer example: the `optimizer` field it shows is
// what toJSON writes after the one step of sgd with momentum that the page
// describes (input [[1, 1]], target [[0]], mse), and its momentum buffer is
// PyTorch's after the same step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dense, fit, mse, sequential, sgd, sigmoid, toJSON } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const md = readFileSync(join(root, 'docs/model-format.md'), 'utf8');

describe("docs/model-format.md's optimizer state example", () => {
  // The part of the page from the sentence that introduces the example.
  const part = md.slice(md.indexOf('The same model after one step of'));

  it('names the input, target and loss, and its code is the step it describes', () => {
    expect(part.replace(/\s+/g, ' ')).toContain(
      'on one sample, the input `[[1, 1]]` with the target `[[0]]` and the loss `mse`',
    );
    const code = /```ts\n([\s\S]*?)```/.exec(part)![1]!;
    expect(code).toContain(
      'sequential([dense(2, 1, { activation: sigmoid, kernel: [[1], [-2]], bias: [0.5] })])',
    );
    expect(code).toContain('sgd({ learningRate: 0.1, momentum: 0.9 })');
    expect(code).toContain('fit(model, [[1, 1]], [[0]], { loss: mse, optimizer, epochs: 1 })');
  });

  it('shows the optimizer field toJSON writes after that step', async () => {
    const model = sequential([
      dense(2, 1, { activation: sigmoid, kernel: [[1], [-2]], bias: [0.5] }),
    ]);
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.9 });
    await fit(model, [[1, 1]], [[0]], { loss: mse, optimizer, epochs: 1 });
    const saved = JSON.parse(JSON.stringify(toJSON(model, { optimizer }))) as {
      optimizer: unknown;
    };
    const shown = /```json\n([\s\S]*?)```/.exec(part)![1]!;
    expect(saved.optimizer).toEqual((JSON.parse(`{${shown}}`) as { optimizer: unknown }).optimizer);
  });

  it("holds PyTorch's momentum buffer, and the value derived by hand", () => {
    // torch 1.13:
    //   W = torch.tensor([[1.], [-2.]], requires_grad=True); b = torch.tensor([0.5], requires_grad=True)
    //   opt = torch.optim.SGD([W, b], lr=0.1, momentum=0.9)
    //   F.mse_loss(torch.sigmoid(torch.tensor([[1., 1.]]) @ W + b), torch.tensor([[0.]])).backward(); opt.step()
    //   base64.b64encode(opt.state[b]['momentum_buffer'].numpy().astype('<f4').tobytes())  -> b'pbQ1Pg=='
    //   opt.state[b]['momentum_buffer'].item()                                             -> 0.17744691669940948
    //   (W's buffer: two of the same float, b'pbQ1PqW0NT4=')
    expect(md).toContain('"data": "pbQ1Pg=="');
    expect(md).toContain('"data": "pbQ1PqW0NT4="');
    const bytes = Uint8Array.from(atob('pbQ1Pg=='), (c) => c.charCodeAt(0));
    const value = new DataView(bytes.buffer).getFloat32(0, true);
    expect(value).toBe(0.17744691669940948);
    // By hand, as the page: s = sigmoid(1 − 2 + 0.5), gradient 2s · s(1 − s).
    const s = 1 / (1 + Math.exp(0.5));
    expect(Math.fround(2 * s * s * (1 - s))).toBe(value);
    expect(md).toContain('`pbQ1Pg==` is `0x3E35B4A5` ≈ 0.17745');
    expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(0x3e35b4a5);
  });
});
