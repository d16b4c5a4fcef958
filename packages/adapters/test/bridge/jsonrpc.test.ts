import { expect } from 'chai';
import fc from 'fast-check';
import { replaceResponseId } from '../../src/bridge/jsonrpc.js';

/** What the bridge must produce: the same message with only the top-level id changed. */
function expected(text: string, to: number | string | null): unknown {
  return { ...(JSON.parse(text) as Record<string, unknown>), id: to };
}

describe('bridge: replaceResponseId', () => {
  it('swaps the id of TypeScript-SDK (id last) and Python-SDK (id second) layouts', () => {
    const ts = JSON.stringify({ result: { content: [{ type: 'text', text: '{"id":7}' }], structuredContent: { id: 7 } }, jsonrpc: '2.0', id: 7 });
    const py = JSON.stringify({ jsonrpc: '2.0', id: 7, result: { items: [{ id: 7 }] } });
    for (const text of [ts, py]) {
      const out = replaceResponseId(text, 7, 'client-1');
      expect(out).to.be.a('string');
      expect(JSON.parse(out!)).to.deep.equal(expected(text, 'client-1'));
    }
    expect(JSON.parse(replaceResponseId(ts, 7, null)!)).to.deep.equal(expected(ts, null));
  });

  it('declines layouts where the id position is not certain (falls back to re-serialising)', () => {
    expect(replaceResponseId('{"jsonrpc": "2.0", "id": 7, "result": {}}', 7, 1)).to.equal(undefined); // spaced
    expect(replaceResponseId('{"id":7,"jsonrpc":"2.0","result":{}}', 7, 1)).to.equal(undefined); // other order
    expect(replaceResponseId('{"result":{"x":{"id":7}},"jsonrpc":"2.0"}', 7, 1)).to.equal(undefined); // nested only
    expect(replaceResponseId('{"result":{},"jsonrpc":"2.0","id":7}\r', 7, 1)).to.equal(undefined); // CR
    expect(replaceResponseId('{"result":{"a":"\r"},"jsonrpc":"2.0","id":7}', 7, 1)).to.equal(undefined);
    expect(replaceResponseId('{"result":{},"jsonrpc":"2.0","id":17}', 7, 1)).to.equal(undefined); // other id
    expect(replaceResponseId('{"result":{},"jsonrpc":"2.0","id":7.0}', 7, 1)).to.equal(undefined);
  });

  it('never changes anything but the top-level id (property)', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const id = fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(json, id, fc.oneof(id, fc.constant(null)), fc.boolean(), (result, from, to, pythonOrder) => {
        const message = pythonOrder ? { jsonrpc: '2.0', id: from, result } : { result, jsonrpc: '2.0', id: from };
        const text = JSON.stringify(message);
        const out = replaceResponseId(text, from, to);
        if (text.includes('\r')) {
          expect(out).to.equal(undefined);
          return;
        }
        expect(out).to.be.a('string');
        expect(JSON.parse(out!)).to.deep.equal(JSON.parse(JSON.stringify({ ...message, id: to })));
      }),
      { numRuns: 500 },
    );
  });
});
