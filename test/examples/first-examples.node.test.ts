/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The repository root, two levels up from this file; 'myelin' resolves to src/
// there through tsconfig's paths, which tsx honours.
const root = fileURLToPath(new URL('../..', import.meta.url));

function run(example: string): string[] {
  const out = execFileSync('npx', ['tsx', `examples/${example}`], { cwd: root, encoding: 'utf8' });
  return out.trimEnd().split('\n');
}

describe('the first examples print the reference article’s results', () => {
  it('examples/activations.ts', () => {
    expect(run('activations.ts')).toEqual([
      'ReLU: [0, 3, 0.5]',
      'Tanh: [-0.96402758, 0.99505475, 0.46211716]',
      'Softmax: [0.00618829, 0.91842297, 0.07538875]',
    ]);
  });

  it('examples/seed-network-ops.ts', () => {
    expect(run('seed-network-ops.ts')).toEqual(['Output: [0.60530524, 0.65013656]']);
  });
});
