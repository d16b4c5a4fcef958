import { expect } from 'chai';
import { join } from 'node:path';
import { isCatwalkError, parseSource } from '@catwalk/core';
import { GitHubRepoSource } from '../../src/sources/github.js';
import { StaticAnalyzer } from '../../src/analysis/static/staticAnalyzer.js';
import { FIXTURES_DIR } from '../analysis/fixtureExpectations.js';
import type { FakeTreeEntry } from './fakeServers.js';
import { FakeGitHub, blobSha, treeFromDirectory } from './fakeServers.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('GitHubRepoSource against a fake GitHub REST API', () => {
  const github = new FakeGitHub();
  let source: GitHubRepoSource;

  before(async () => {
    await github.start();
    github.add({ owner: 'acme', repo: 'weather-mcp', defaultBranch: 'trunk', trees: { trunk: treeFromDirectory(join(FIXTURES_DIR, 'ts-sdk-server')) } });
    github.add({ owner: 'mono', repo: 'servers', defaultBranch: 'main', trees: { main: treeFromDirectory(join(FIXTURES_DIR, 'monorepo')) } });
  });
  after(() => github.stop());
  beforeEach(() => {
    github.server.requests.length = 0;
    github.rateLimitedUntil = undefined;
    github.secondaryRateLimit = false;
    source = new GitHubRepoSource({ baseUrl: github.url });
  });

  it('reads the default branch, the recursive tree and the blobs, then analyses like a local checkout', async () => {
    const snapshot = await source.fetch(parseSource('https://github.com/acme/weather-mcp'));
    expect(snapshot.key).to.equal('github:acme/weather-mcp');
    expect(snapshot.files.map((f) => f.path).sort()).to.deep.equal(['README.md', 'package.json', 'src/api.ts', 'src/index.ts', 'tsconfig.json']);
    expect(snapshot.truncated).to.equal(false);
    expect(github.server.requests[0]!.url).to.equal('/repos/acme/weather-mcp');
    expect(github.server.requests[1]!.url).to.equal('/repos/acme/weather-mcp/git/trees/trunk?recursive=1');
    expect(github.server.requests.slice(2).every((r) => r.url.startsWith('/repos/acme/weather-mcp/git/blobs/'))).to.equal(true);
    expect(github.server.requests[0]!.headers['accept']).to.equal('application/vnd.github+json');
    expect(github.server.requests[0]!.headers['authorization']).to.equal(undefined);
    const config = await new StaticAnalyzer().analyze(snapshot);
    expect(config.package).to.deep.equal({ runtime: 'npm', name: '@acme/weather-mcp' });
    expect(config.tools.map((t) => t.name).sort()).to.deep.equal(['get_alerts', 'get_forecast']);
  });

  it('sends GITHUB_TOKEN as a Bearer token', async () => {
    const authed = new GitHubRepoSource({ baseUrl: github.url, token: 'ghp_test123' });
    await authed.fetch(parseSource('https://github.com/acme/weather-mcp'));
    expect(github.server.requests.every((r) => r.headers['authorization'] === 'Bearer ghp_test123')).to.equal(true);
  });

  it('reads only the subfolder of a /tree/{ref}/{path} URL, with paths relative to it', async () => {
    const snapshot = await source.fetch(parseSource('https://github.com/mono/servers/tree/main/packages/search-server'));
    expect(snapshot.files.map((f) => f.path).sort()).to.deep.equal(['README.md', 'package.json', 'src/index.ts']);
    expect(snapshot.files.find((f) => f.path === 'README.md')!.content).to.contain('@mono/search-mcp');
    expect(github.server.requests.some((r) => r.url === '/repos/mono/servers')).to.equal(false);
    const config = await new StaticAnalyzer().analyze(snapshot);
    expect(config.package).to.deep.equal({ runtime: 'npm', name: '@mono/search-mcp' });
    expect(config.envVars.map((v) => v.name)).to.not.include('OTHER_TOKEN');
  });

  it('falls back to the repository README when the subfolder has none', async () => {
    const snapshot = await source.fetch(parseSource('https://github.com/mono/servers/tree/main/packages/utils'));
    expect(snapshot.files.map((f) => f.path).sort()).to.deep.equal(['README.md', 'package.json', 'src/index.ts']);
    expect(snapshot.files.find((f) => f.path === 'README.md')!.content).to.contain('# Mono');
  });

  it('maps 404 to not_found and a missing subfolder to not_found', async () => {
    const missing = await rejection(source.fetch(parseSource('https://github.com/acme/nope')));
    expect(isCatwalkError(missing, 'not_found')).to.equal(true);
    const folder = await rejection(source.fetch(parseSource('https://github.com/mono/servers/tree/main/packages/ghost')));
    expect(isCatwalkError(folder, 'not_found')).to.equal(true);
  });

  it('maps a 403 rate limit to source_unavailable with the reset time', async () => {
    github.rateLimitedUntil = 1_900_000_000;
    const error = await rejection(source.fetch(parseSource('https://github.com/acme/weather-mcp')));
    expect(isCatwalkError(error, 'source_unavailable')).to.equal(true);
    if (!isCatwalkError(error)) return;
    expect(error.retryable).to.equal(true);
    expect(error.details['resetAt']).to.equal(new Date(1_900_000_000_000).toISOString());
    expect(error.message).to.contain('rate limit').and.contain('GITHUB_TOKEN');
    expect(error.message).to.not.contain('127.0.0.1');
  });

  it('maps a 429 secondary rate limit to source_unavailable with retry-after', async () => {
    github.secondaryRateLimit = true;
    const error = await rejection(source.fetch(parseSource('https://github.com/acme/weather-mcp')));
    expect(isCatwalkError(error, 'source_unavailable')).to.equal(true);
    if (isCatwalkError(error)) expect(error.details['retryAfterSeconds']).to.equal(60);
  });

  it('maps an unreachable API to a retryable source_unavailable', async () => {
    const down = new GitHubRepoSource({ baseUrl: 'http://127.0.0.1:1' });
    const error = await rejection(down.fetch(parseSource('https://github.com/acme/weather-mcp')));
    expect(isCatwalkError(error, 'source_unavailable')).to.equal(true);
    if (isCatwalkError(error)) expect(error.retryable).to.equal(true);
  });

  it('never downloads a tree entry that claims 100 MB, skips symlinks and binaries', async () => {
    const base = treeFromDirectory(join(FIXTURES_DIR, 'no-env'));
    const hostile: FakeTreeEntry[] = [
      ...base,
      { path: 'data/huge.json', mode: '100644', type: 'blob', sha: 'a'.repeat(40), size: 100 * 1024 * 1024 },
      { path: 'passwd', mode: '120000', type: 'blob', sha: blobSha(Buffer.from('/etc/passwd')), size: 11, content: Buffer.from('/etc/passwd') },
      { path: 'logo.png', mode: '100644', type: 'blob', sha: 'b'.repeat(40), size: 2048 },
      { path: 'docs/../../escape.md', mode: '100644', type: 'blob', sha: 'c'.repeat(40), size: 10 },
    ];
    github.add({ owner: 'evil', repo: 'big', defaultBranch: 'main', trees: { main: hostile } });
    const snapshot = await source.fetch(parseSource('https://github.com/evil/big'));
    expect(snapshot.skipped).to.deep.include({ path: 'data/huge.json', reason: 'too_large' });
    expect(snapshot.skipped).to.deep.include({ path: 'passwd', reason: 'symlink' });
    expect(snapshot.skipped).to.deep.include({ path: 'logo.png', reason: 'binary' });
    expect(snapshot.skipped).to.deep.include({ path: 'docs/../../escape.md', reason: 'unsafe_path' });
    const fetchedBlobs = github.server.requests.filter((r) => r.url.includes('/git/blobs/')).map((r) => r.url);
    expect(fetchedBlobs.some((u) => u.endsWith('a'.repeat(40)))).to.equal(false);
    expect(fetchedBlobs.some((u) => u.endsWith('b'.repeat(40)))).to.equal(false);
  });

  it('bounds a 100,000-entry tree: file count limit, a bounded skip list, truncated reported', async function () {
    this.timeout(20_000);
    const manyContent = Buffer.from('export const x = 1;\n');
    const sha = blobSha(manyContent);
    const tree: FakeTreeEntry[] = [...treeFromDirectory(join(FIXTURES_DIR, 'no-env'))];
    for (let i = 0; i < 100_000; i++) tree.push({ path: `gen/f${i}.ts`, mode: '100644', type: 'blob', sha, size: manyContent.byteLength, content: i === 0 ? manyContent : undefined! });
    github.add({ owner: 'evil', repo: 'many', defaultBranch: 'main', trees: { main: tree }, truncated: true });
    const limited = new GitHubRepoSource({ baseUrl: github.url, limits: { maxFiles: 50 } });
    const started = Date.now();
    const snapshot = await limited.fetch(parseSource('https://github.com/evil/many'));
    expect(snapshot.files.length).to.equal(50);
    expect(snapshot.truncated).to.equal(true);
    expect(snapshot.files.map((f) => f.path)).to.include.members(['README.md', 'package.json', 'src/index.ts']);
    expect(snapshot.skipped.length).to.be.at.most(501);
    expect(snapshot.skipped.at(-1)!.reason).to.match(/more skipped files not listed/);
    expect(github.server.requests.filter((r) => r.url.includes('/git/blobs/')).length).to.be.at.most(50);
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('refuses sources of other kinds', async () => {
    const error = await rejection(source.fetch(parseSource('npm:left-pad')));
    expect(isCatwalkError(error, 'invalid_source')).to.equal(true);
  });
});
