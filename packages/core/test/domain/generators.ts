import fc from 'fast-check';

/** Shell metacharacters, whitespace and control characters: none may survive into an accepted name. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
export const UNSAFE_IN_NAMES = /[\s\u0000-\u001f\u007f-\u009f;&|$`'"<>(){}[\]*?\\!#~=%^,]/;

const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');

function word(chars: readonly string[], rest: readonly string[], max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...chars), fc.array(fc.constantFrom(...rest), { maxLength: max }))
    .map(([first, tail]) => first + tail.join(''));
}

/** GitHub owners: alphanumerics separated by single hyphens, at most 39 characters. */
export const owner = fc
  .array(word(alnum, alnum, 4), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('-'))
  .filter((name) => name.length <= 39);

/** GitHub repository names (no leading '-', not only dots, not ending in .git). */
export const repo = word([...alnum, '.', '_'], [...alnum, '.', '_', '-'], 20).filter(
  (name) => !/^\.+$/.test(name) && !name.toLowerCase().endsWith('.git'),
);

/** Git refs as the parser accepts them. */
export const ref = word([...alnum, '_'], [...alnum, '.', '_', '-'], 15).filter((name) => !name.includes('..'));

/** Subfolder paths. */
export const subPath = fc
  .array(word([...alnum, '_', '+'], [...alnum, '.', '_', '+', '-'], 10).filter((s) => !s.includes('..')), { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join('/'));

/** npm name parts (scope or name) that npm accepts for new packages. */
export const npmPart = word(lowerAlnum, [...lowerAlnum, '.', '_', '-'], 20);

/** Semver versions. */
export const semver = fc
  .tuple(
    fc.nat({ max: 999 }),
    fc.nat({ max: 999 }),
    fc.nat({ max: 999 }),
    fc.option(fc.constantFrom('alpha', 'beta.1', 'rc.2', '0', 'x-y.3'), { nil: undefined }),
    fc.option(fc.constantFrom('build', '20260101', 'sha.abc'), { nil: undefined }),
  )
  .map(([a, b, c, pre, build]) => `${a}.${b}.${c}${pre === undefined ? '' : `-${pre}`}${build === undefined ? '' : `+${build}`}`);

/** PEP 508 names (any case, separators inside). */
export const pypiName = fc
  .array(word(alnum, alnum, 6), { minLength: 1, maxLength: 4 })
  .chain((parts) =>
    fc.array(fc.constantFrom('-', '_', '.', '--', '._'), { minLength: parts.length - 1, maxLength: parts.length - 1 }).map((seps) =>
      parts.reduce((name, part, i) => (i === 0 ? part : `${name}${seps[i - 1] ?? '-'}${part}`), ''),
    ),
  );

/** PEP 440 public versions. */
export const pep440 = fc
  .tuple(
    fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    fc.array(fc.nat({ max: 99 }), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('a', 'b', 'rc'), fc.nat({ max: 9 })), { nil: undefined }),
    fc.option(fc.nat({ max: 9 }), { nil: undefined }),
    fc.option(fc.nat({ max: 9 }), { nil: undefined }),
  )
  .map(
    ([epoch, release, pre, post, dev]) =>
      `${epoch === undefined ? '' : `${epoch}!`}${release.join('.')}${pre === undefined ? '' : `${pre[0]}${pre[1]}`}` +
      `${post === undefined ? '' : `.post${post}`}${dev === undefined ? '' : `.dev${dev}`}`,
  );

/** Strings that mix a risky alphabet (metacharacters, unicode look-alikes, invisible characters) with URL parts. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'aZ0-._~@/:?#%\\$`;|&<>()\'" \n\t\u0000\u200b\u202e\u0456\u043e!*+=[]{}^'.split('')), maxLength: 40 }),
  fc.tuple(fc.constantFrom('https://github.com/', 'npm:', 'pypi:', 'http://', './', '@', ''), fc.string({ unit: 'binary', maxLength: 60 })).map(
    ([prefix, rest]) => prefix + rest,
  ),
);

/** Inserts `insert` into `value` at a position chosen by `at` (0..1). */
export function insertAt(value: string, insert: string, at: number): string {
  const index = Math.floor(at * (value.length + 1));
  return value.slice(0, index) + insert + value.slice(index);
}
