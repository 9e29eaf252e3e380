/** Issue 17 item 12: progress lines when piped (one per stage), nothing when quiet; did-you-mean. */
import { describe, expect, it } from 'vitest';
import { progressMode, progressSink } from './progress';
import { closest, editDistance } from './suggest';

function sink(mode: 'lines' | 'quiet') {
  let text = '';
  const stream = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { s: progressSink(stream, mode), text: () => text };
}

describe('progress when piped', () => {
  it('one line per stage, at its end, with the detail; a stage left for another still gets its line', () => {
    const { s, text } = sink('lines');
    for (let i = 1; i <= 500; i++) s.update('calibration samples', i, 500);
    s.update('write', 10, 100, '12.0 KB/s ETA 1 s');
    s.log('a log line');
    s.update('verify', 100, 100, '50.0 KB/s');
    s.update('evaluating int8', 3, 10);
    s.finish();
    s.finish();
    expect(text()).toBe(
      'calibration samples: 500/500\n' +
        'a log line\n' +
        'write: 10/100 (12.0 KB/s ETA 1 s)\n' +
        'verify: 100/100 (50.0 KB/s)\n' +
        'evaluating int8: 3/10\n',
    );
  });

  it('quiet: nothing at all; the mode follows --quiet, then whether stderr is a terminal', () => {
    const { s, text } = sink('quiet');
    s.update('x', 1, 1);
    s.log('y');
    s.finish();
    expect(text()).toBe('');
    expect(progressMode({ isTTY: true }, true)).toBe('quiet');
    expect(progressMode({ isTTY: true }, false)).toBe('bar');
    expect(progressMode({}, false)).toBe('lines');
  });
});

describe('did you mean', () => {
  it('edit distance and the closest word within a third of its letters', () => {
    expect(editDistance('technque', 'technique')).toBe(1);
    expect(editDistance('int-8', 'int8')).toBe(1);
    expect(closest('technque', ['technique', 'out', 'json'])).toBe('technique');
    expect(closest('quantise', ['quantize', 'inspect'])).toBe('quantize');
    expect(closest('binary', ['float16', 'dynamic', 'int8', 'int16x8'])).toBeUndefined();
    expect(closest('INT16', ['float16', 'dynamic', 'int8', 'int16x8'])).toBe('int16x8');
  });
});
