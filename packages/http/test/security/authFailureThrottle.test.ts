import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { RunDeployment, isCatwalkError } from '@catwalk/core';
import type { CatwalkError } from '@catwalk/core';
import { AuthFailureThrottle } from '../../src/index.js';
import { deploymentBody, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

function refusal(throttle: AuthFailureThrottle, ip: string): CatwalkError | undefined {
  try {
    throttle.assertAllowed(ip);
    return undefined;
  } catch (error) {
    if (isCatwalkError(error)) return error;
    throw error;
  }
}

describe('AuthFailureThrottle', () => {
  it('allows `failures` failed attempts per IP, then refuses with rate_limited and the seconds until the next', () => {
    let now = 1_000_000;
    const throttle = new AuthFailureThrottle({ failures: 3, perMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(refusal(throttle, '10.0.0.1')).to.equal(undefined);
      throttle.recordFailure('10.0.0.1');
    }
    const refused = refusal(throttle, '10.0.0.1');
    expect(refused?.code).to.equal('rate_limited');
    // One attempt comes back every 20 s (3 per minute).
    expect(refused?.details).to.deep.equal({ retryAfterSeconds: 20 });
    // Another address is not affected.
    expect(refusal(throttle, '10.0.0.2')).to.equal(undefined);
    now += 19_000;
    expect(refusal(throttle, '10.0.0.1')?.details).to.deep.equal({ retryAfterSeconds: 1 });
    now += 1_000;
    expect(refusal(throttle, '10.0.0.1')).to.equal(undefined);
    throttle.recordFailure('10.0.0.1');
    expect(refusal(throttle, '10.0.0.1')?.code).to.equal('rate_limited');
  });

  it('forgets addresses whose bucket refilled, so memory follows recent failures only', () => {
    let now = 0;
    const throttle = new AuthFailureThrottle({ failures: 2, perMs: 1000 }, () => now);
    for (let i = 0; i < 50; i++) throttle.recordFailure(`10.0.1.${i}`);
    expect(throttle.size).to.equal(50);
    now += 5000;
    throttle.recordFailure('10.0.2.1');
    expect(throttle.size).to.equal(1);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new AuthFailureThrottle({ failures: 0, perMs: 1000 })).to.throw();
    expect(() => new AuthFailureThrottle({ failures: 1, perMs: 0 })).to.throw();
  });
});

/** A request from a chosen loopback source address (127.0.0.2 is another "client IP" on the same machine). */
function requestFrom(url: string, localAddress: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('failed authentication throttling over a real server', function () {
  this.timeout(30_000);
  const LIMIT = { failures: 3, perMs: 60_000 };
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ http: { authFailureLimit: LIMIT } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers 429 rate_limited with Retry-After after too many bad API keys, even for a good key from that IP', async () => {
    for (let i = 0; i < LIMIT.failures; i++) {
      expect((await h.request('GET', '/api/deployments', { key: `cwa_${'A'.repeat(43)}` })).status).to.equal(401);
    }
    const refused = await h.request('GET', '/api/deployments', { key: 'nope' });
    expect(refused.status).to.equal(429);
    expect(refused.json).to.deep.include({ error: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 20);
    // Throttled before any lookup: a stolen-but-valid key from the guessing address waits too.
    expect((await h.request('GET', '/api/deployments')).status).to.equal(429);
    // Routes without authentication are not throttled.
    expect((await h.request('GET', '/health', { key: null })).status).to.equal(200);
    // Another client address is not affected.
    const other = await requestFrom(`${h.url}/api/deployments`, '127.0.0.2', { authorization: `Bearer ${h.adminKey}` });
    expect(other.status).to.equal(200);
  });

  it('never counts successful calls', async () => {
    for (let i = 0; i < 3 * LIMIT.failures; i++) expect((await h.request('GET', '/api/deployments')).status).to.equal(200);
    for (let i = 0; i < LIMIT.failures; i++) expect((await h.request('GET', '/api/deployments', { key: null })).status).to.equal(401);
    expect((await h.request('GET', '/api/deployments', { key: null })).status).to.equal(429);
  });

  it('throttles wrong gateway tokens per IP, and shares the bucket with API-key failures', async () => {
    const created = await h.request('POST', '/api/deployments', { body: deploymentBody() });
    expect(created.status).to.equal(201);
    await h.server.catwalk.container.get(RunDeployment).execute({ deploymentId: created.json.deployment.id });
    const endpoint: string = created.json.endpoint;
    const wrong = { authorization: `Bearer cwt_${'Z'.repeat(43)}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const post = (headers: Record<string, string>): Promise<Response> => fetch(endpoint, { method: 'POST', headers, body: '{}' });
    // One API-key failure and two token failures use up the three attempts.
    expect((await h.request('GET', '/api/deployments', { key: null })).status).to.equal(401);
    for (let i = 0; i < LIMIT.failures - 1; i++) {
      const res = await post(wrong);
      expect(res.status).to.equal(401);
      await res.text();
    }
    const refused = await post(wrong);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 20);
    expect(await refused.json()).to.deep.include({ error: 'rate_limited', message: 'Too many failed authentication attempts from this address. Retry later.' });
    // Even the right token waits while the address is throttled; another address gets through to the upstream.
    expect((await post({ ...wrong, authorization: `Bearer ${created.json.accessToken}` })).status).to.equal(429);
    const other = await requestFrom(endpoint, '127.0.0.2', { ...wrong, authorization: `Bearer ${created.json.accessToken}` }, 'POST', '{}');
    // The fake orchestrator's upstream (127.0.0.1:9) is down: 502 proves the request passed authentication.
    expect(other.status).to.equal(502);
  });
});
