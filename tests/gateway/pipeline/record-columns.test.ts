import t from 'tap';
import type { SourceRecord } from '../../../connectors/types.ts';
import { fromColumns, toColumns } from '../../../gateway/pipeline/prepare/record-columns.ts';

/** What a worker receives: the columns copied as postMessage copies them, turned back into records. */
const acrossThreads = (records: SourceRecord[]) => fromColumns(structuredClone(toColumns(records)));

const row = (n: number) => ({ id: n, sfzh: `11010519491231002${n % 10}`, xm: `居民${n}`, born: new Date(Date.UTC(1949, 11, n)), note: n % 3 === 0 ? null : `备注 ${n}`, blob: Buffer.from([n]), extra: { tags: ['a', n] } });

t.test('rows of one shape cross as a table and come back field for field, in their order', async (t) => {
  const records: SourceRecord[] = Array.from({ length: 50 }, (_, n) => ({ partition: 'people', offset: { cursor: `2026-01-01 00:00:${n}`, key: n }, value: row(n), timestamp: 1_795_000_000_000 + n }));
  const columns = toColumns(records);
  t.same(Array.isArray(columns.values) ? 'objects' : columns.values.names, ['id', 'sfzh', 'xm', 'born', 'note', 'blob', 'extra'], 'values as a table');
  t.notOk(Array.isArray(columns.offsets), 'offsets as a table');
  const back = acrossThreads(records);
  // As postMessage copies the records themselves (a Buffer arrives as a Uint8Array either way).
  const copied = structuredClone(records);
  t.same(back, copied);
  t.equal(JSON.stringify(back[7]?.value), JSON.stringify(copied[7]?.value), 'keys in the source order');
  t.ok(back[1]?.value.born instanceof Date, 'a Date stays a Date');
});

t.test('records of several partitions, shapes and offset kinds come back as they were', async (t) => {
  const records: SourceRecord[] = [
    { partition: 'a.csv', offset: { file: 'a.csv', row: 1 }, value: { name: 'x' }, timestamp: 1 },
    { partition: 'b.csv', offset: { file: 'b.csv', row: 1 }, value: { name: 'y', city: '杭州' } },
    { partition: 'a.csv', offset: 'opaque', value: { city: '杭州', name: 'z' }, timestamp: 3 },
    { partition: 'a.csv', offset: 7, value: { 1: 'integer-like key', name: 'w' } },
  ];
  const columns = toColumns(records);
  t.ok(Array.isArray(columns.values) && Array.isArray(columns.offsets), 'mixed shapes cross as they are');
  t.same(columns.partitions, [{ partition: 'a.csv', count: 1 }, { partition: 'b.csv', count: 1 }, { partition: 'a.csv', count: 2 }]);
  const back = acrossThreads(records);
  t.same(back, records);
  t.notOk('timestamp' in (back[1] as object), 'no timestamp where the source gave none');
});

t.test('a column named __proto__ stays a field of the row', async (t) => {
  const value = JSON.parse('{"__proto__": "a field", "id": 1}') as Record<string, unknown>;
  const records: SourceRecord[] = [0, 1].map((n) => ({ partition: 'p', offset: n, value: { ...value, id: n } }));
  const back = acrossThreads(records);
  t.equal(Object.getPrototypeOf(back[0]?.value), Object.prototype);
  t.same(Object.keys(back[1]?.value ?? {}), ['__proto__', 'id']);
  t.equal(back[1]?.value.id, 1);
});

t.test('rows that are not plain objects, or that lack or add a field, are not taken for a table', async (t) => {
  class Row {
    constructor(readonly id: number) {}
  }
  for (const values of [
    [{ a: 1, b: 2 }, { a: 1 }],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }],
    [new Row(1), new Row(2)],
  ]) {
    const records = values.map((value, n) => ({ partition: 'p', offset: n, value: value as Record<string, unknown> }));
    t.ok(Array.isArray(toColumns(records).values), JSON.stringify(values));
    t.same(acrossThreads(records).map((record) => ({ ...record.value })), values.map((value) => ({ ...value })));
  }
});

t.test('what a table keeps and drops is what postMessage keeps and drops', async (t) => {
  const withGetter = (n: number) => Object.defineProperties({ id: n }, { computed: { get: () => n * 2, enumerable: true }, hidden: { value: 'x', enumerable: false } });
  const nullPrototype = (n: number) => Object.assign(Object.create(null) as Record<string, unknown>, { id: n });
  const batches: [string, Record<string, unknown>[], boolean][] = [
    ['integer-like keys', [0, 1].map((n) => ({ name: `n${n}`, 2: 'two', 1: 'one' })), true],
    ['undefined against missing', [0, 1].map((n) => ({ id: n, gone: undefined })), true],
    ['getters and hidden fields', [0, 1].map(withGetter), true],
    ['rows without a prototype', [0, 1].map(nullPrototype), false],
    ['__proto__ in a later row', [{ id: 0 }, JSON.parse('{"__proto__": 1}') as Record<string, unknown>], false],
  ];
  for (const [name, values, asTable] of batches) {
    const records = values.map((value, n) => ({ partition: 'p', offset: n % 2 === 0 ? [n, 'array offset'] : { n }, value }));
    t.equal(!Array.isArray(toColumns(records).values), asTable, `${name}: ${asTable ? 'a table' : 'as they are'}`);
    const back = acrossThreads(records);
    const copied = structuredClone(records);
    t.same(back, copied, name);
    t.same(back.map((record) => Object.keys(record.value)), copied.map((record) => Object.keys(record.value)), `${name}: the same keys in the same order`);
  }
});

t.test('an empty batch crosses too', async (t) => {
  t.same(acrossThreads([]), []);
});
