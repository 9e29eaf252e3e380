/**
 * Per-layer control: which operators stay float. Rules come from the CLI as `op:CONV_2D` (an
 * operator name, case-insensitive) or `tensor:<regex>` (matched against tensor names, i.e. an
 * op's output or weight names).
 */
import { InvalidArgumentError } from '../errors';

export type KeepFloatRule = { kind: 'op'; name: string } | { kind: 'tensor'; pattern: string };

export function parseKeepFloat(spec: string): KeepFloatRule {
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const value = colon > 0 ? spec.slice(colon + 1) : '';
  if (kind === 'op' && /^[A-Za-z0-9_]+$/.test(value)) return { kind: 'op', name: value.toUpperCase() };
  if (kind === 'tensor' && value.length > 0) {
    try {
      new RegExp(value);
    } catch (e) {
      throw new InvalidArgumentError(
        `keep-float rule ${spec}: invalid regular expression (${(e as Error).message})`,
        { option: 'keepFloat' },
      );
    }
    return { kind: 'tensor', pattern: value };
  }
  throw new InvalidArgumentError(`keep-float rule ${spec}: expected op:<OPERATOR> or tensor:<regex>`, {
    option: 'keepFloat',
  });
}

export function keepFloatMatcher(rules: readonly KeepFloatRule[]): {
  op(name: string): boolean;
  tensor(name: string): boolean;
} {
  const ops = new Set(
    rules.filter((r) => r.kind === 'op').map((r) => (r as { name: string }).name.toUpperCase()),
  );
  const res = rules
    .filter((r) => r.kind === 'tensor')
    .map((r) => new RegExp((r as { pattern: string }).pattern));
  return {
    op: (name) => ops.has(name.toUpperCase()),
    tensor: (name) => res.some((re) => re.test(name)),
  };
}
