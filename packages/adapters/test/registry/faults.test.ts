import { expect } from 'chai';
import { REGISTRY_CONTRACT_SEED, expectCatwalkError } from '@catwalk/core/testing';
import type { CatwalkError, PackageRef, PackageRegistry } from '@catwalk/core';
import { NpmRegistry } from '../../src/registry/npm.js';
import type { NpmRegistryOptions } from '../../src/registry/npm.js';
import { PypiRegistry } from '../../src/registry/pypi.js';
import type { FakeServer, Fault } from './fakeServers.js';
import { startFakeNpm, startFakePypi } from './fakeServers.js';

interface Subject {
  readonly registry: 'npm' | 'pypi';
  readonly start: () => Promise<FakeServer>;
  readonly make: (baseUrl: string, limits?: { timeoutMs?: number; deadlineMs?: number; maxBytes?: number }) => PackageRegistry;
  readonly ref: PackageRef;
}

const subjects: Subject[] = [
  {
    registry: 'npm',
    start: () => startFakeNpm(REGISTRY_CONTRACT_SEED),
    make: (baseUrl, limits = {}) => new NpmRegistry({ baseUrl, ...limits }),
    ref: { runtime: 'npm', name: '@contract/server-notes' },
  },
  {
    registry: 'pypi',
    start: () => startFakePypi(REGISTRY_CONTRACT_SEED),
    make: (baseUrl, limits = {}) => new PypiRegistry({ baseUrl, ...limits }),
    ref: { runtime: 'python', name: 'contract-weather-mcp' },
  },
];

async function expectUnavailable(promise: Promise<unknown>, registry: string, reason: string): Promise<CatwalkError> {
  const error = (await expectCatwalkError(promise, 'registry_unavailable')) as CatwalkError;
  expect(error.retryable).to.equal(true);
  expect(error.details['registry']).to.equal(registry);
  expect(error.details['reason']).to.equal(reason);
  // The user-facing message never carries upstream text or addresses.
  expect(error.message).to.not.match(/127\.0\.0\.1|<html|Internal Server Error/i);
  return error;
}

for (const subject of subjects) {
  describe(`${subject.registry} adapter against a faulty registry`, function () {
    let server: FakeServer;
    beforeEach(async function () {
      server = await subject.start();
    });
    afterEach(async function () {
      await server.close();
    });

    const cases: { fault: Fault; reason: string }[] = [
      { fault: { kind: 'status', status: 500 }, reason: 'HTTP 500' },
      { fault: { kind: 'status', status: 503 }, reason: 'HTTP 503' },
      { fault: { kind: 'status', status: 429 }, reason: 'HTTP 429' },
      { fault: { kind: 'html' }, reason: 'malformed JSON body' },
      { fault: { kind: 'malformed' }, reason: 'malformed JSON body' },
      { fault: { kind: 'wrong-shape' }, reason: 'unexpected response shape' },
      { fault: { kind: 'reset' }, reason: 'connection reset' },
    ];
    for (const { fault, reason } of cases) {
      it(`${JSON.stringify(fault)} → registry_unavailable (${reason})`, async function () {
        server.fault(fault);
        await expectUnavailable(subject.make(server.baseUrl).lookup(subject.ref), subject.registry, reason);
      });
    }

    it('a registry that does not answer in time → registry_unavailable within the timeout', async function () {
      server.fault({ kind: 'slow', ms: 2_000 });
      const started = Date.now();
      await expectUnavailable(subject.make(server.baseUrl, { timeoutMs: 150 }).lookup(subject.ref), subject.registry, 'timed out');
      expect(Date.now() - started).to.be.below(1_000);
    });

    it('a body that drips in slowly is cut at the response deadline', async function () {
      server.fault({ kind: 'slow-body', ms: 20 });
      const started = Date.now();
      await expectUnavailable(
        subject.make(server.baseUrl, { timeoutMs: 1_000, deadlineMs: 300 }).lookup(subject.ref),
        subject.registry,
        'timed out',
      );
      expect(Date.now() - started).to.be.below(1_500);
    });

    it('a 50 MB body is refused while streaming, with bounded time and memory', async function () {
      server.fault({ kind: 'huge', bytes: 50 * 1024 * 1024 });
      const before = process.memoryUsage().heapUsed;
      const started = Date.now();
      // Default caps: 5 MB for abbreviated npm documents, 10 MB for PyPI.
      await expectUnavailable(subject.make(server.baseUrl).lookup(subject.ref), subject.registry, 'response too large');
      expect(Date.now() - started).to.be.below(5_000);
      // The client stops reading at the cap: far less than 50 MB ever left the server or stayed in our heap.
      expect(server.hugeBytesSent()).to.be.below(20 * 1024 * 1024);
      expect(process.memoryUsage().heapUsed - before).to.be.below(40 * 1024 * 1024);
    });

    it('a refused connection → registry_unavailable', async function () {
      const closed = server.baseUrl;
      await server.close();
      server = await subject.start(); // afterEach closes this one
      await expectUnavailable(subject.make(closed).lookup(subject.ref), subject.registry, 'connection refused');
    });

    it('a host that does not resolve → registry_unavailable (no DNS query is sent: the resolver is injected)', async function () {
      const registry =
        subject.registry === 'npm'
          ? new NpmRegistry({ baseUrl: 'http://registry.catwalk.invalid', lookup: failingLookup })
          : new PypiRegistry({ baseUrl: 'http://pypi.catwalk.invalid', lookup: failingLookup });
      await expectUnavailable(registry.lookup(subject.ref), subject.registry, 'host not found');
    });
  });
}

/** A resolver that fails like getaddrinfo does for an unknown host, without sending any DNS query. */
// (axios only treats `async` functions as promise-style resolvers.)
const failingLookup: NpmRegistryOptions['lookup'] = async (hostname: string) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
};

describe('npm adapter requests', function () {
  let server: FakeServer;
  beforeEach(async function () {
    server = await startFakeNpm(REGISTRY_CONTRACT_SEED);
  });
  afterEach(async function () {
    await server.close();
  });

  it('GETs the scoped name as @scope%2fname with the abbreviated Accept and a Catwalk User-Agent', async function () {
    await new NpmRegistry({ baseUrl: `${server.baseUrl}/` }).lookup({ runtime: 'npm', name: '@contract/server-notes', version: '1.1.0' });
    expect(server.requests).to.have.length(1);
    const request = server.requests[0]!;
    expect(request.method).to.equal('GET');
    expect(request.url).to.equal('/@contract%2fserver-notes');
    expect(request.headers.accept).to.match(/^application\/vnd\.npm\.install-v1\+json/);
    expect(request.headers['user-agent']).to.match(/^catwalk\/\d+\.\d+\.\d+/);
  });

  it('full metadata mode asks for JSON and returns description and repository', async function () {
    const lookup = await new NpmRegistry({ baseUrl: server.baseUrl, fullMetadata: true }).lookup({ runtime: 'npm', name: '@contract/server-notes' });
    expect(server.requests[0]!.headers.accept).to.equal('application/json');
    expect(lookup).to.deep.include({ kind: 'found' });
    if (lookup.kind !== 'found') throw new Error('unreachable');
    expect(lookup.info.description).to.equal('Notes for contract tests');
    expect(lookup.info.repositoryUrl).to.equal('https://github.com/contract/server-notes');
  });

  it('refuses a malformed ref before any request (the adapter re-validates)', async function () {
    const registry = new NpmRegistry({ baseUrl: server.baseUrl });
    await expectCatwalkError(registry.lookup({ runtime: 'npm', name: '../../etc/passwd' }), 'invalid_package_name');
    await expectCatwalkError(registry.lookup({ runtime: 'npm', name: 'ok-name', version: '$(id)' }), 'invalid_package_name');
    await expectCatwalkError(registry.lookup({ runtime: 'python', name: 'requests' }), 'invalid_package_name');
    expect(server.requests).to.deep.equal([]);
  });
});

describe('PyPI adapter requests', function () {
  let server: FakeServer;
  beforeEach(async function () {
    server = await startFakePypi(REGISTRY_CONTRACT_SEED);
  });
  afterEach(async function () {
    await server.close();
  });

  it('GETs /pypi/{name}/json for latest, and both documents for a pin', async function () {
    const registry = new PypiRegistry({ baseUrl: server.baseUrl });
    await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp' });
    expect(server.requests.map((r) => r.url)).to.deep.equal(['/pypi/contract-weather-mcp/json']);
    await registry.lookup({ runtime: 'python', name: 'contract-weather-mcp', version: '0.9.0' });
    expect(server.requests.slice(1).map((r) => r.url).sort()).to.deep.equal(['/pypi/contract-weather-mcp/0.9.0/json', '/pypi/contract-weather-mcp/json']);
    expect(server.requests[0]!.headers['user-agent']).to.match(/^catwalk\//);
  });

  it('refuses a malformed ref before any request', async function () {
    const registry = new PypiRegistry({ baseUrl: server.baseUrl });
    await expectCatwalkError(registry.lookup({ runtime: 'python', name: 'requests; rm -rf /' }), 'invalid_package_name');
    await expectCatwalkError(registry.lookup({ runtime: 'python', name: 'requests', version: '>=1.0' }), 'invalid_package_name');
    expect(server.requests).to.deep.equal([]);
  });
});
