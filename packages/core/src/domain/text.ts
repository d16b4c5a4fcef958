/**
 * Small text helpers shared by the parsers. Core has no Node APIs (no Buffer, no TextEncoder typings), so UTF-8
 * length is computed by hand.
 */

/** Number of bytes `value` takes in UTF-8. Lone surrogates count as the 3-byte replacement character. */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Whether the string holds a control character (C0, DEL, C1) such as NUL or a newline. */
export function hasControlCharacter(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(value);
}

/**
 * Whether the string holds an invisible formatting character (zero-width space/joiners, bidi overrides, BOM,
 * soft hyphen, line/paragraph separators): characters that make text read differently than it is.
 */
export function hasInvisibleCharacter(value: string): boolean {
  return /[\p{Cf}\u2028\u2029]/u.test(value);
}

/**
 * Shows an untrusted value inside a message: quoted, truncated, control characters escaped, and invisible
 * formatting characters (bidi overrides, zero-width) escaped as \uXXXX so a message cannot be made to lie.
 */
export function quoteForMessage(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown).replace(/[\p{Cf}\u2028\u2029]/gu, (char) =>
    Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
