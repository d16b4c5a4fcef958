import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseNpmSpec, parsePackageRef, parsePypiSpec } from '../../src/domain/packageRef.js';
import { parseSource } from '../../src/domain/source.js';
import { isCatwalkError } from '../../src/errors/index.js';
import { ValidatePackage } from '../../src/usecases/ValidatePackage.js';
import { FakeClock, InMemoryPackageRegistry } from '../../src/testing/index.js';

/**
 * The hostile package corpus: every name and version must be refused by syntax, by every entry point that takes
 * one (the parsers, the source grammar, ValidatePackage), before any registry is asked.
 * File format: one JSON string per line (escapes carry NUL, newlines, invisible characters); `#` lines are comments.
 */
export function readCorpus(file: string): string[] {
  return readFileSync(new URL(file, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'string') throw new Error(`corpus line is not a JSON string: ${line}`);
      return value;
    });
}

const names = readCorpus('./package-names.txt');
const versions = readCorpus('./package-versions.txt');
const REFUSED = ['invalid_package_name', 'invalid_source', 'invalid_repo_url'];

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!isCatwalkError(error)) throw error;
    return error.code;
  }
  return 'accepted';
}

async function refusalAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (!isCatwalkError(error)) throw error;
    return error.code;
  }
  return 'accepted';
}

describe('hostile package corpus', function () {
  it('holds at least 200 entries', function () {
    expect(names.length + versions.length).to.be.at.least(200);
  });

  it('every hostile name is refused by every parser', function () {
    const accepted: string[] = [];
    for (const name of names) {
      const outcomes = [
        refusal(() => parsePackageRef({ runtime: 'npm', name })),
        refusal(() => parsePackageRef({ runtime: 'python', name })),
        refusal(() => parseNpmSpec(name)),
        refusal(() => parsePypiSpec(name)),
        refusal(() => parseSource(`npm:${name}`)),
        refusal(() => parseSource(`pypi:${name}`)),
      ];
      if (outcomes.some((code) => !REFUSED.includes(code))) accepted.push(`${JSON.stringify(name)} → ${outcomes.join(',')}`);
    }
    expect(accepted).to.deep.equal([]);
  });

  it('every hostile version is refused with a valid name', function () {
    const accepted: string[] = [];
    for (const version of versions) {
      const outcomes = [
        refusal(() => parsePackageRef({ runtime: 'npm', name: 'safe-server', version })),
        refusal(() => parsePackageRef({ runtime: 'python', name: 'safe-server', version })),
        refusal(() => parseNpmSpec(`safe-server@${version}`)),
        refusal(() => parsePypiSpec(`safe-server==${version}`)),
        refusal(() => parseSource(`npm:safe-server@${version}`)),
        refusal(() => parseSource(`pypi:safe-server==${version}`)),
      ];
      if (outcomes.some((code) => !REFUSED.includes(code))) accepted.push(`${JSON.stringify(version)} → ${outcomes.join(',')}`);
    }
    expect(accepted).to.deep.equal([]);
  });

  it('ValidatePackage refuses every entry without a single registry request', async function () {
    // The fake registry publishes a package under every hostile name: a refusal here can only come from syntax.
    const registry = new InMemoryPackageRegistry([
      { runtime: 'npm', name: 'safe-server', versions: ['1.0.0'] },
      { runtime: 'python', name: 'safe-server', versions: ['1.0.0'] },
    ]);
    const validate = new ValidatePackage({ registry, clock: new FakeClock() });
    const accepted: string[] = [];
    for (const name of names) {
      for (const runtime of ['auto', 'npm', 'python'] as const) {
        const code = await refusalAsync(() => validate.execute({ runtime, name }));
        if (code !== 'invalid_package_name') accepted.push(`${runtime} ${JSON.stringify(name)} → ${code}`);
      }
    }
    for (const version of versions) {
      for (const runtime of ['auto', 'npm', 'python'] as const) {
        const code = await refusalAsync(() => validate.execute({ runtime, name: 'safe-server', version }));
        if (code !== 'invalid_package_name') accepted.push(`${runtime} safe-server@${JSON.stringify(version)} → ${code}`);
      }
    }
    expect(accepted).to.deep.equal([]);
    expect(registry.requests).to.deep.equal([]);
    // The same fake does answer a well-formed request, so the zero above is not an idle registry.
    await validate.execute({ runtime: 'npm', name: 'safe-server' });
    expect(registry.requests).to.have.length(1);
  });
});
