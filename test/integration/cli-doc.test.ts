import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliReference } from '../../main/cli/reference';
import { commands } from '../../main/cli/registry';
import { ROOT } from '../support/shared';

describe('CLI reference', () => {
  it('docs/cli.md matches the commands (run `npm run gen:cli-doc` after changing a command)', async () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
    expect(doc).toBe(await cliReference());
  });

  it('every command file in main/cli/commands is registered', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'main/cli/commands'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(Object.keys(commands).sort()).toEqual(files);
  });

  it('every registered command loads, has the same name and a usage line', async () => {
    for (const [name, entry] of Object.entries(commands)) {
      const cmd = await entry.load();
      expect(cmd.name).toBe(name);
      expect(cmd.usage).toMatch(new RegExp(`^usage: lowbit ${name}\\b`));
      expect(cmd.summary).toBe(entry.summary);
    }
  });
});
