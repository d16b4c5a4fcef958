import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Koa from 'koa';
import { CONSOLE_CSP, serveConsole } from '../../src/console/index.js';

describe('console: static serving', () => {
  let root: string;
  let server: Server;
  let base: string;
  let scriptsDir: string;

  const start = async (built: boolean): Promise<void> => {
    root = mkdtempSync(join(tmpdir(), 'catwalk-console-'));
    const staticDir = join(root, 'static');
    scriptsDir = join(root, 'scripts');
    mkdirSync(staticDir);
    mkdirSync(scriptsDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(staticDir, 'styles.css'), 'body{}');
    writeFileSync(join(root, 'secret.txt'), 'not for you');
    if (built) writeFileSync(join(scriptsDir, 'main.mjs'), 'export {};');
    writeFileSync(join(scriptsDir, '.tsbuildinfo'), '{}');
    const app = new Koa();
    app.use(serveConsole({ dirs: { staticDir, scriptsDir } }));
    app.use((ctx) => {
      ctx.status = 418;
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the page and its assets with a strict CSP, no framing and nosniff', async () => {
    await start(true);
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/assets/styles.css', 'text/css'],
      ['/assets/main.mjs', 'text/javascript'],
    ] as const) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type')).to.contain(type);
      expect(res.headers.get('content-security-policy')).to.equal(CONSOLE_CSP);
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    }
    expect(CONSOLE_CSP).to.contain("script-src 'self'").and.contain("frame-ancestors 'none'").and.not.contain('unsafe');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    await start(true);
    const first = await fetch(`${base}/assets/styles.css`);
    const etag = first.headers.get('etag');
    expect(etag).to.be.a('string');
    const again = await fetch(`${base}/assets/styles.css`, { headers: { 'if-none-match': etag! } });
    expect(again.status).to.equal(304);
  });

  it('serves only listed files: no traversal, no dotfiles, no unknown extensions', async () => {
    await start(true);
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/.tsbuildinfo', '/assets/nope.mjs', '/assets/index.html', '/assets/']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).to.be.oneOf([404, 418]);
      expect(await res.text()).not.to.contain('not for you');
    }
  });

  it('refuses other methods and leaves other paths to the next middleware', async () => {
    await start(true);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).to.equal(405);
    expect((await fetch(`${base}/api/anything`)).status).to.equal(418);
  });

  it('says how to build the console while its scripts are missing', async () => {
    await start(false);
    const res = await fetch(`${base}/`);
    expect(res.status).to.equal(503);
    expect(await res.text()).to.contain('npm run build');
  });
});
