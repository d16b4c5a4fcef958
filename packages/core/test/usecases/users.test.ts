import { expect } from 'chai';
import { API_KEY_UNAUTHORIZED_MESSAGE } from '../../src/usecases/index.js';
import { isApiKeyFormat } from '../../src/domain/secrets.js';
import { createWorld, expectCode } from './world.js';
import type { World } from './world.js';

describe('users and API keys', () => {
  let world: World;

  beforeEach(() => {
    world = createWorld();
  });

  it('EnsureAdmin creates an admin with a generated key once, and never again', async () => {
    const first = await world.uc.ensureAdmin.execute();
    if (!first.created) throw new Error('expected an admin');
    expect(first.user.role).to.equal('admin');
    expect(isApiKeyFormat(first.apiKey!)).to.equal(true);
    expect([...world.store.apiKeys.values()][0]!.hash).to.equal(world.hasher.hash(first.apiKey!));
    expect(JSON.stringify([...world.store.apiKeys.values()])).not.to.contain(first.apiKey!);
    expect(await world.uc.ensureAdmin.execute()).to.deep.equal({ created: false });
    expect((await world.uc.authenticateApiKey.execute({ apiKey: first.apiKey })).user.id).to.equal(first.user.id);
  });

  it('EnsureAdmin takes a provided key and refuses a malformed one', async () => {
    await expectCode(world.uc.ensureAdmin.execute({ apiKey: 'not-a-key' }), 'invalid_config');
    const key = `cwa_${'A'.repeat(43)}`;
    const result = await world.uc.ensureAdmin.execute({ apiKey: key, name: 'ops' });
    expect(result).to.deep.include({ created: true });
    expect(result).not.to.have.property('apiKey');
    expect((await world.uc.authenticateApiKey.execute({ apiKey: key })).user.name).to.equal('ops');
  });

  it('creates, lists, authenticates and revokes keys', async () => {
    const user = await world.uc.createUser.execute({ name: 'Ada' });
    const { apiKey, key } = await world.uc.createApiKey.execute({ userId: user.id, name: 'laptop' });
    expect(key.prefix).to.equal(apiKey.slice(0, 10));
    expect(key).not.to.have.property('hash');
    const listed = await world.uc.listApiKeys.execute({ userId: user.id });
    expect(listed.map((item) => item.name)).to.deep.equal(['laptop']);
    expect(listed[0]).not.to.have.property('hash');
    world.clock.advance(5000);
    await world.uc.authenticateApiKey.execute({ apiKey });
    expect(world.store.apiKeys.get(key.id)!.lastUsedAt).to.deep.equal(world.clock.now());
    await expectCode(world.uc.revokeApiKey.execute({ userId: 'someone-else', keyId: key.id }), 'not_found');
    await world.uc.revokeApiKey.execute({ userId: user.id, keyId: key.id });
    const error = await expectCode(world.uc.authenticateApiKey.execute({ apiKey }), 'unauthorized');
    expect(error.message).to.equal(API_KEY_UNAUTHORIZED_MESSAGE);
  });

  it('refuses bad input and unknown users', async () => {
    await expectCode(world.uc.createUser.execute({ name: '' }), 'invalid_input');
    await expectCode(world.uc.createUser.execute({ name: 'x', role: 'root' as 'admin' }), 'invalid_input');
    await expectCode(world.uc.createApiKey.execute({ userId: 'nobody', name: 'k' }), 'not_found');
    const user = await world.uc.createUser.execute({ name: 'Bob' });
    await expectCode(world.uc.createApiKey.execute({ userId: user.id, name: 'k', apiKey: 'cwa_short' }), 'invalid_input');
    for (const apiKey of [undefined, '', 'cwt_x', `cwa_${'b'.repeat(43)}`]) {
      await expectCode(world.uc.authenticateApiKey.execute({ apiKey }), 'unauthorized');
    }
  });
});
