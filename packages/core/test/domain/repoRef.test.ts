import { expect } from 'chai';
import fc from 'fast-check';
import { parseRepoUrl } from '../../src/domain/repoRef.js';
import { expectThrows, throwsOnlyCatwalkError } from './expectThrows.js';
import { UNSAFE_IN_NAMES, hostileString, insertAt, owner, ref, repo, subPath } from './generators.js';

describe('parseRepoUrl', () => {
  it('accepts generated GitHub URLs and keeps every part', () => {
    fc.assert(
      fc.property(owner, repo, fc.option(fc.tuple(ref, fc.option(subPath, { nil: undefined })), { nil: undefined }), (o, r, tree) => {
        const suffix = tree === undefined ? '' : `/tree/${tree[0]}${tree[1] === undefined ? '' : `/${tree[1]}`}`;
        const parsed = parseRepoUrl(`https://github.com/${o}/${r}${suffix}`);
        expect(parsed).to.include({ kind: 'github', owner: o, repo: r });
        expect(parsed.ref).to.equal(tree?.[0]);
        expect(parsed.path).to.equal(tree?.[1]);
        const key = `github:${o.toLowerCase()}/${r.toLowerCase()}${tree === undefined ? '' : `#${tree[0]}${tree[1] === undefined ? '' : `:${tree[1]}`}`}`;
        expect(parsed.key).to.equal(key);
        expect(parseRepoUrl(parsed.url).key).to.equal(key);
        expect(parseRepoUrl(`${parsed.url}/`).key).to.equal(key);
      }),
    );
  });

  it('gives .git, trailing slash and case variants of a repository the same key', () => {
    fc.assert(
      fc.property(owner, repo, (o, r) => {
        const key = parseRepoUrl(`https://github.com/${o}/${r}`).key;
        expect(parseRepoUrl(`https://github.com/${o}/${r}.git`).key).to.equal(key);
        expect(parseRepoUrl(`https://github.com/${o}/${r}.GIT/`).key).to.equal(key);
        expect(parseRepoUrl(`HTTPS://GITHUB.COM/${o.toUpperCase()}/${r.toUpperCase()}`).key).to.equal(key);
      }),
    );
  });

  it('never throws anything but a CatwalkError, whatever the input', () => {
    fc.assert(fc.property(hostileString, (input) => throwsOnlyCatwalkError(() => parseRepoUrl(input))), { numRuns: 1000 });
  });

  it('refuses a valid URL with a metacharacter, space, control or invisible character inserted', () => {
    fc.assert(
      fc.property(owner, repo, fc.constantFrom(...' \n\t\u0000;$`|&<>\'"\\?#%@:\u200b\u202e\u0456'.split('')), fc.double({ min: 0.3, max: 1, noNaN: true }), (o, r, bad, at) => {
        const url = insertAt(`https://github.com/${o}/${r}`, bad, at);
        expectThrows(() => parseRepoUrl(url), 'invalid_repo_url');
      }),
    );
  });

  it('never accepts a part with shell metacharacters, whitespace, control characters or a leading -', () => {
    fc.assert(
      fc.property(hostileString, (input) => {
        let parsed;
        try {
          parsed = parseRepoUrl(input);
        } catch {
          return;
        }
        for (const part of [parsed.owner, parsed.repo, parsed.ref ?? 'x', ...(parsed.path ?? 'x').split('/')]) {
          expect(part).to.not.match(UNSAFE_IN_NAMES);
          expect(part.startsWith('-')).to.equal(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('says what is allowed and why the URL was refused', () => {
    const error = expectThrows(() => parseRepoUrl('https://github.com.evil.com/a/b'), 'invalid_repo_url');
    expect(error.message).to.include('https://github.com/{owner}/{repo}');
    expect(error.details).to.have.property('reason');
    expectThrows(() => parseRepoUrl(42 as unknown as string), 'invalid_repo_url');
    expectThrows(() => parseRepoUrl(''), 'invalid_repo_url');
  });
});
