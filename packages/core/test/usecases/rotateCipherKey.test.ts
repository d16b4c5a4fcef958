import { expect } from 'chai';
import { createPending, createWorld, rejection } from './world.js';
import type { World } from './world.js';

describe('RotateCipherKey', () => {
  let world: World;

  beforeEach(async () => {
    world = createWorld();
    for (let i = 0; i < 25; i++) await createPending(world);
    world.cipher.addKey({ id: 'k2', secret: 'second key' });
  });

  const keyIds = () => new Set([...world.store.credentials.values()].map((box) => box.keyId));

  it('re-seals every credential under the current key, in batches', async () => {
    const result = await world.uc.rotateCipherKey.execute({ batchSize: 10 });
    expect(result).to.deep.equal({ keyId: 'k2', resealed: 25, batches: 3, unreadable: [] });
    expect(keyIds()).to.deep.equal(new Set(['k2']));
    world.cipher.removeKey('k1');
    for (const box of world.store.credentials.values()) expect(JSON.parse(await world.cipher.open(box))).to.have.property('API_KEY');
    expect(await world.uc.rotateCipherKey.execute({ batchSize: 10 })).to.deep.include({ resealed: 0, batches: 0 });
  });

  it('survives an interruption half-way: the failed batch rolls back, a rerun finishes, everything opens', async () => {
    world.store.faults.failOn('credentials.put', new Error('killed'), 1, 14);
    expect(await rejection(world.uc.rotateCipherKey.execute({ batchSize: 10 }))).to.have.property('message', 'killed');
    const underNew = [...world.store.credentials.values()].filter((box) => box.keyId === 'k2').length;
    expect(underNew).to.equal(10);
    const rerun = await world.uc.rotateCipherKey.execute({ batchSize: 10 });
    expect(rerun).to.deep.include({ resealed: 15, batches: 2 });
    world.cipher.removeKey('k1');
    for (const box of world.store.credentials.values()) expect(JSON.parse(await world.cipher.open(box))).to.have.property('API_KEY');
  });

  it('reports bundles it cannot open and still finishes the rest', async () => {
    const [firstId] = [...world.store.credentials.keys()];
    world.store.credentials.set(firstId!, { ...world.store.credentials.get(firstId!)!, keyId: 'lost-key' });
    const result = await world.uc.rotateCipherKey.execute({ batchSize: 7 });
    expect(result.unreadable).to.deep.equal([firstId]);
    expect(result.resealed).to.equal(24);
    expect(world.logger.at('warn')).to.have.length(1);
  });
});
