/** A connected PTY pair from socat, for driving the simulators through the real serialport stack. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  a: string;
  b: string;
  proc: ChildProcess;
  /** Kills socat (both PTYs vanish, like an unplugged adapter) and waits for it to exit. */
  kill(): Promise<void>;
}

export function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const proc = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`socat did not report two PTYs within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const paths = [...err.matchAll(/PTY is (\S+)/g)].map((m) => m[1]);
      // "starting data transfer loop" means both ends are open and linked.
      if (paths.length >= 2 && /starting data transfer loop/.test(err)) {
        clearTimeout(timer);
        resolve({
          a: paths[0],
          b: paths[1],
          proc,
          kill: async () => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}
