/**
 * `lowbit recommend`: the JSON plan's shape and values, the human output, and exit codes
 * (1 for usage errors, 2 for a bad model file). Runs the CLI entry in-process, capturing
 * stdout/stderr, plus one real process to check the binary end to end.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli/index';
import { ROOT, sharedPath } from '../support/shared';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main(['recommend', ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const LSTM = sharedPath('models', 'tflite-micro', 'trained_lstm.tflite');

describe('lowbit recommend', () => {
  it('prints the plan object with --json', async () => {
    const r = await run(['--data', 'none', '--target', 'cpu', '--priority', 'latency', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(Object.keys(plan).sort()).toEqual(
      [
        'alternatives',
        'impossible',
        'notRecommended',
        'notes',
        'priority',
        'recommended',
        'standing',
        'target',
        'training',
        'warnings',
      ].sort(),
    );
    // No labelled data, no retraining: no recipe for Lowbit's trainer.
    expect(plan.training).toBeNull();
    expect(plan.target).toBe('cpu');
    expect(plan.standing).toBe('recommended');
    expect(plan.recommended.steps[0]).toMatchObject({ id: 'dynamic', runsIn: 'lowbit' });
    expect(plan.recommended.effect).toMatchObject({
      sizeRatio: { min: 0.25, max: 0.25 },
      speedup: { min: 2, max: 3 },
      accuracyRisk: 'low',
    });
    expect(plan.alternatives.map((a: { steps: { id: string }[] }) => a.steps[0]!.id)).toEqual(['float16']);
    expect(plan.impossible.map((b: { id: string }) => b.id)).toEqual(['int8', 'qat', 'keep-float-fallback']);
  });

  it('uses the model and the board catalogue', async () => {
    const r = await run([
      '--data',
      'unlabelled',
      '--samples',
      '300',
      '--target',
      'mcu',
      '--priority',
      'size',
      '--board',
      'nucleo-f446re',
      '--max-bytes',
      '20000',
      '--model',
      LSTM,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(plan.recommended.steps[0].id).toBe('int8');
    expect(plan.recommended.effect.expectedBytes).toEqual({ min: 12_650, max: 12_650 });
    const whats = plan.recommended.fit.map((f: { what: string }) => f.what);
    expect(whats).toEqual(['max-bytes', 'flash', 'ram']);
    expect(plan.recommended.fit[1]).toMatchObject({
      modelBytes: 12_650,
      availableBytes: 512 * 1024,
      fits: true,
    });
  });

  it('prints a readable plan without --json', async () => {
    const r = await run(['--data', 'none', '--target', 'edgetpu', '--priority', 'latency']);
    expect(r.code).toBe(0);
    // Issue 17: a host-side preview is never called "Recommended".
    expect(r.out).not.toContain('Recommended:');
    expect(r.out).toContain(
      'Nothing here runs on the Coral Edge TPU; a host-side preview:\n  1. dynamic range quantization',
    );
    expect(r.out).toContain('host-side preview');
    expect(r.out).toContain(
      'Not possible here:\n  - int8: Full integer quantization needs a representative sample',
    );
    expect(r.out).toContain('To unlock: Provide an unlabelled sample of 100–500 typical inputs');
  });

  const usage: [string, string[], string][] = [
    ['missing --data', ['--target', 'cpu', '--priority', 'size'], '--data is required'],
    ['bad --target', ['--data', 'none', '--target', 'npu', '--priority', 'size'], '--target must be one of'],
    [
      'bad --priority',
      ['--data', 'none', '--target', 'cpu', '--priority', 'speed'],
      '--priority must be one of',
    ],
    [
      'non-numeric --samples',
      ['--data', 'labelled', '--samples', '1e3', '--target', 'cpu', '--priority', 'size'],
      '--samples must be a whole number',
    ],
    [
      '--samples with no data',
      ['--data', 'none', '--samples', '10', '--target', 'cpu', '--priority', 'size'],
      '--samples needs',
    ],
    [
      '--board off mcu',
      ['--data', 'none', '--target', 'cpu', '--priority', 'size', '--board', 'nucleo-f446re'],
      '--board applies to --target mcu',
    ],
    [
      'unknown board',
      ['--data', 'none', '--target', 'mcu', '--priority', 'size', '--board', 'uno'],
      'unknown board "uno"',
    ],
    [
      'bad --max-loss',
      ['--data', 'none', '--target', 'cpu', '--priority', 'size', '--max-loss', 'lots'],
      '--max-loss must be',
    ],
    [
      'unknown flag',
      ['--data', 'none', '--target', 'cpu', '--priority', 'size', '--fast'],
      'unknown option --fast',
    ],
    [
      'a positional',
      ['model.tflite', '--data', 'none', '--target', 'cpu', '--priority', 'size'],
      'takes no file argument, got "model.tflite"',
    ],
  ];
  it.each(usage)('exits 1 on %s', async (_name, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });

  it('exits 2 naming the file when the model is not a model', async () => {
    const notModel = path.join(ROOT, 'package.json');
    const r = await run(['--data', 'none', '--target', 'cpu', '--priority', 'size', '--model', notModel]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(notModel);
  });

  it('runs as a real process', () => {
    const p = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'lowbit.mjs'),
        'recommend',
        '--data',
        'labelled',
        '--retrain',
        '--target',
        'cpu',
        '--priority',
        'accuracy',
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(p.status).toBe(0);
    const plan = JSON.parse(p.stdout);
    expect(plan.recommended.steps.map((s: { id: string }) => s.id)).toEqual(['qat', 'int8']);
    expect(plan.recommended.steps[0].runsIn).toBe('training');
    expect(plan.training).toMatchObject({ priority: 'accuracy', recipe: 'qat' });
    expect(plan.training.alternatives.map((a: { recipe: string }) => a.recipe)).toEqual([
      'prune:0.5,cluster:16,qat',
      'distill:0.5',
    ]);
  });

  it('prints the recipe for lowbit train under the plan with labelled data and --retrain', async () => {
    const base = ['--data', 'labelled', '--samples', '500', '--target', 'cpu', '--priority', 'size'];
    const without = await run(base);
    expect(without.code).toBe(0);
    expect(without.out).not.toContain('lowbit train');
    const r = await run([...base, '--retrain']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Train it here (labelled data, retraining allowed):');
    expect(r.out).toContain(
      'lowbit train MODEL --data LABELLED --recipe prune:0.5,cluster:16,qat --out OUT.tflite',
    );
    expect(r.out).toContain('  - qat: If accuracy matters most:');
    expect(r.out).toContain('  - distill:0.5: If latency matters most:');
    // 500 labelled samples is a small set: the caution is printed.
    expect(r.out).toContain('! 500 labelled samples is few for fine-tuning');
    // The training section follows the plan.
    expect(r.out.indexOf('Train it here')).toBeGreaterThan(r.out.indexOf('Target:'));
    // A microcontroller stores the model uncompressed and runs int8: an int8 student, not zeros.
    const mcu = await run(['--data', 'labelled', '--retrain', '--target', 'mcu', '--priority', 'size']);
    expect(mcu.out).toContain('--recipe distill:0.5,qat --out OUT.tflite');
    expect(mcu.out).not.toContain('--recipe prune');
  });
});
