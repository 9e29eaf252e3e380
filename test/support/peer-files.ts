/**
 * The test files that read ../shared (directly or through a test/support module), found by
 * following relative imports: vitest.config.ts leaves them out when ../shared is missing, so a
 * fresh clone's `npm test` skips them (the summary says so) instead of failing on a missing file.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Uses of ../shared in a source file. */
const USES_SHARED = /\b(sharedPath|sharedModelPaths|SHARED|ARMNN_RUN)\b/;
const IMPORT = /from\s+'(\.{1,2}\/[^']+)'/g;

function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const p of [base, `${base}.ts`, path.join(base, 'index.ts')])
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  return undefined;
}

/** `files` (absolute) that use ../shared themselves or import a module that does. */
export function filesUsingShared(files: string[]): string[] {
  const memo = new Map<string, boolean>();
  const supportDefinesIt = (f: string) => /test\/support\/(shared|peers|peer-files)\.ts$/.test(f);
  const uses = (file: string, seen: Set<string>): boolean => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (seen.has(file)) return false;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    // Code (not comments) naming ../shared; the module that defines the names does not count.
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    let result = !supportDefinesIt(file) && USES_SHARED.test(code);
    if (!result)
      for (const m of code.matchAll(IMPORT)) {
        const dep = resolve(file, m[1]!);
        if (dep && dep.endsWith('.ts') && uses(dep, seen)) {
          result = true;
          break;
        }
      }
    memo.set(file, result);
    return result;
  };
  return files.filter((f) => uses(f, new Set()));
}

/** Test files under `dirs` (relative to root) whose names end in .test.ts. */
export function testFiles(root: string, dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out.sort();
}
