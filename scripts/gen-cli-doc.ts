// Writes docs/cli.md from the CLI's own help texts, so the reference cannot drift from the code.
// Run: npm run gen:cli-doc (a test fails when docs/cli.md is stale).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliReference } from '../main/cli/reference';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
fs.writeFileSync(path.join(root, 'docs/cli.md'), await cliReference());
console.error('wrote docs/cli.md');
