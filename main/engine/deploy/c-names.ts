/**
 * Names and text that reach generated C/C++ sources and Arduino metadata. A model's file name
 * comes from whoever made the file, so it is untrusted: it may hold a newline (which would end a
 * `//` comment and start a preprocessor line), a backslash (a line splice that pulls the next line
 * into the comment), `*\/`, bidirectional-override characters (g++ -Wall warns: Trojan Source),
 * `../` or a leading digit. Every generated file builds its names through this module:
 *
 * - `isCIdentifier`: what may stand alone as a C or C++ identifier;
 * - `checkFileBaseName`: the base of generated file names (an identifier's shape);
 * - `typeNamePart`: PascalCase for names that are glued in front of a suffix (`<P>OpResolver`);
 * - `commentText`: text that goes inside a `//` or `/* *\/` comment;
 * - `propertiesValue`: text that goes after `key=` in a properties file (one line, no new keys).
 *
 * Legitimate names (letters, digits, spaces, dots, dashes) pass through unchanged.
 */

import { InvalidArgumentError } from '../errors';

/** The shape of an identifier (also of a generated file's base name). */
export const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Refuses a base name for generated files that is not an identifier's shape: then no format can
 * produce a path with a folder in it (`../x`), a hidden file, or a broken C name.
 */
export function checkFileBaseName(base: string): void {
  if (!C_IDENTIFIER.test(base))
    throw new InvalidArgumentError(
      `${JSON.stringify(base)} is not a valid file base name (letters, digits, _; not a digit first)`,
    );
}

/** C11 and C++20 keywords and alternative tokens: none may name a symbol on its own. */
const KEYWORDS = new Set(
  `alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
  char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
  co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
  extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
  nullptr operator or or_eq private protected public register reinterpret_cast requires restrict
  return short signed sizeof static static_assert static_cast struct switch template this
  thread_local throw true try typedef typeid typename union unsigned using virtual void volatile
  wchar_t while xor xor_eq _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
  _Static_assert _Thread_local`.split(/\s+/),
);

/** An identifier that may stand alone in C and C++: the shape, and not a keyword. */
export function isCIdentifier(s: string): boolean {
  return C_IDENTIFIER.test(s) && !KEYWORDS.has(s);
}

/**
 * PascalCase of a name's alphanumeric words, glued before a suffix (`k<P>ArenaSize`,
 * `<P>OpResolver`): an `M` goes first when the first word starts with a digit, so the result is
 * always the start of an identifier.
 */
export function typeNamePart(s: string): string {
  const p = s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return /^[0-9]/.test(p) ? `M${p}` : p;
}

/**
 * Text safe inside a C/C++ comment: control characters, Unicode line and format characters
 * (bidirectional overrides), and backslashes become `_`; `*\/`, `/*` and `??` (trigraphs) are
 * broken apart, so the text can neither end the comment, splice the next line into it, nor start
 * a line of its own.
 */
export function commentText(s: string): string {
  return s
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\]/gu, '_')
    .replace(/\*\//g, '*_/')
    .replace(/\/\*/g, '/_*')
    .replace(/\?\?/g, '?_');
}

/** A value safe after `key=` in a properties file: one line (no new keys), no control characters. */
export function propertiesValue(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ');
}
