import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IoError } from '../../engine/errors';
import { ensureUiBuilt } from '../build-ui';
import { startHost } from '../../host/server';
import { createServices } from '../../services';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import { UsageError, type CliCommand } from '../command';
import { version } from '../version';

/** The Vite build of renderer/ (`npm run build:renderer`); overridable for packaged layouts. */
export function rendererDist(): string {
  return (
    process.env.LOWBIT_RENDERER_DIST ?? fileURLToPath(new URL('../../../renderer/dist', import.meta.url))
  );
}

function parsePort(s: string | undefined): number {
  if (s === undefined) return 0;
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535)
    throw new UsageError(`--port must be 0..65535 (0 picks a free port), got "${s}"`);
  return Number(s);
}

/** Best effort: a missing opener is a warning, the URL is printed anyway. */
function openInBrowser(url: string, warn: (line: string) => void): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', (e) =>
      warn(`could not open a browser (${e.message}); open the address above yourself`),
    );
    child.unref();
  } catch (e) {
    warn(`could not open a browser (${(e as Error).message}); open the address above yourself`);
  }
}

/** An --allow value: an existing folder, absolute from here on. */
function allowedFolder(dir: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`--allow needs an existing folder, got "${dir}"`);
  return path.resolve(dir);
}

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve the app UI in a browser on 127.0.0.1 (no Electron needed)',
  usage: `usage: lowbit serve [--port N] [--allow DIR]... [--open] [--json]

Serves the Lowbit UI to a browser on this machine only (127.0.0.1), with the same services as
the desktop app over a WebSocket. The printed address carries a random session token: only a
page opened from it can use the services. The page reaches only files under the allowed
folders (symlinks and .. cannot lead out), and saves only new model files there. Stop with Ctrl+C.
  --port N     port to listen on (default 0: a free port)
  --allow DIR  a folder the page may read and save new models into (repeatable; default: the
               working directory)
  --open       open the address in the default browser
  --json       print {"url": ...} on stdout instead of a sentence

Builds the UI first when it is not built yet (renderer/dist missing: about a minute, once).`,
  async run(argv, ctx) {
    const { values } = parse(
      argv,
      {
        port: { type: 'string' },
        allow: { type: 'string', multiple: true },
        open: { type: 'boolean' },
        ...JSON_FLAG,
      },
      { maxPositionals: 0 },
    );
    const port = parsePort(values.port);
    const allowedFolders = (values.allow ?? [process.cwd()]).map(allowedFolder);
    const dist = rendererDist();
    await ensureUiBuilt(dist, ctx);

    const services = createServices({
      mode: 'browser',
      version: version(),
      recentFile: null,
      allowedFolders,
    });
    let host;
    try {
      host = await startHost({ rootDir: dist, backend: services, port });
    } catch (e) {
      await services.dispose();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new IoError(
          `port ${port} on 127.0.0.1 is in use: choose another with --port, or --port 0 for a free one`,
        );
      if (code === 'EACCES')
        throw new IoError(`not allowed to listen on port ${port}: use a port above 1024, or --port 0`);
      throw e;
    }

    ctx.out(values.json ? JSON.stringify({ url: host.url }) : `Lowbit is serving on ${host.url}`);
    ctx.log('open the address above in a browser on this machine; Ctrl+C stops the server');
    ctx.log(`files: the page reaches only files under ${allowedFolders.join(', ')}`);
    if (values.open) openInBrowser(host.url, ctx.log);

    // Run until Ctrl+C (the CLI aborts ctx.signal) or SIGTERM, then close sockets cleanly.
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      process.once('SIGTERM', () => resolve());
    });
    ctx.log('stopping');
    await host.close();
    await services.dispose();
    return 0;
  },
};
