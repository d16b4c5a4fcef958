import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';
import { scanRequestHead } from '../../src/gateway/lane/requestHead.js';
import type { LaneHead } from '../../src/gateway/lane/requestHead.js';

const MAX = 16 * 1024;
const BODY = '{"jsonrpc":"2.0","id":1,"method":"ping"}';

function request(headers: readonly string[], body = BODY, requestLine = 'POST /mcp/abc-123 HTTP/1.1'): Buffer {
  return Buffer.from(`${requestLine}\r\n${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

const OK_HEADERS = ['Host: 127.0.0.1:7420', 'Authorization: Bearer cwt_x', 'Content-Type: application/json', 'Accept: application/json, text/event-stream', `Content-Length: ${BODY.length}`];

describe('fast lane: request head scanner', () => {
  it('reads the MCP POST the SDK client sends, with the headers the gateway and the bridge need', () => {
    const head = scanRequestHead(request([...OK_HEADERS, 'Mcp-Session-Id: s-1', 'MCP-Protocol-Version: 2025-06-18', 'Origin: http://localhost', 'User-Agent: node', 'Connection: keep-alive']), MAX);
    expect(head).to.deep.equal({
      url: '/mcp/abc-123',
      headEnd: request([...OK_HEADERS, 'Mcp-Session-Id: s-1', 'MCP-Protocol-Version: 2025-06-18', 'Origin: http://localhost', 'User-Agent: node', 'Connection: keep-alive'], '').length,
      contentLength: BODY.length,
      close: false,
      authorization: 'Bearer cwt_x',
      origin: 'http://localhost',
      accept: 'application/json, text/event-stream',
      contentType: 'application/json',
      sessionId: 's-1',
      protocolVersion: '2025-06-18',
    });
    expect((scanRequestHead(request([...OK_HEADERS, 'connection: Close']), MAX) as LaneHead).close).to.equal(true);
    expect((scanRequestHead(request(OK_HEADERS, BODY, 'POST /mcp/abc?token=cwt_y HTTP/1.1'), MAX) as LaneHead).url).to.equal('/mcp/abc?token=cwt_y');
  });

  it('waits for the rest of a head that may be the lane’s, and gives up on anything else at once', () => {
    const whole = request(OK_HEADERS);
    for (let cut = 1; cut < whole.indexOf('\r\n\r\n') + 4; cut++) {
      expect(scanRequestHead(whole.subarray(0, cut), MAX), `cut at ${cut}`).to.equal('incomplete');
    }
    expect(scanRequestHead(Buffer.from('GET /'), MAX)).to.equal('foreign');
    expect(scanRequestHead(Buffer.from('POST /api/deployments HTTP/1.1\r\n'), MAX)).to.equal('foreign');
    expect(scanRequestHead(Buffer.from(`POST /mcp/x HTTP/1.1\r\nHost: h\r\nX-Pad: ${'a'.repeat(MAX)}`), MAX)).to.equal('foreign');
    // A byte that no head of the lane's can hold settles it before the head is complete.
    expect(scanRequestHead(Buffer.from('POST /mcp/x HTTP/1.1\r\nHost: h\r\nX-A: a\u0000'), MAX)).to.equal('foreign');
    expect(scanRequestHead(Buffer.from('POST /mcp/x HTTP/1.1\r\nHost: h\nX-A'), MAX)).to.equal('foreign');
    expect(scanRequestHead(Buffer.from('POST /mcp/x HTTP/1.1\r\nHost: h\r\nX-A: a\rb'), MAX)).to.equal('foreign');
  });

  it('hands every unusual or ambiguous head to node:http (hostile corpus)', () => {
    const cases: Record<string, Buffer> = {
      'Transfer-Encoding': request([...OK_HEADERS, 'Transfer-Encoding: chunked']),
      'Content-Length and Transfer-Encoding': request([...OK_HEADERS, 'transfer-encoding: identity']),
      'two Content-Lengths': request([...OK_HEADERS, `Content-Length: ${BODY.length}`]),
      'no Content-Length': request(OK_HEADERS.filter((h) => !h.startsWith('Content-Length'))),
      'signed Content-Length': request([...OK_HEADERS.slice(0, -1), `Content-Length: +${BODY.length}`]),
      'hex Content-Length': request([...OK_HEADERS.slice(0, -1), 'Content-Length: 0x28']),
      'space before the colon': request([...OK_HEADERS.slice(0, -1), `Content-Length : ${BODY.length}`]),
      'obs-fold': request([...OK_HEADERS, 'X-Folded: a', ' b']),
      'bare LF line end': Buffer.from(`POST /mcp/x HTTP/1.1\nHost: h\nContent-Length: 2\n\n{}`),
      'bare LF inside the head': request([...OK_HEADERS, 'X-A: 1\nContent-Length: 0']),
      'bare CR inside the head': request([...OK_HEADERS, 'X-A: 1\rContent-Length: 0']),
      'NUL in a value': request([...OK_HEADERS, 'X-A: a\u0000b']),
      'obs-text in a value': request([...OK_HEADERS, 'X-A: caf\u00e9']),
      'HTTP/1.0': request(OK_HEADERS, BODY, 'POST /mcp/x HTTP/1.0'),
      'lower-case method': request(OK_HEADERS, BODY, 'post /mcp/x HTTP/1.1'),
      'absolute-form target': request(OK_HEADERS, BODY, 'POST http://h/mcp/x HTTP/1.1'),
      'two spaces in the request line': request(OK_HEADERS, BODY, 'POST  /mcp/x HTTP/1.1'),
      'no Host': request(OK_HEADERS.slice(1)),
      'two Hosts': request([...OK_HEADERS, 'Host: other']),
      'two Authorizations': request([...OK_HEADERS, 'Authorization: Bearer cwt_z']),
      'two session ids': request([...OK_HEADERS, 'Mcp-Session-Id: a', 'mcp-session-id: b']),
      Expect: request([...OK_HEADERS, 'Expect: 100-continue']),
      Upgrade: request([...OK_HEADERS, 'Upgrade: websocket', 'Connection: Upgrade']),
      'Connection: upgrade': request([...OK_HEADERS, 'Connection: upgrade']),
      'header name with a slash': request([...OK_HEADERS, 'X/Y: 1']),
      'empty header name': request([...OK_HEADERS, ': 1']),
    };
    for (const [name, bytes] of Object.entries(cases)) expect(scanRequestHead(bytes, MAX), name).to.equal('foreign');
  });

  describe('agrees with node:http on every head it accepts (differential, property)', function () {
    this.timeout(60_000);
    let server: Server;
    let port: number;
    /** What node:http saw, per connection, in order. */
    let seen: { method: string; url: string; headers: IncomingMessage['headers']; bodyLength: number }[];

    before(async () => {
      server = createServer((req, res) => {
        let bodyLength = 0;
        req.on('data', (chunk: Buffer) => (bodyLength += chunk.length));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyLength });
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** Sends `bytes` then a probe request on one connection; resolves once node:http answered both or closed. */
    function send(bytes: Buffer): Promise<void> {
      seen = [];
      return new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([bytes, Buffer.from('GET /probe HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')])));
        socket.on('data', () => undefined);
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
    }

    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    const value = fc.stringMatching(/^[\x20-\x7e\t]{0,20}$/);
    /** Mostly well-formed, sometimes not: the property only bites on what the lane accepts. */
    const often = <T,>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: rare, weight: 1 });
    const separator = often(fc.constantFrom(': ', ':', ':\t', ':  '), fc.constantFrom(' :', ':\r\n ', ':\n'));
    const header = often(
      fc.tuple(token, separator, value).map(([n, sep, v]) => `${n}${sep}${v}`),
      fc.tuple(fc.constantFrom('Content-Length', 'content-length', 'Transfer-Encoding', 'Host', 'Connection', 'Authorization', 'Expect', 'Mcp-Session-Id'), separator, value).map(([n, sep, v]) => `${n}${sep}${v}`),
    );
    const generated = fc.record({
      target: often(fc.constantFrom('/mcp/abc', '/mcp/a?token=cwt_b', '/mcp/'), fc.constantFrom('/mcp/a b', '/api/x', '/mcp/%00')),
      version: often(fc.constant('HTTP/1.1'), fc.constant('HTTP/1.0')),
      extra: fc.array(header, { maxLength: 4 }),
      host: often(fc.constant(1), fc.constantFrom(0, 2)),
      length: often(fc.constant('exact'), fc.constantFrom('short', 'missing', 'twice', 'junk')),
      connection: fc.constantFrom(undefined, undefined, 'keep-alive', 'close', 'Keep-Alive, close'),
      end: often(fc.constant('\r\n'), fc.constant('\n')),
      body: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')),
    });

    it('frames, routes and reads headers exactly as llhttp does', async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(generated, async (g) => {
          const lines = [`POST ${g.target} ${g.version}`];
          for (let i = 0; i < g.host; i++) lines.push(`Host: h${i}`);
          const declared = g.length === 'short' ? Math.max(0, g.body.length - 1) : g.body.length;
          if (g.length === 'exact' || g.length === 'short') lines.push(`Content-Length: ${declared}`);
          if (g.length === 'twice') lines.push(`Content-Length: ${declared}`, `Content-Length: ${declared}`);
          if (g.length === 'junk') lines.push(`Content-Length: ${declared}x`);
          if (g.connection !== undefined) lines.push(`Connection: ${g.connection}`);
          lines.push(...g.extra);
          const bytes = Buffer.from(`${lines.join(g.end)}${g.end}${g.end}${g.body}`, 'latin1');
          const head = scanRequestHead(bytes, MAX);
          if (head === 'incomplete' || head === 'foreign') return;
          accepted++;
          await send(bytes);
          // node:http saw the same request with the same body length; and when the lane says the bytes end there,
          // node:http reads the probe next: the lane and llhttp agree where the message ends.
          const names = seen.map((r) => `${r.method} ${r.url}`);
          const endsThere = head.headEnd + head.contentLength === bytes.length;
          if (endsThere && !head.close) expect(names).to.deep.equal([`POST ${head.url}`, 'GET /probe']);
          else expect(names[0]).to.equal(`POST ${head.url}`);
          expect(seen[0]!.bodyLength).to.equal(head.contentLength);
          const h = seen[0]!.headers;
          expect([h.authorization, h.accept, h['content-type'], h.origin]).to.deep.equal([head.authorization, head.accept, head.contentType, head.origin]);
          expect(h['content-length']).to.equal(String(head.contentLength));
        }),
        { numRuns: 1000 },
      );
      expect(accepted, 'the generator reaches the lane often enough to mean something').to.be.greaterThan(150);
    });
  });
});
