/**
 * Peers: what a test needs from outside this repository (issue 17, item 13). On a fresh clone
 * after `npm install`, a test whose peer is missing is skipped, and the skip says why in its name
 * ("skipped: socat is not installed (apt-get install socat)"); the summary reporter lists each
 * reason once. CI (.ci/run) installs every peer and sets LOWBIT_REQUIRE_PEERS=1: there a missing
 * peer throws while the test file loads, so the file fails instead of skipping quietly.
 *
 * Use:  const socat = peer('socat');  describe.skipIf(!socat.ok)(`... ${socat.why}`, ...)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SHARED } from './shared.ts';

export type PeerName = 'shared' | 'chromium' | 'armnn' | 'stm32flash' | 'socat';

export interface Peer {
  name: PeerName;
  ok: boolean;
  /** '' when present; else "(skipped: <what is missing> (<how to get it>))", for a test's name. */
  why: string;
  /** Where it is (a folder or an executable), when present. */
  path?: string;
}

const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** An executable on PATH (or an absolute path) that exists, else undefined. */
export function onPath(name: string): string | undefined {
  if (path.isAbsolute(name)) return fs.existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Each peer: where it is when present, else what is missing and how to get it. */
const PROBES: Record<PeerName, () => { path?: string; missing: string }> = {
  shared: () => ({
    path: fs.existsSync(path.join(SHARED, 'models')) ? SHARED : undefined,
    missing: `${SHARED} (reference models and tools) is not beside the checkout`,
  }),
  chromium: () => ({
    path: onPath(process.env.LOWBIT_CHROMIUM ?? '/usr/bin/chromium'),
    missing: 'Chromium is not installed (apt-get install chromium, or set LOWBIT_CHROMIUM)',
  }),
  armnn: () => {
    const run = path.join(SHARED, 'tools', 'armnn-run');
    let ok: boolean;
    try {
      execFileSync(PYTHON, ['-c', 'import pyarmnn'], { stdio: 'ignore' });
      ok = fs.existsSync(run);
    } catch {
      ok = false;
    }
    return {
      path: ok ? run : undefined,
      missing:
        'Arm NN is not installed (apt-get install python3-pyarmnn libarmnn-cpuref-backend22, and ../shared)',
    };
  },
  stm32flash: () => ({
    path: onPath('stm32flash'),
    missing: 'stm32flash is not installed (apt-get install stm32flash)',
  }),
  socat: () => ({ path: onPath('socat'), missing: 'socat is not installed (apt-get install socat)' }),
};

const cache = new Map<PeerName, Peer>();

/** True when CI asked for every peer (LOWBIT_REQUIRE_PEERS=1): missing ones fail. */
export function peersRequired(): boolean {
  return process.env.LOWBIT_REQUIRE_PEERS === '1';
}

/** Every peer's name. */
export const PEER_NAMES: readonly PeerName[] = ['shared', 'chromium', 'armnn', 'stm32flash', 'socat'];

/**
 * The peer, probed once per process. Missing with LOWBIT_REQUIRE_PEERS=1: throws, so the test
 * file that needs it fails, naming what is missing.
 */
export function peer(name: PeerName): Peer {
  const p = probePeer(name);
  if (!p.ok && peersRequired())
    throw new Error(`LOWBIT_REQUIRE_PEERS=1 and a peer is missing: ${p.why.slice('(skipped: '.length, -1)}`);
  return p;
}

/** The peer as found on this machine, never throwing (the summary reporter lists missing ones). */
export function probePeer(name: PeerName): Peer {
  let p = cache.get(name);
  if (!p) {
    // LOWBIT_HIDE_PEERS=socat,armnn: treat those as missing (test/integration/first-run.test.ts
    // checks a fresh machine's skips and CI's failures this way, on a machine that has them all).
    const hidden = (process.env.LOWBIT_HIDE_PEERS ?? '').split(',').includes(name);
    const probe = hidden ? { path: undefined, missing: PROBES[name]().missing } : PROBES[name]();
    p = probe.path
      ? { name, ok: true, why: '', path: probe.path }
      : { name, ok: false, why: `(skipped: ${probe.missing})` };
    cache.set(name, p);
  }
  return p;
}
