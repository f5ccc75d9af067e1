import t from 'tap';
import { DxError } from '../../gateway/errors.ts';
import { decodeCursor, encodeCursor } from '../../gateway/subscriptions/cursor.ts';

t.test('a cursor gives back the positions it was made of', async (t) => {
  const positions = { '0': '12', '1': '0', '2': '9007199254740993' };
  t.same(decodeCursor(encodeCursor('dx.population.person', positions), 'dx.population.person'), positions);
});

t.test('a cursor of another topic, or not made by the gateway, is refused naming the cursor', async (t) => {
  const other = encodeCursor('dx.licence.licence', { '0': '1' });
  for (const cursor of [other, 'bm90IGpzb24', Buffer.from('{"t":"x","p":{"0":"-1"}}').toString('base64url')]) {
    const error = t.throws(() => decodeCursor(cursor, 'x')) as DxError;
    t.equal(error.code, 'DX_ERR_REQUEST_INVALID');
    t.match(error.details, [{ path: 'cursor' }]);
  }
});
