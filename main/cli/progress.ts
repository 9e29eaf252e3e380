/**
 * How the CLI shows progress on stderr, by where stderr goes:
 * - a terminal: one bar redrawn in place (cli-progress), a new bar when the stage changes;
 * - a pipe or a file: one line per stage, "label: done/total", written when the stage ends (or
 *   is left for another), so a CI log holds one line per stage rather than hundreds;
 * - --quiet: nothing.
 * A stage is a label ("calibration samples", "evaluating int8", "write"); `detail` (speed, ETA)
 * is shown on the bar and at the end of the stage's line, and never starts a new stage.
 */
import cliProgress from 'cli-progress';

export type ProgressMode = 'bar' | 'lines' | 'quiet';

export interface ProgressSink {
  update(label: string, done: number, total: number, detail?: string): void;
  /** A log line: on a terminal, written above the bar (the bar is cleared and redrawn). */
  log(line: string): void;
  /** Ends the current stage (its line, or the bar left at its last value). */
  finish(): void;
}

/** bar on a terminal, lines otherwise, quiet with --quiet. */
export function progressMode(stream: { isTTY?: boolean }, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bar' : 'lines';
}

export function progressSink(stream: NodeJS.WriteStream, mode: ProgressMode): ProgressSink {
  if (mode === 'quiet') return { update: () => {}, log: () => {}, finish: () => {} };
  if (mode === 'lines') return lineSink(stream);
  return barSink(stream);
}

function lineSink(stream: NodeJS.WritableStream): ProgressSink {
  let stage: { label: string; done: number; total: number; detail?: string } | undefined;
  const flush = () => {
    if (!stage) return;
    const detail = stage.detail ? ` (${stage.detail})` : '';
    stream.write(`${stage.label}: ${stage.done}/${stage.total}${detail}\n`);
    stage = undefined;
  };
  return {
    update(label, done, total, detail) {
      if (stage && stage.label !== label) flush();
      stage = { label, done, total, detail };
      if (done >= total) flush();
    },
    log: (line) => void stream.write(line + '\n'),
    finish: flush,
  };
}

function barSink(stream: NodeJS.WriteStream): ProgressSink {
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(next, done, total, detail = '') {
      if (bar && next !== label) stop();
      if (!bar) {
        label = next;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${next} [{bar}] {value}/{total} {percentage}% {detail}`,
            barsize: 30,
            hideCursor: true,
            clearOnComplete: false,
            // Redraw at most 10 times a second (also after a log line cleared the bar); the last
            // value is always drawn by stop().
            fps: 10,
            forceRedraw: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { detail });
      }
      bar.setTotal(total);
      bar.update(done, { detail });
      if (done >= total) stop();
    },
    log(line) {
      if (!bar) {
        stream.write(line + '\n');
        return;
      }
      // Clear the bar's line, write the log line, draw the bar again below it.
      stream.write('\r\x1b[2K' + line + '\n');
      bar.render();
    },
    finish: stop,
  };
}
