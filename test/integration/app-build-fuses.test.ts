/**
 * Issue 18: the packaged app has its Electron fuses set (electron-builder flips them in the
 * binary): no RunAsNode, no NODE_OPTIONS, no --inspect, cookies encrypted, app.asar checked
 * and the only place code loads from, no extra file:// privileges (the page loads over app://).
 *
 * No YAML parser is a dependency of Lowbit, so this reads the one flat `electronFuses:` block
 * line by line (and refuses anything in it that is not `name: true|false`), then checks every
 * name against electron-builder's own configuration schema, which rejects unknown fuses too.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const CONFIG = new URL('../../electron-builder.yml', import.meta.url);

function readFuses(yaml: string): Record<string, boolean> {
  const lines = yaml.split(/\r?\n/);
  const starts = lines.flatMap((line, i) => (/^electronFuses:\s*$/.test(line) ? [i] : []));
  expect(starts, 'exactly one top-level electronFuses: block').toHaveLength(1);
  const fuses: Record<string, boolean> = {};
  for (const line of lines.slice(starts[0]! + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) break;
    const m = /^ {2}([A-Za-z0-9]+): (true|false)\s*$/.exec(line);
    expect(m, `electronFuses line "${line}" is "name: true|false"`).not.toBeNull();
    expect(fuses, `fuse ${m![1]} set twice`).not.toHaveProperty(m![1]!);
    fuses[m![1]!] = m![2] === 'true';
  }
  return fuses;
}

describe('electron-builder.yml: Electron fuses', () => {
  const fuses = readFuses(fs.readFileSync(CONFIG, 'utf8'));

  it('turns off every way to run the app as plain Node or attach an inspector', () => {
    expect(fuses['runAsNode']).toBe(false);
    expect(fuses['enableNodeOptionsEnvironmentVariable']).toBe(false);
    expect(fuses['enableNodeCliInspectArguments']).toBe(false);
  });

  it('encrypts cookies and runs only the integrity-checked app.asar', () => {
    expect(fuses['enableCookieEncryption']).toBe(true);
    expect(fuses['enableEmbeddedAsarIntegrityValidation']).toBe(true);
    expect(fuses['onlyLoadAppFromAsar']).toBe(true);
  });

  it('gives file:// no extra privileges and keeps the default V8 snapshot', () => {
    expect(fuses['grantFileProtocolExtraPrivileges']).toBe(false);
    expect(fuses['loadBrowserProcessSpecificV8Snapshot']).toBe(false);
  });

  it("names only fuses electron-builder's configuration schema knows", () => {
    const fromBuilder = createRequire(
      createRequire(import.meta.url).resolve('electron-builder/package.json'),
    );
    const scheme = fromBuilder('app-builder-lib/scheme.json') as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    for (const name of Object.keys(fuses)) expect(known, name).toContain(name);
  });
});
