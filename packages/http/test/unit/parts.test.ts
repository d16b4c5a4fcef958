import { expect } from 'chai';
import { CatwalkError, ERROR_CODES } from '@catwalk/core';
import { clientSnippets } from '../../src/api/presenters.js';
import { CachingGatewayAuthority, RateLimiter, STATUS_BY_CODE, parseJsonSafely, redactHeaders, redactUrl, toErrorResponse } from '../../src/index.js';
import type { GatewayAuthority, GatewayTarget } from '../../src/index.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../src/gateway/headers.js';
import { parseUpstream } from '../../src/gateway/target.js';
import { isOriginAllowed } from '../../src/gateway/origins.js';
import { GatewayCallMetrics } from '../../src/observability/gatewayMetrics.js';
import { Registry } from 'prom-client';

describe('error mapping', () => {
  it('has a status for every error code', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).to.deep.equal(Object.keys(ERROR_CODES).sort());
  });

  it('keeps CatwalkError messages and hides everything else as a bare 500', () => {
    expect(toErrorResponse(new CatwalkError('not_found', 'Deployment not found.'))).to.deep.equal({
      status: 404,
      body: { error: 'not_found', message: 'Deployment not found.', details: {} },
      headers: {},
    });
    const hidden = toErrorResponse(new Error('connect ECONNREFUSED 10.0.0.3:5432 password=hunter2'));
    expect(hidden.status).to.equal(500);
    expect(JSON.stringify(hidden.body)).not.to.match(/ECONNREFUSED|hunter2/);
    expect(toErrorResponse(new CatwalkError('rate_limited', 'slow', { retryAfterSeconds: 2.2 })).headers).to.deep.equal({ 'retry-after': '3' });
  });
});

describe('parseJsonSafely', () => {
  it('parses plain JSON', () => {
    expect(parseJsonSafely('{"a":[1,{"b":"c"}]}')).to.deep.equal({ a: [1, { b: 'c' }] });
  });
  for (const text of ['{"__proto__":{"x":1}}', '{"a":{"constructor":{"prototype":{}}}}', '[{"prototype":1}]', '{"a":[{"b":{"__proto__":null}}]}']) {
    it(`refuses ${text}`, () => {
      expect(() => parseJsonSafely(text)).to.throw(CatwalkError).with.property('code', 'invalid_input');
    });
  }
  it('does not echo malformed input', () => {
    try {
      parseJsonSafely('{"secret": "s3cr3t"');
      expect.fail('should throw');
    } catch (error) {
      expect(JSON.stringify((error as CatwalkError).toJSON())).not.to.include('s3cr3t');
    }
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, perSecond: 1 }, () => now);
    expect(limiter.take('k').allowed).to.equal(true);
    expect(limiter.take('k').allowed).to.equal(true);
    const refused = limiter.take('k');
    expect(refused).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('other').allowed).to.equal(true);
    now = 1000;
    expect(limiter.take('k').allowed).to.equal(true);
    expect(limiter.take('k').allowed).to.equal(false);
  });

  it('forgets refilled buckets', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 5, perSecond: 5 }, () => now);
    for (let i = 0; i < 1000; i++) limiter.take(`key-${i}`);
    expect(limiter.size).to.equal(1000);
    now = 5000;
    limiter.take('fresh');
    expect(limiter.size).to.equal(1);
  });
});

describe('CachingGatewayAuthority', () => {
  class CountingAuthority implements GatewayAuthority {
    calls = 0;
    tokens = new Map<string, string>([['dep-1', 'cwt_good']]);
    async authorize(deploymentId: string, token: string): Promise<GatewayTarget> {
      this.calls++;
      if (this.tokens.get(deploymentId) !== token) throw new CatwalkError('unauthorized', 'no');
      return { upstreamUrl: 'http://127.0.0.1:1/mcp', upstream: parseUpstream('http://127.0.0.1:1/mcp'), upstreamHeaders: {} };
    }
    invalidate(): void {}
  }

  it('serves repeated calls from the cache, re-asks after expiry, invalidation and for other tokens', async () => {
    let now = 0;
    const inner = new CountingAuthority();
    const cache = new CachingGatewayAuthority(inner, { ttlMs: 1000, maxEntries: 10, now: () => now });
    for (let i = 0; i < 5; i++) await cache.authorize('dep-1', 'cwt_good');
    expect(inner.calls).to.equal(1);
    let refused: unknown;
    await cache.authorize('dep-1', 'cwt_bad').catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(CatwalkError);
    expect(inner.calls).to.equal(2);
    now = 1001;
    await cache.authorize('dep-1', 'cwt_good');
    expect(inner.calls).to.equal(3);
    inner.tokens.set('dep-1', 'cwt_new');
    cache.invalidate('dep-1');
    await cache.authorize('dep-1', 'cwt_good').catch(() => undefined);
    expect(inner.calls).to.equal(4);
    await cache.authorize('dep-1', 'cwt_new');
    await cache.authorize('dep-1', 'cwt_new');
    expect(inner.calls).to.equal(5);
  });

  it('does not cache a result that an invalidation overtook', async () => {
    const inner = new CountingAuthority();
    let release: () => void = () => undefined;
    const slow: GatewayAuthority = {
      authorize: async (id, token) => {
        await new Promise<void>((resolve) => (release = resolve));
        return inner.authorize(id, token);
      },
      invalidate: () => undefined,
    };
    const cache = new CachingGatewayAuthority(slow, { ttlMs: 60_000, maxEntries: 10 });
    const pending = cache.authorize('dep-1', 'cwt_good');
    cache.invalidate('dep-1');
    release();
    await pending;
    expect(cache.size).to.equal(0);
  });

  it('answers cached() synchronously only for the verified token of a live entry', async () => {
    let now = 0;
    const inner = new CountingAuthority();
    const cache = new CachingGatewayAuthority(inner, { ttlMs: 1000, maxEntries: 10, now: () => now });
    expect(cache.cached('dep-1', 'cwt_good')).to.equal(undefined);
    const target = await cache.authorize('dep-1', 'cwt_good');
    expect(cache.cached('dep-1', 'cwt_good')).to.equal(target);
    expect(cache.cached('dep-1', 'cwt_bad')).to.equal(undefined);
    expect(cache.cached('dep-2', 'cwt_good')).to.equal(undefined);
    now = 1001;
    expect(cache.cached('dep-1', 'cwt_good')).to.equal(undefined);
    now = 0;
    cache.invalidate('dep-1');
    expect(cache.cached('dep-1', 'cwt_good')).to.equal(undefined);
    expect(inner.calls).to.equal(1);
  });

  it('keeps at most maxEntries', async () => {
    const inner = new CountingAuthority();
    for (let i = 0; i < 20; i++) inner.tokens.set(`dep-${i}`, 'cwt_t');
    const cache = new CachingGatewayAuthority(inner, { ttlMs: 60_000, maxEntries: 5 });
    for (let i = 0; i < 20; i++) await cache.authorize(`dep-${i}`, 'cwt_t');
    expect(cache.size).to.equal(5);
  });
});

describe('gateway headers', () => {
  it('forwards only the MCP headers and the upstream secret, never Authorization or hop-by-hop headers', () => {
    const out = upstreamRequestHeaders(
      {
        authorization: 'Bearer cwt_x',
        cookie: 'a=b',
        connection: 'keep-alive, x-private',
        'x-private': '1',
        'transfer-encoding': 'chunked',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': 's1',
        'mcp-protocol-version': '2025-06-18',
        'last-event-id': '7',
        host: 'evil',
      },
      { 'x-catwalk-upstream-secret': 'shh' },
    );
    expect(out).to.deep.equal({
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': 's1',
      'mcp-protocol-version': '2025-06-18',
      'last-event-id': '7',
      'x-catwalk-upstream-secret': 'shh',
    });
  });

  it('drops hop-by-hop response headers and marks SSE unbuffered', () => {
    const out = clientResponseHeaders({ 'content-type': 'text/event-stream', connection: 'close, x-hop', 'x-hop': '1', 'set-cookie': ['a=b'], 'mcp-session-id': 's1', 'transfer-encoding': 'chunked' });
    expect(out).to.deep.equal({ 'content-type': 'text/event-stream', 'mcp-session-id': 's1', 'x-accel-buffering': 'no', 'cache-control': 'no-cache, no-transform' });
  });

  it('checks origins exactly', () => {
    expect(isOriginAllowed('https://claude.ai', ['https://claude.ai/'])).to.equal(true);
    expect(isOriginAllowed('https://claude.ai.evil.com', ['https://claude.ai'])).to.equal(false);
    expect(isOriginAllowed('http://localhost:1', [])).to.equal(false);
    expect(isOriginAllowed('http://x', ['*'])).to.equal(true);
  });
});

describe('redaction', () => {
  it('masks tokens in URLs and secret headers', () => {
    expect(redactUrl('/mcp/d1?token=cwt_abcdefghijk&x=1')).to.equal('/mcp/d1?token=[REDACTED]&x=1');
    expect(redactUrl('/api/x?cursor=cwa_secretvalue')).to.equal('/api/x?cursor=cwa_[REDACTED]');
    expect(redactHeaders({ authorization: 'Bearer cwa_x', 'user-agent': 'ua cwt_leak' })).to.deep.equal({ authorization: '[REDACTED]', 'user-agent': 'ua cwt_[REDACTED]' });
  });
});

describe('client snippets', () => {
  it('quotes names and values for the shell', () => {
    const snippets = clientSnippets("it's mine; rm -rf /", 'http://127.0.0.1:7420/mcp/d1', 'cwt_T');
    expect(snippets.claudeCode).to.equal("claude mcp add --transport http it-s-mine-rm--rf http://127.0.0.1:7420/mcp/d1 --header 'Authorization: Bearer cwt_T'");
  });
});

describe('parseUpstream', () => {
  it('parses http, https and IPv6 upstreams once', () => {
    expect(parseUpstream('http://127.0.0.1:4321/mcp')).to.deep.equal({ secure: false, hostname: '127.0.0.1', port: 4321, path: '/mcp' });
    expect(parseUpstream('https://app.fly.dev/mcp/secret')).to.deep.equal({ secure: true, hostname: 'app.fly.dev', port: 443, path: '/mcp/secret' });
    expect(parseUpstream('http://[::1]:80/mcp?x=1')).to.deep.equal({ secure: false, hostname: '::1', port: 80, path: '/mcp?x=1' });
    expect(() => parseUpstream('file:///etc/passwd')).to.throw();
  });
});

describe('gateway call metrics', () => {
  it('exposes calls by outcome and status and a cumulative latency histogram in Prometheus text', async () => {
    const registry = new Registry();
    const metrics = new GatewayCallMetrics(registry);
    metrics.record('proxied', 200, 0.0004);
    metrics.record('proxied', 200, 0.002);
    metrics.record('proxied', 202, 400);
    metrics.record('unauthorized', 401, 0.0001);
    const text = await registry.metrics();
    expect(text).to.include('# TYPE catwalk_gateway_requests_total counter');
    expect(text).to.include('catwalk_gateway_requests_total{outcome="proxied",status="200"} 2');
    expect(text).to.include('catwalk_gateway_requests_total{outcome="proxied",status="202"} 1');
    expect(text).to.include('catwalk_gateway_requests_total{outcome="unauthorized",status="401"} 1');
    expect(text).to.include('# TYPE catwalk_gateway_request_duration_seconds histogram');
    expect(text).to.include('catwalk_gateway_request_duration_seconds_bucket{le="0.0005",outcome="proxied"} 1');
    expect(text).to.include('catwalk_gateway_request_duration_seconds_bucket{le="0.0025",outcome="proxied"} 2');
    expect(text).to.include('catwalk_gateway_request_duration_seconds_bucket{le="300",outcome="proxied"} 2');
    expect(text).to.include('catwalk_gateway_request_duration_seconds_bucket{le="+Inf",outcome="proxied"} 3');
    expect(text).to.include('catwalk_gateway_request_duration_seconds_count{outcome="proxied"} 3');
    expect(text).to.match(/catwalk_gateway_request_duration_seconds_sum\{outcome="proxied"\} 400\.002/);
    registry.resetMetrics();
    expect(await registry.metrics()).to.not.include('outcome="proxied"');
  });
});
