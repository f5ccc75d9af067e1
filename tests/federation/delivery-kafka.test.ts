import t from 'tap';
import { bearer } from '../helpers/app.ts';
import { integratorKafkaOf, readAsIntegrator } from '../helpers/integrator-kafka.ts';
import { startDedicatedKafka, waitFor, warmUpKafka } from '../helpers/dedicated-kafka.ts';
import { buildDeliveryWorld, mirroredPerson } from './delivery-world.ts';

// The city's cluster: a broker of this file's own with an authorizer, its SASL_SSL listener on 19942.
const { kafka: broker } = await startDedicatedKafka(t, 19940, { secured: true });
const secured = broker.secured;
if (!secured) throw new Error('the dedicated broker started without its secured listener');
await warmUpKafka(broker.brokers);
const world = await buildDeliveryWorld(t, {
  cityBrokers: secured.brokers,
  cityEnv: { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: secured.gateway.username, KAFKA_SASL_PASSWORD: secured.gateway.password, KAFKA_SSL_CA: secured.caFile },
});
const { city } = world;

const integratorKafka = integratorKafkaOf(broker);
const read = readAsIntegrator;

const aclOf = async (key: string, id: string) => (await city.app.inject({ url: `/api/v1/federation/requests/${id}`, headers: bearer(key) })).json().delivery.acl as string | null;

t.test('a kafka request: the integrator reads exactly its mirrored topic through SASL_SSL, not another integrator\'s, and not its own after the owner revoked', async (t) => {
  const mine = await world.integrator('城市大脑');
  const theirs = await world.integrator('别的应用');
  const created = await world.ask(mine.key, { mode: 'kafka' });
  t.equal(created.statusCode, 201, created.body);
  const request = created.json();
  const other = (await world.ask(theirs.key, { mode: 'kafka' })).json();
  t.match(request.delivery, { mode: 'kafka', topic: request.mirroredTopic, consumerGroupPrefix: request.mirroredTopic, kafkaPrincipal: `User:integrator-${mine.id}` });
  await world.mirror(request.mirroredTopic, [mirroredPerson(1), mirroredPerson(2)]);
  await world.mirror(other.mirroredTopic, [mirroredPerson(3)]);
  t.equal(await waitFor(() => aclOf(mine.key, request.id), (acl) => acl === 'applied', 30_000), 'applied', 'the ACLs are set as for a local kafka subscription');
  t.equal(await waitFor(() => aclOf(theirs.key, other.id), (acl) => acl === 'applied', 30_000), 'applied');

  const kafka = await integratorKafka(mine.id);
  t.match(await read(kafka, request.mirroredTopic, `${request.mirroredTopic}.reader`, 2), { values: { length: 2 } }, 'the integrator reads its mirrored topic with a group of its prefix');
  t.match(await read(kafka, other.mirroredTopic, `${other.mirroredTopic}.reader`, 1, 10_000), { refused: /AUTHORIZATION_FAILED/ }, "another integrator's mirrored topic is refused");
  t.match(await read(kafka, other.mirroredTopic, `${request.mirroredTopic}.reader2`, 1, 10_000), { refused: /AUTHORIZATION_FAILED/ }, 'even with a group of its own prefix');

  await world.revokeAtCounty(request.id);
  t.equal(await waitFor(() => aclOf(mine.key, request.id), (acl) => acl === 'removed', 30_000), 'removed', 'the revocation at the owner removes the ACLs here');
  t.match(await read(kafka, request.mirroredTopic, `${request.mirroredTopic}.reader3`, 1, 10_000), { refused: /AUTHORIZATION_FAILED/ }, 'after the revocation its own mirrored topic is refused');
  t.equal(await aclOf(theirs.key, other.id), 'applied', "the other integrator's request is untouched");
});
