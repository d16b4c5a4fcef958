import { expect } from 'chai';
import { startHarness } from './support/harness.js';
import type { Harness } from './support/harness.js';

describe('API keys and users (/api/keys, /api/users)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('creates a key shown once (201), which then authenticates; no hash in any answer', async () => {
    const created = await h.request('POST', '/api/keys', { body: { name: 'laptop' } });
    expect(created.status, created.text).to.equal(201);
    expect(created.json.apiKey).to.match(/^cwa_[A-Za-z0-9_-]{43}$/);
    expect(created.json.key).to.include({ name: 'laptop', userId: h.adminId });
    expect(created.json.key).to.not.have.property('hash');
    expect(created.json.apiKey.startsWith(created.json.key.prefix)).to.equal(true);
    const listed = await h.request('GET', '/api/keys', { key: created.json.apiKey });
    expect(listed.status).to.equal(200);
    expect(listed.json.keys.map((k: { id: string }) => k.id)).to.include(created.json.key.id);
    expect(listed.text).to.not.contain(created.json.apiKey);
    expect(listed.text).to.not.contain('hash');
  });

  it("lists only the caller's keys", async () => {
    const mine = await h.request('GET', '/api/keys', { key: h.userB.key });
    expect(mine.status).to.equal(200);
    expect(mine.json.keys.length).to.be.greaterThan(0);
    for (const key of mine.json.keys) expect(key.userId).to.equal(h.userB.id);
  });

  it("revokes an own key (204, dead at once); another user's key answers 404", async () => {
    const created = await h.request('POST', '/api/keys', { body: { name: 'temp' } });
    const id = created.json.key.id as string;
    const foreign = await h.request('DELETE', `/api/keys/${id}`, { key: h.userB.key });
    expect(foreign.status).to.equal(404);
    expect(foreign.json.error).to.equal('not_found');
    expect((await h.request('GET', '/api/keys', { key: created.json.apiKey })).status).to.equal(200);
    const revoked = await h.request('DELETE', `/api/keys/${id}`);
    expect(revoked.status).to.equal(204);
    expect((await h.request('GET', '/api/keys', { key: created.json.apiKey })).status).to.equal(401);
    expect((await h.request('DELETE', '/api/keys/no-such-key')).status).to.equal(404);
  });

  it('validates the body with zod (400 invalid_input) and needs an API key (401)', async () => {
    for (const body of [{}, { name: '' }, { name: 7 }, { name: 'x', extra: true }, { name: 'x'.repeat(101) }]) {
      const res = await h.request('POST', '/api/keys', { body });
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.json.error).to.equal('invalid_input');
    }
    expect((await h.request('GET', '/api/keys', { key: null })).status).to.equal(401);
  });

  it('lets only an admin create a user, with a first key that works', async () => {
    const refused = await h.request('POST', '/api/users', { body: { name: 'carl' }, key: h.userB.key });
    expect(refused.status).to.equal(403);
    expect(refused.json.error).to.equal('forbidden');
    const created = await h.request('POST', '/api/users', { body: { name: 'dana' } });
    expect(created.status, created.text).to.equal(201);
    expect(created.json.user).to.include({ name: 'dana', role: 'user' });
    expect(created.json.apiKey).to.match(/^cwa_/);
    expect(created.text).to.not.contain('hash');
    const theirs = await h.request('GET', '/api/keys', { key: created.json.apiKey });
    expect(theirs.status).to.equal(200);
    expect(theirs.json.keys.map((k: { userId: string }) => k.userId)).to.deep.equal([created.json.user.id]);
    expect((await h.request('POST', '/api/users', { body: { name: 'x', role: 'admin' } })).status).to.equal(400);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await h.request('GET', '/openapi.json', { key: null });
    expect(Object.keys(doc.json.paths)).to.include.members(['/api/keys', '/api/keys/{id}', '/api/users']);
  });
});
