/**
 * Issue 17 item 13 (first run), as scripted checks of what a newcomer meets after `npm install`:
 * `lowbit serve` builds a missing UI and serves it; a test whose peer is missing is skipped with
 * the reason in the summary, and fails instead under LOWBIT_REQUIRE_PEERS=1 (which .ci/run sets);
 * `npm start` without Electron's binary says what to do in one sentence; the Node versions that
 * package.json and the README accept are exactly those every dependency accepts.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import semver from 'semver';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/shared';
import { peer } from '../support/peers';
import { filesUsingShared, testFiles } from '../support/peer-files';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-first-run-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20, timeout: 540_000 },
      (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

/** vitest on one file in a child process, as `npm test` runs it, with extra environment. */
const vitest = (files: string[], env: Record<string, string>) =>
  run(process.execPath, [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...files], {
    ...env,
    // The parent vitest's own variables would make the child think it is a worker.
    VITEST: '',
    VITEST_POOL_ID: '',
    VITEST_WORKER_ID: '',
  });

describe('lowbit serve on a fresh clone', () => {
  it('builds the missing UI, then serves it', { timeout: 600_000 }, async () => {
    const dist = path.join(tmp, 'dist');
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'lowbit.mjs'), 'serve', '--port', '0', '--json'],
      {
        cwd: tmp,
        env: { ...process.env, LOWBIT_RENDERER_DIST: dist },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l).url as string));
        child.once('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
      });
      expect(err).toContain(`building the UI once (${path.join(dist, 'index.html')} is missing`);
      expect(fs.existsSync(path.join(dist, 'index.html'))).toBe(true);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('tests that need a peer', () => {
  // devices-faults.test.ts has two tests over socat PTYs and eleven on a fake link.
  const FILE = 'test/integration/devices-faults.test.ts';
  // That file reads ../shared too: without it, it is left out rather than run.
  const shared = peer('shared');

  it.skipIf(!shared.ok)(
    `skip when socat is missing, and the summary says why ${shared.why}`,
    { timeout: 600_000 },
    async () => {
      const r = await vitest([FILE], { LOWBIT_HIDE_PEERS: 'socat', LOWBIT_REQUIRE_PEERS: '' });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/unit: 11 passed, 0 failed, 2 skipped/);
      expect(r.out).toContain('skipped 2: socat is not installed (apt-get install socat)');
    },
  );

  it.skipIf(!shared.ok)(
    `fail instead with LOWBIT_REQUIRE_PEERS=1 ${shared.why}`,
    { timeout: 600_000 },
    async () => {
      const r = await vitest([FILE], { LOWBIT_HIDE_PEERS: 'socat', LOWBIT_REQUIRE_PEERS: '1' });
      expect(r.code).not.toBe(0);
      expect(r.out + r.err).toContain('LOWBIT_REQUIRE_PEERS=1 and a peer is missing: socat is not installed');
    },
  );

  it(
    'without ../shared the files that read it are left out, and the summary says so',
    { timeout: 600_000 },
    async () => {
      const r = await vitest(['test/integration/cli-doc.test.ts', 'test/integration/outputs-cli.test.ts'], {
        LOWBIT_SHARED: path.join(tmp, 'no-shared'),
        LOWBIT_REQUIRE_PEERS: '',
      });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/unit: [1-9]\d* passed, 0 failed/);
      // As many files as read ../shared (a count that grows with the suite), e.g. the Coral tests.
      const reading = filesUsingShared(
        testFiles(ROOT, ['main', 'preload', 'renderer/src', 'test/integration']),
      );
      expect(reading).toContain(path.join(ROOT, 'test/integration/edgetpu-coral.test.ts'));
      expect(reading).not.toContain(path.join(ROOT, 'test/integration/cli-doc.test.ts'));
      expect(r.out).toContain(
        `skipped ${reading.length} test file(s): ${path.join(tmp, 'no-shared')} (reference models and tools) is not beside the checkout`,
      );
      const ci = await vitest(['test/integration/cli-doc.test.ts'], {
        LOWBIT_SHARED: path.join(tmp, 'no-shared'),
        LOWBIT_REQUIRE_PEERS: '1',
      });
      expect(ci.code).not.toBe(0);
      expect(ci.out + ci.err).toContain('LOWBIT_REQUIRE_PEERS=1 and a peer is missing');
    },
  );

  it.skipIf(!shared.ok)(
    `a skip without the reason in its name: the summary names the missing peer ${shared.why}`,
    { timeout: 600_000 },
    async () => {
      // cluster-basic.test.ts: one Arm NN cross-check among nine tests of its own.
      const r = await vitest(['test/integration/cluster-basic.test.ts'], {
        LOWBIT_HIDE_PEERS: 'armnn',
        LOWBIT_REQUIRE_PEERS: '',
      });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/unit: 9 passed, 0 failed, 1 skipped/);
      expect(r.out).toContain('missing here: Arm NN is not installed');
    },
  );

  it('.ci/run sets LOWBIT_REQUIRE_PEERS=1 before npm test', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const at = ci.indexOf('export LOWBIT_REQUIRE_PEERS=1');
    expect(at).toBeGreaterThan(0);
    expect(ci.indexOf('npm test', at)).toBeGreaterThan(at);
  });
});

describe('npm start without Electron', () => {
  it('says what to do in one sentence, exit 1, no stack trace', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'electron-'));
    const r = await run(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      ELECTRON_OVERRIDE_DIST_PATH: empty,
    });
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^npm start needs Electron's binary, which is not installed: .*npx lowbit serve.*\.$/,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('package.json runs scripts/start.mjs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
  });
});

describe('Node version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const ours = pkg.engines.node as string;
  const deps = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].flatMap((d) => {
    const p = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', d, 'package.json'), 'utf8'));
    return p.engines?.node ? [{ name: d, range: p.engines.node as string }] : [];
  });
  // Every minor release line from 18 to 26, at .0 and its last patch worth testing.
  const versions = Array.from({ length: 9 }, (_v, i) => 18 + i).flatMap((major) =>
    Array.from({ length: 21 }, (_v, minor) => `${major}.${minor}.0`),
  );

  it('package.json accepts exactly the Node versions every dependency accepts', () => {
    expect(deps.length).toBeGreaterThan(10);
    for (const v of versions) {
      const all = deps.every((d) => semver.satisfies(v, d.range));
      expect(semver.satisfies(v, ours), `${v}: ours ${ours}, dependencies ${all ? 'accept' : 'refuse'}`).toBe(
        all,
      );
    }
    expect(ours).toBe('^22.13.0 || >=24');
  });

  it('the README says the same versions', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('Node ^22.13 or 24+');
    expect(readme).toContain('engines say `^22.13.0 || >=24`');
  });
});
