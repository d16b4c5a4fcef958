import { expect } from 'chai';
import fc from 'fast-check';
import validateNpmPackageName from 'validate-npm-package-name';
import { normalizePypiName } from '../../src/domain/packageRef.js';
import { packageKey, parseSource } from '../../src/domain/source.js';
import type { Source } from '../../src/domain/source.js';
import { expectThrows, throwsOnlyCatwalkError } from './expectThrows.js';
import { UNSAFE_IN_NAMES, hostileString, npmPart, owner, pep440, pypiName, ref, repo, semver, subPath } from './generators.js';

const npmName = fc
  .tuple(fc.option(npmPart, { nil: undefined }), npmPart)
  .map(([scope, name]) => (scope === undefined ? name : `@${scope}/${name}`))
  .filter((name) => validateNpmPackageName(name).validForNewPackages === true);

/** A generated valid source with the key it must get. */
const validSource: fc.Arbitrary<{ input: string; key: string }> = fc.oneof(
  fc.tuple(owner, repo, fc.option(fc.tuple(ref, subPath), { nil: undefined })).map(([o, r, tree]) => ({
    input: `https://github.com/${o}/${r}${tree === undefined ? '' : `/tree/${tree[0]}/${tree[1]}`}`,
    key: `github:${o.toLowerCase()}/${r.toLowerCase()}${tree === undefined ? '' : `#${tree[0]}:${tree[1]}`}`,
  })),
  fc.tuple(npmName, fc.option(semver, { nil: undefined })).map(([name, version]) => ({
    input: `npm:${name}${version === undefined ? '' : `@${version}`}`,
    key: `npm:${name}${version === undefined ? '' : `@${version}`}`,
  })),
  fc.tuple(pypiName, fc.option(pep440, { nil: undefined })).map(([name, version]) => ({
    input: `pypi:${name}${version === undefined ? '' : `==${version}`}`,
    key: `pypi:${normalizePypiName(name)}${version === undefined ? '' : `==${version}`}`,
  })),
  fc.tuple(npmName, fc.option(semver, { nil: undefined })).map(([name, version]) => ({
    input: `${name}${version === undefined ? '' : `@${version}`}`,
    key: `auto:${name}${version === undefined ? '' : `@${version}`}`,
  })),
);

/** The form of a parsed source that must parse back to the same key. */
function canonicalInput(source: Source, input: string): string {
  switch (source.kind) {
    case 'repo':
      return source.repo.url;
    case 'package':
      return packageKey(source.package);
    case 'auto':
      return input;
    case 'local':
      return source.path;
  }
}

describe('parseSource', () => {
  it('accepts generated valid sources with their canonical key, and the canonical form parses to the same key', () => {
    fc.assert(
      fc.property(validSource, ({ input, key }) => {
        const source = parseSource(input);
        expect(source.key).to.equal(key);
        expect(parseSource(canonicalInput(source, input)).key).to.equal(key);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but a CatwalkError', () => {
    fc.assert(fc.property(hostileString, (input) => throwsOnlyCatwalkError(() => parseSource(input))), { numRuns: 1000 });
  });

  it('never accepts a package name or version with shell metacharacters, whitespace, control characters or a leading -', () => {
    fc.assert(
      fc.property(hostileString, (input) => {
        let source: Source;
        try {
          source = parseSource(input);
        } catch {
          return;
        }
        const parts =
          source.kind === 'package'
            ? [source.package.name, source.package.version ?? 'x']
            : source.kind === 'auto'
              ? [source.name, source.version ?? 'x']
              : source.kind === 'repo'
                ? [source.repo.owner, source.repo.repo]
                : [];
        for (const part of parts) {
          expect(part.replace(/^\d+!/, '')).to.not.match(UNSAFE_IN_NAMES);
          expect(part.startsWith('-')).to.equal(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('checks the version of a bare package name (it reaches registries and command lines)', () => {
    expectThrows(() => parseSource('foo@$(id)'), 'invalid_package_name');
    expectThrows(() => parseSource('foo@1.0 ;id'), 'invalid_package_name');
    expectThrows(() => parseSource('Foo_Bar@^1'), 'invalid_package_name');
    expect(parseSource('Foo_Bar@==1.0')).to.deep.include({ kind: 'auto', name: 'Foo_Bar', version: '1.0' });
    expect(parseSource('foo@next')).to.deep.include({ kind: 'auto', name: 'foo', version: 'next' });
  });

  it('reads local paths only in their documented forms', () => {
    expect(parseSource('./a dir/x')).to.deep.equal({ kind: 'local', path: './a dir/x', key: 'local:./a dir/x' });
    expect(parseSource('..').kind).to.equal('local');
    expectThrows(() => parseSource('./x\u200b'), 'invalid_source');
    expectThrows(() => parseSource('~/x'), 'invalid_package_name');
  });

  it('says what a source may be', () => {
    const error = expectThrows(() => parseSource('svn:foo'), 'invalid_source');
    expect(error.message).to.include('npm:<name>[@version]');
    expect(error.details).to.include({ reason: 'unknown scheme' });
    expectThrows(() => parseSource(undefined as unknown as string), 'invalid_source');
    expect(expectThrows(() => parseSource('github.com/a/b'), 'invalid_source').message).to.include('must start with https://');
  });
});
