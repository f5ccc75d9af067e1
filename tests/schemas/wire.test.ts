import t from 'tap';
import { createAvroType } from '../../schemas/avro-type.ts';
import { CANONICAL_SCHEMAS, getCanonicalSchema } from '../../schemas/canonical.ts';
import { createFixtureGenerator } from '../../schemas/fixtures/index.ts';
import { createValidator } from '../../schemas/validate.ts';
import { WireFormatError, decodeWire, encodeWire, readWireSchemaId } from '../../schemas/wire.ts';

const person = getCanonicalSchema('population.person');
const lookupPerson = (id: number) => (id === 42 ? person.avroType : undefined);

for (const schema of CANONICAL_SCHEMAS) {
  t.test(`a generated ${schema.name} record round-trips through Avro binary`, async (t) => {
    const record = createFixtureGenerator({ seed: 4 }).record(schema.name);
    t.strictSame({ ...schema.avroType.fromBuffer(schema.avroType.toBuffer(record)) }, record);
  });

  t.test(`a generated ${schema.name} record round-trips through the wire format and still validates`, async (t) => {
    const record = createFixtureGenerator({ seed: 5 }).record(schema.name);
    const decoded = decodeWire(encodeWire(7, schema.avroType, record), (id) => (id === 7 ? schema.avroType : undefined));
    t.equal(decoded.schemaId, 7);
    t.same(decoded.value, record);
    t.same(createValidator().validateRecord(schema.name, decoded.value), []);
  });
}

t.test('the header is magic byte 0 followed by the schema id as 4 big-endian bytes', async (t) => {
  const message = encodeWire(0x01020304, person.avroType, { id_number: '11010519491231002X', name: '张三' });
  t.same([...message.subarray(0, 5)], [0, 1, 2, 3, 4]);
  t.equal(readWireSchemaId(message), 0x01020304);
});

t.test('values of any size are encoded whole, each message in memory of its own', async (t) => {
  const small = { id_number: '11010519491231002X', name: '张三' };
  const large = { ...small, registered_address: '北京市东城区'.repeat(40_000) };
  const first = encodeWire(42, person.avroType, small);
  const big = encodeWire(42, person.avroType, large);
  const again = encodeWire(42, person.avroType, small);
  t.ok(big.length > 700_000, 'a value larger than the encoder started with');
  t.match(decodeWire(big, lookupPerson).value, large);
  t.same(again, first, 'the next value after a large one is unchanged');
  t.match(decodeWire(first, lookupPerson).value, small, 'an earlier message is not overwritten by later ones');
});

t.test('absent optional fields are encoded as null', async (t) => {
  const decoded = decodeWire(encodeWire(42, person.avroType, { id_number: '11010519491231002X', name: '张三' }), lookupPerson);
  t.match(decoded.value, { id_number: '11010519491231002X', name: '张三', sex: null, birth_date: null });
});

t.test('a wrong magic byte is rejected', async (t) => {
  const message = encodeWire(42, person.avroType, { id_number: '11010519491231002X', name: '张三' });
  message[0] = 1;
  t.throws(() => decodeWire(message, lookupPerson), { code: 'DX_ERR_WIRE_MAGIC_BYTE', message: /magic byte 1/ });
});

t.test('a buffer shorter than the header is rejected', async (t) => {
  t.throws(() => decodeWire(Buffer.from([0, 0, 0]), lookupPerson), { code: 'DX_ERR_WIRE_SHORT_BUFFER', message: /3 bytes/ });
});

t.test('an unknown schema id is rejected', async (t) => {
  const message = encodeWire(43, person.avroType, { id_number: '11010519491231002X', name: '张三' });
  t.throws(() => decodeWire(message, lookupPerson), { code: 'DX_ERR_WIRE_UNKNOWN_SCHEMA', message: /43/ });
});

t.test('a truncated Avro body is rejected with the decoder error as cause', async (t) => {
  const message = encodeWire(42, person.avroType, { id_number: '11010519491231002X', name: '张三' });
  const error = t.throws(() => decodeWire(message.subarray(0, message.length - 3), lookupPerson));
  t.match(error, { code: 'DX_ERR_WIRE_BODY', cause: Error });
});

t.test('a value that does not fit the schema is rejected without echoing it', async (t) => {
  const error = t.throws(() => encodeWire(42, person.avroType, { id_number: 11010519491231002, name: '张三' }));
  t.match(error, { code: 'DX_ERR_WIRE_INVALID_VALUE', message: /id_number/ });
  t.notMatch((error as Error).message, '11010519491231002');
});

t.test('schema ids outside 0..2^31-1 are refused', async (t) => {
  for (const id of [-1, 1.5, 2 ** 31]) {
    t.throws(() => encodeWire(id, person.avroType, { id_number: '11010519491231002X', name: '张三' }), {
      code: 'DX_ERR_WIRE_SCHEMA_ID',
    });
  }
});

t.test('wire errors are not retriable', async (t) => {
  const error = new WireFormatError('DX_ERR_WIRE_MAGIC_BYTE', 'x');
  t.equal(error.retriable, false);
  t.ok(error instanceof Error);
});

t.test('decoded records are plain data without record methods', async (t) => {
  const type = createAvroType(person.avroSchema);
  const value = type.fromBuffer(type.toBuffer({ id_number: '11010519491231002X', name: '张三' })) as object;
  const keys: string[] = [];
  for (const key in value) keys.push(key);
  t.same(keys, person.avroSchema.fields.map((f) => f.name));
});
