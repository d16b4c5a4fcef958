import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { RunDeployment, buildCredentialForm, isCatwalkError, validateCredentials } from '@catwalk/core';
import type { EnvVarSpec } from '@catwalk/core';
import { createFakePorts } from '@catwalk/core/testing';
import { LocalOrchestrator } from '@catwalk/adapters';
import { CONSOLE_CSP } from '../../src/console/index.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { FIXTURE_SOURCE, SERVER_MEMORY_ENTRY, seedConsoleFixtures } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'console');
const DOCS_SCREENSHOTS = join(REPO_ROOT, 'docs', 'console');
const BROWSER_TSCONFIG = join(REPO_ROOT, 'packages', 'http', 'src', 'console', 'browser', 'tsconfig.json');
const require = createRequire(import.meta.url);
const run = promisify(execFile);
// page.evaluate gets its expressions as strings: they run in the page, not under this file's Node types.

/** A secret typed into the form; it must be gone from the page once the form is sent. */
const TYPED_SECRET = 'typed-secret-3b9d7e51';
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'console-test', version: '1' } } });

/** Calls the MCP endpoint directly: 200 with a valid token, 401 otherwise. */
async function mcpStatus(endpoint: string, token: string): Promise<number> {
  const res = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: INITIALIZE });
  await res.body?.cancel();
  return res.status;
}

describe('web console in headless Chromium', function () {
  this.timeout(120_000);
  let h: Harness;
  let home: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requestedUrls: string[] = [];
  const pageErrors: string[] = [];
  let endpoint = '';
  let firstToken = '';
  let deploymentId = '';

  /**
   * Saves a screenshot of the whole page under test-output/console; with CATWALK_DOCS_SCREENSHOTS=1 the ones
   * docs/console.md shows are copied to docs/console too.
   */
  async function shot(name: string, options: { docs?: boolean } = {}): Promise<void> {
    const file = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (options.docs === true && process.env['CATWALK_DOCS_SCREENSHOTS'] === '1') copyFileSync(file, join(DOCS_SCREENSHOTS, `${name}.png`));
  }

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`\n!!!!!!!! SKIPPING the web console browser test: ${CHROMIUM} is missing (apt-get install chromium) !!!!!!!!\n`);
      this.skip();
    }
    // The page runs the compiled browser code: compile it now so the test never runs a stale build.
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', BROWSER_TSCONFIG], { cwd: REPO_ROOT });
    mkdirSync(SCREENSHOTS, { recursive: true });
    if (process.env['CATWALK_DOCS_SCREENSHOTS'] === '1') mkdirSync(DOCS_SCREENSHOTS, { recursive: true });

    home = mkdtempSync(join(tmpdir(), 'catwalk-console-'));
    const ports = createFakePorts();
    seedConsoleFixtures(ports);
    const orchestrator = new LocalOrchestrator({ home, preinstall: false, launcher: async () => ({ command: process.execPath, args: [SERVER_MEMORY_ENTRY] }) });
    h = await startHarness({ ports, orchestrator, http: { rateLimit: { burst: 10_000, perSecond: 10_000 } } });
    // The worker's part: run every new deployment (the service wires its own worker; the harness does not).
    const runner = h.server.catwalk.container.get(RunDeployment);
    h.server.app.onDeploymentCreated((id) => {
      void runner.execute({ deploymentId: id }).finally(() => h.server.app.deploymentChanged(id));
    });

    profile = mkdtempSync(join(tmpdir(), 'catwalk-chromium-'));
    // A fresh profile every run (playwright passes it as --user-data-dir).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 900 },
      colorScheme: 'dark',
      reducedMotion: 'reduce',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A refused key answers 401, which Chromium reports as a failed resource; anything else is a bug.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });

  after(async () => {
    await context?.close();
    await h?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP and framing denied', async () => {
    const response = await page.goto(`${h.url}/`);
    expect(response?.status()).to.equal(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).to.equal(CONSOLE_CSP);
    expect(headers['x-frame-options']).to.equal('DENY');
    await page.locator('#sign-in').waitFor();
  });

  it('signs in with the keyboard, refusing a wrong key first', async () => {
    await page.keyboard.type('cwa_not-a-real-key');
    await page.keyboard.press('Enter');
    await page.locator('#api-key-error', { hasText: 'refused' }).waitFor();
    await page.locator('#api-key').fill('');
    await page.locator('#api-key').focus();
    await page.keyboard.type(h.adminKey);
    await page.keyboard.press('Tab');
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).to.equal('Show API key');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).to.equal('solid');
    await shot('1-sign-in', { docs: true });
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.locator('#source-form').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('catwalk.apiKey')")).to.equal(h.adminKey);
    expect(await page.evaluate('localStorage.length')).to.equal(0);
    expect(page.url()).not.to.contain('cwa_');
  });

  it('checks values in the browser with the server’s own messages (agreeing with core on a corpus)', async () => {
    const envVars: EnvVarSpec[] = [
      { name: 'BASE_URL', description: '', required: false, secret: false, format: 'url' },
      { name: 'RETRIES', description: '', required: false, secret: false, format: 'number' },
      { name: 'VERBOSE', description: '', required: false, secret: false, format: 'boolean' },
      { name: 'UNITS', description: '', required: false, secret: false, choices: ['metric', 'imperial'] },
      { name: 'NOTE', description: '', required: false, secret: false },
    ];
    const values = ['https://example.com/v1', 'postgres://db:5432/x', 'ftp://example.com', 'not a url', 'example.com', '42', '-1.5e3', '1,5', 'abc', 'true', 'off', 'maybe', 'metric', 'kelvin', 'a\u0000b', 'x'.repeat(9000), 'é'.repeat(5000)];
    const form = buildCredentialForm(envVars);
    const serverSays = (name: string, value: string): string | undefined => {
      try {
        validateCredentials(envVars, { [name]: value });
        return undefined;
      } catch (error) {
        if (isCatwalkError(error)) return error.message;
        throw error;
      }
    };
    const payload = JSON.stringify({ form: { fields: form.fields, excluded: form.excluded, jsonSchema: form.jsonSchema }, values });
    const browserSays = await page.evaluate<Record<string, (string | null)[]>>(
      `import('/assets/validation.mjs').then(({ checkValue }) => { const { form, values } = ${payload};
        return Object.fromEntries(form.fields.map((f) => [f.name, values.map((v) => checkValue(f, v, form) ?? null)])); })`,
    );
    for (const field of form.fields) {
      values.forEach((value, index) => {
        const server = serverSays(field.name, value);
        const browser = browserSays[field.name]![index] ?? undefined;
        const label = `${field.name}=${JSON.stringify(value.slice(0, 30))}`;
        // The browser may let a URL through that only the server's full parser refuses; never the reverse.
        if (field.kind === 'url' && browser === undefined) return;
        expect(browser, label).to.equal(server);
      });
    }
  });

  it('analyses a fixture source: summary with evidence per finding and the analyser that found it', async () => {
    await page.locator('#source').fill(FIXTURE_SOURCE);
    await page.locator('#analyze-submit').click();
    await page.locator('#analysis-title', { hasText: 'Example weather server' }).waitFor();
    const evidence = await page.locator('#evidence tbody tr').allInnerTexts();
    expect(evidence.join('\n')).to.contain('src/config.ts:7').and.contain('README.md:21');
    expect(await page.locator('#evidence tbody tr', { hasText: 'env.UNITS' }).innerText()).to.contain('claude');
    expect(await page.locator('#analyzers').innerText()).to.equal('static, claude');
  });

  it('renders the generated form: password for the secret, a select for choices, required marks and help', async () => {
    const secret = page.locator('#cred-API_KEY');
    expect(await secret.getAttribute('type')).to.equal('password');
    expect(await secret.getAttribute('aria-required')).to.equal('true');
    expect(await page.locator('label[for="cred-API_KEY"] .required-mark').count()).to.equal(1);
    expect(await page.locator('#cred-API_KEY-help').innerText()).to.contain('Your key for the example API');
    const toggle = page.locator('[data-field="API_KEY"] button[aria-controls="cred-API_KEY"]');
    await toggle.click();
    expect(await secret.getAttribute('type')).to.equal('text');
    expect(await toggle.getAttribute('aria-pressed')).to.equal('true');
    await toggle.click();
    expect(await secret.getAttribute('type')).to.equal('password');
    expect(await page.locator('#cred-UNITS').evaluate((el) => el.tagName)).to.equal('SELECT');
    expect(await page.locator('#cred-UNITS option').allInnerTexts()).to.deep.equal(['(default: metric)', 'metric', 'imperial']);
    expect(await page.locator('#cred-ENDPOINT_URL').getAttribute('type')).to.equal('url');
  });

  it('blocks a submission missing a required value with the server’s message, and checks URLs', async () => {
    const posts: string[] = [];
    const listener = (request: { method(): string; url(): string }): void => {
      if (request.method() === 'POST' && request.url().endsWith('/api/deployments')) posts.push(request.url());
    };
    page.on('request', listener);
    await page.locator('#cred-ENDPOINT_URL').fill('not a url');
    await page.locator('#deploy-submit').click();
    await page.locator('#cred-API_KEY-error', { hasText: 'API_KEY is required.' }).waitFor();
    expect(await page.locator('#form-status').innerText()).to.equal('Missing required credential: API_KEY.');
    expect(await page.locator('#cred-ENDPOINT_URL-error').innerText()).to.match(/^ENDPOINT_URL must be an absolute URL such as https:\/\/host\/path/);
    expect(await page.locator('#cred-API_KEY').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.evaluate('document.activeElement?.id')).to.equal('cred-API_KEY');
    await shot('2-analysis-and-form', { docs: true });
    page.off('request', listener);
    expect(posts, 'nothing may be sent while the form is invalid').to.deep.equal([]);
  });

  it('shows the server’s refusal on the field it names, and clears secrets once sent', async () => {
    await page.locator('#cred-API_KEY').fill(TYPED_SECRET);
    // The browser's URL check is looser than the server's: this one only the server refuses.
    await page.locator('#cred-ENDPOINT_URL').fill('https://bad_host!/v1');
    await page.locator('#deploy-submit').click();
    await page.locator('#cred-ENDPOINT_URL-error', { hasText: 'ENDPOINT_URL must be an absolute URL' }).waitFor();
    expect(await page.locator('#form-status').innerText()).to.contain('Secret fields were cleared');
    expect(await page.locator('#cred-API_KEY').inputValue()).to.equal('');
    expect(await page.content()).not.to.contain(TYPED_SECRET);
    expect(await page.evaluate(`JSON.stringify({ ...sessionStorage }).includes(${JSON.stringify(TYPED_SECRET)})`)).to.equal(false);
    await shot('3-server-field-error');
  });

  it('fits a 375 px wide screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(375);
    await shot('4-form-375px', { docs: true });
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('finds server-memory in the catalogue and deploys it: endpoint, token once, snippets', async () => {
    await page.locator('#search-query').fill('memory');
    await page.locator('#search-form button[type="submit"]').click();
    await page.locator('button[aria-label="Analyse io.github.modelcontextprotocol/server-memory"]').click();
    await page.locator('#analysis-title', { hasText: 'Knowledge graph memory' }).waitFor();
    await page.locator('#cred-MEMORY_FILE_PATH').fill(join(home, 'memory.jsonl'));
    await page.locator('#deploy-name').fill('memory');
    await page.locator('#deploy-submit').click();
    await page.locator('#token-panel').waitFor();
    endpoint = await page.locator('#created-endpoint').innerText();
    firstToken = await page.locator('#created-token').innerText();
    expect(endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+\/mcp\/[\w-]+$/);
    expect(firstToken).to.match(/^cwt_/);
    deploymentId = endpoint.split('/mcp/')[1]!;
    expect(await page.locator('#snippet-claude').innerText()).to.contain('claude mcp add --transport http memory').and.contain(endpoint);
    const json = JSON.parse(await page.locator('#snippet-json').innerText());
    expect(json.mcpServers.memory).to.deep.equal({ type: 'http', url: endpoint, headers: { Authorization: `Bearer ${firstToken}` } });
    await page.getByRole('button', { name: 'Copy endpoint' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).to.equal(endpoint);
    await shot('5-deployed-token-once', { docs: true });
  });

  it('shows the deployment reach running, with events and its log tail', async () => {
    await page.locator('#token-done').click();
    await page.locator('#detail-title', { hasText: 'memory' }).waitFor();
    expect(await page.locator('#token-panel').count(), 'the token is gone once dismissed').to.equal(0);
    await page.locator('#detail-status [data-status="running"]').waitFor({ timeout: 60_000 });
    await page.locator('#detail-events li', { hasText: 'running' }).first().waitFor();
    expect(await mcpStatus(endpoint, firstToken)).to.equal(200);
    await shot('6-deployment-running', { docs: true });
  });

  it('lists deployments with live status badges', async () => {
    await page.locator('#nav-deployments').click();
    await page.locator(`#deployment-list tr[data-id="${deploymentId}"] [data-status="running"]`).waitFor();
    await shot('7-deployment-list', { docs: true });
    await page.locator(`#deployment-list tr[data-id="${deploymentId}"] a`).click();
    await page.locator('#detail-status [data-status="running"]').waitFor();
  });

  it('rotates the token after confirmation: the new one works, the old one is refused', async () => {
    await page.locator('#action-token').click();
    await page.locator('#confirm[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#confirm[open]').waitFor({ state: 'detached' });
    expect(await mcpStatus(endpoint, firstToken), 'cancelled: the token still works').to.equal(200);
    await page.locator('#action-token').click();
    await page.locator('#confirm-ok').click();
    await page.locator('#token-panel').waitFor();
    const newToken = await page.locator('#created-token').innerText();
    expect(newToken).to.match(/^cwt_/).and.not.equal(firstToken);
    expect(await mcpStatus(endpoint, firstToken)).to.equal(401);
    expect(await mcpStatus(endpoint, newToken)).to.equal(200);
    await shot('8-token-rotated');
    await page.locator('#token-done').click();
  });

  it('stops, starts and redeploys after confirmation', async () => {
    await page.locator('#action-stop').click();
    await page.locator('#confirm-ok').click();
    await page.locator('#detail-status [data-status="stopped"]').waitFor();
    expect(await page.locator('#action-stop').isDisabled(), 'nothing to stop').to.equal(true);
    await page.locator('#action-start').click();
    await page.locator('#confirm-ok').click();
    await page.locator('#detail-status [data-status="running"]').waitFor({ timeout: 60_000 });
    await page.locator('#action-redeploy').click();
    await page.locator('#confirm-ok').click();
    await page.locator('#detail-events li', { hasText: 'running → deploying' }).first().waitFor();
    await page.locator('#detail-status [data-status="running"]').waitFor({ timeout: 60_000 });
  });

  it('deletes the deployment after confirmation', async () => {
    await page.locator('#action-delete').click();
    await page.locator('#confirm-ok').click();
    await page.locator('#deployment-list').waitFor();
    await page.locator('#deployment-list', { hasText: 'No deployments yet' }).waitFor();
    expect((await h.request('GET', `/api/deployments/${deploymentId}`)).status).to.equal(404);
  });

  it('never put a key or token in a URL, and raised no script or CSP error', () => {
    expect(requestedUrls.length).to.be.greaterThan(10);
    for (const url of requestedUrls) expect(url).not.to.match(/cw[at]_/);
    expect(pageErrors).to.deep.equal([]);
  });
});
