import path from 'node:path';

/**
 * True when `p` is `root` or below it, by their names (resolve symlinks first when it matters:
 * main/services/grants.ts does). `..` segments are folded, so `root/a/../../x` is not inside.
 */
export function isInside(p: string, root: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
