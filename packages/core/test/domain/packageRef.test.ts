import { expect } from 'chai';
import fc from 'fast-check';
import validateNpmPackageName from 'validate-npm-package-name';
import {
  formatPackageSpec,
  isExactNpmVersion,
  isExactPypiVersion,
  normalizePypiName,
  parseNpmName,
  parseNpmSpec,
  parseNpmVersion,
  parsePackageRef,
  parsePypiName,
  parsePypiSpec,
  parsePypiVersion,
} from '../../src/domain/packageRef.js';
import type { Runtime } from '../../src/domain/packageRef.js';
import { expectThrows, throwsOnlyCatwalkError } from './expectThrows.js';
import { UNSAFE_IN_NAMES, hostileString, npmPart, pep440, pypiName, semver } from './generators.js';

function accepted(parse: () => string): string | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

/** Strings over the characters npm names are made of, plus the ones npm refuses (upper case, ~, !, …). */
const npmLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcz019-._~@/ABZ!*()\''.split('')), minLength: 1, maxLength: 30 }),
  fc.constantFrom('http', 'fs', 'node_modules', 'favicon.ico', 'punycode', '@scope/http', 'events', 'zlib'),
  hostileString,
);

const npmName = fc.tuple(fc.option(npmPart, { nil: undefined }), npmPart).map(([scope, name]) => (scope === undefined ? name : `@${scope}/${name}`));

describe('parseNpmName', () => {
  it('accepts generated names npm allows for new packages', () => {
    fc.assert(
      fc.property(npmName, (name) => {
        if (!validateNpmPackageName(name).validForNewPackages) return; // e.g. a core module name
        expect(parseNpmName(name)).to.equal(name);
      }),
    );
  });

  it('accepts only names that validate-npm-package-name calls valid for new packages', () => {
    fc.assert(
      fc.property(npmLike, (name) => {
        if (accepted(() => parseNpmName(name)) === undefined) return;
        expect(validateNpmPackageName(name).validForNewPackages, name).to.equal(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses core module names, reserved names, ~ and upper case, saying what is allowed', () => {
    for (const name of ['http', 'fs', 'node_modules', 'favicon.ico', 'foo~bar', 'Foo', '.x', '_x', '-y', '@scope', '@/x', '@Scope/x']) {
      const error = expectThrows(() => parseNpmName(name), 'invalid_package_name');
      expect(error.message).to.include("may contain lowercase letters, digits, '-', '.' and '_'");
    }
    expect(parseNpmName('@scope/http')).to.equal('@scope/http');
    expectThrows(() => parseNpmName('a'.repeat(215)), 'invalid_package_name');
    expectThrows(() => parseNpmName(undefined as unknown as string), 'invalid_package_name');
  });
});

describe('parsePypiName', () => {
  it('accepts PEP 508 names and normalises them per PEP 503, idempotently', () => {
    fc.assert(
      fc.property(pypiName, (name) => {
        const normal = parsePypiName(name);
        expect(normal).to.equal(name.toLowerCase().replace(/[-_.]+/g, '-'));
        expect(parsePypiName(normal)).to.equal(normal);
        expect(normalizePypiName(normal)).to.equal(normal);
      }),
    );
  });

  it('refuses names that do not start and end with a letter or digit', () => {
    for (const name of ['-x', 'x-', '.x', 'x.', 'a b', 'x==1', '', 'a'.repeat(201)]) expectThrows(() => parsePypiName(name), 'invalid_package_name');
  });
});

describe('versions', () => {
  it('accepts semver versions and dist-tags for npm', () => {
    fc.assert(
      fc.property(semver, (version) => {
        expect(isExactNpmVersion(version)).to.equal(true);
        expect(parseNpmVersion(version)).to.equal(version);
      }),
    );
    expect(parseNpmVersion('latest')).to.equal('latest');
    for (const bad of ['^1.0.0', '>=1', '1.x', '01.2.3', '1.2', '', 'v1.2.3 ', '$(id)', '--tag']) expectThrows(() => parseNpmVersion(bad), 'invalid_package_name');
  });

  it('accepts PEP 440 versions for PyPI, with or without ==', () => {
    fc.assert(
      fc.property(pep440, (version) => {
        expect(isExactPypiVersion(version)).to.equal(true);
        expect(parsePypiVersion(version)).to.equal(version);
        expect(parsePypiVersion(`==${version}`)).to.equal(version);
      }),
    );
    expect(parsePypiVersion('latest')).to.equal('latest');
    for (const bad of ['>=1', '~=1.0', '1.0+local', '', '1.0 ', 'v1', '$(id)']) expectThrows(() => parsePypiVersion(bad), 'invalid_package_name');
    expectThrows(() => parsePypiVersion(3 as unknown as string), 'invalid_package_name');
  });
});

describe('package specs', () => {
  it('round-trips name and version through formatPackageSpec', () => {
    fc.assert(
      fc.property(npmName, semver, (name, version) => {
        if (!validateNpmPackageName(name).validForNewPackages) return;
        const ref = parseNpmSpec(`${name}@${version}`);
        expect(ref).to.deep.equal({ runtime: 'npm', name, version });
        expect(parseNpmSpec(formatPackageSpec(ref))).to.deep.equal(ref);
      }),
    );
    fc.assert(
      fc.property(pypiName, pep440, (name, version) => {
        const ref = parsePypiSpec(`${name}==${version}`);
        expect(ref).to.deep.equal({ runtime: 'python', name: normalizePypiName(name), version });
        expect(parsePypiSpec(formatPackageSpec(ref))).to.deep.equal(ref);
      }),
    );
    expect(formatPackageSpec({ runtime: 'npm', name: 'x' })).to.equal('x');
  });

  it('refuses pypi:name====version instead of reading it as ==version', () => {
    expectThrows(() => parsePypiSpec('foo====1.0'), 'invalid_package_name');
  });

  it('refuses an unknown runtime', () => {
    expectThrows(() => parsePackageRef({ runtime: 'ruby' as Runtime, name: 'x' }), 'invalid_package_name');
    expect(parsePackageRef({ runtime: 'python', name: 'X_y', version: '==1.0' })).to.deep.equal({ runtime: 'python', name: 'x-y', version: '1.0' });
  });

  it('never throws anything but a CatwalkError, and accepts no unsafe name or version', () => {
    fc.assert(
      fc.property(hostileString, (input) => {
        for (const parse of [parseNpmName, parsePypiName, parseNpmVersion, parsePypiVersion]) {
          expect(throwsOnlyCatwalkError(() => parse(input))).to.equal(true);
        }
        for (const parse of [parseNpmSpec, parsePypiSpec]) {
          let ref;
          try {
            ref = parse(input);
          } catch (error) {
            expect(throwsOnlyCatwalkError(() => { throw error; })).to.equal(true);
            continue;
          }
          expect(ref.name).to.not.match(UNSAFE_IN_NAMES);
          expect(ref.name.startsWith('-')).to.equal(false);
          // PEP 440 epochs use '!' (1!2.0); nothing else unsafe may appear in a version.
          expect((ref.version ?? '').replace(/^\d+!/, '')).to.not.match(UNSAFE_IN_NAMES);
          expect((ref.version ?? '').startsWith('-')).to.equal(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
