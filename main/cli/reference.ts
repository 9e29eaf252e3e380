import { commands } from './registry';

/** The CLI reference (docs/cli.md), built from each command's own usage text. */
export async function cliReference(): Promise<string> {
  const names = Object.keys(commands).sort();
  const parts = [
    '# CLI reference',
    '',
    "<!-- Generated from the commands' own --help texts by `npm run gen:cli-doc`. Do not edit. -->",
    '',
    '`lowbit <command> [options]`. Results go to stdout (`--json` for machines), progress and',
    'diagnostics to stderr. Exit codes: 0 ok, 1 usage, 2 bad input (the message names the file and',
    'the problem), 3 internal error. `lowbit --version` prints the version.',
    '',
    '| command | what it does |',
    '|---|---|',
    ...names.map((n) => `| [\`${n}\`](#${n}) | ${commands[n]!.summary} |`),
  ];
  for (const n of names) {
    const cmd = await commands[n]!.load();
    parts.push('', `## ${n}`, '', '```text', cmd.usage.trim(), '```');
  }
  return parts.join('\n') + '\n';
}
