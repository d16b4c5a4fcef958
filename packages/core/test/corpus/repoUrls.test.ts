import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseRepoUrl } from '../../src/domain/repoRef.js';
import { SOURCE_GRAMMAR, parseSource } from '../../src/domain/source.js';
import { NPM_NAME_RULE, NPM_VERSION_RULE, PYPI_NAME_RULE, PYPI_VERSION_RULE } from '../../src/domain/packageRef.js';
import { isErrorCode } from '../../src/errors/index.js';
import type { ErrorCode } from '../../src/errors/index.js';
import { expectThrows } from '../domain/expectThrows.js';

function lines(file: string): string[] {
  return readFileSync(new URL(file, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

const hostile = lines('./repo-urls.txt').map((line) => {
  const tab = line.indexOf('\t');
  const code = line.slice(0, tab);
  if (!isErrorCode(code)) throw new Error(`bad code in corpus line ${line}`);
  return { code: code as ErrorCode, input: JSON.parse(line.slice(tab + 1)) as string };
});

const valid = lines('./valid-repo-urls.txt').map((line) => {
  const [input = '', key = ''] = line.split('\t');
  return { input, key };
});

// What each code's message must tell the user is allowed.
const ALLOWED_TEXT: Partial<Record<ErrorCode, readonly string[]>> = {
  invalid_repo_url: ['https://github.com/{owner}/{repo}'],
  invalid_source: [SOURCE_GRAMMAR],
  invalid_package_name: [NPM_NAME_RULE, PYPI_NAME_RULE, NPM_VERSION_RULE, PYPI_VERSION_RULE],
};

describe('corpus: hostile repository URLs and sources', () => {
  it('holds at least 80 entries, each with a known code', () => {
    expect(hostile.length).to.be.at.least(80);
  });

  for (const { code, input } of hostile) {
    it(`refuses ${JSON.stringify(input).slice(0, 70)} with ${code}`, () => {
      const error = expectThrows(() => parseSource(input), code);
      const allowed = ALLOWED_TEXT[code] ?? [];
      expect(allowed.some((text) => error.message.includes(text)), error.message).to.equal(true);
      // The message quotes the input safely: no raw control or invisible characters reach it.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
            expect(error.message).to.not.match(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/);
      const repoError = expectThrows(() => parseRepoUrl(input), 'invalid_repo_url');
      expect(repoError.message).to.include('https://github.com/{owner}/{repo}');
    });
  }
});

describe('corpus: valid sources', () => {
  for (const { input, key } of valid) {
    it(`accepts ${input.slice(0, 70)} as ${key}`, () => {
      const source = parseSource(input);
      expect(source.key).to.equal(key);
      // Canonical: parsing the canonical form again gives the same key.
      const canonical =
        source.kind === 'repo' ? source.repo.url : source.kind === 'package' ? source.key : source.kind === 'auto' ? input : source.path;
      expect(parseSource(canonical).key).to.equal(key);
    });
  }
});
