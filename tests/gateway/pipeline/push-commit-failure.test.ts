import t from 'tap';
import { createFixtureGenerator } from '../../../schemas/fixtures/index.ts';
import { bearer, buildTestApp } from '../../helpers/app.ts';
import { consumeTopic } from '../../helpers/consume.ts';
import { createDepartment } from '../../helpers/department.ts';
import { freshTopicName } from '../../helpers/kafka.ts';
import { provideTopic } from '../../helpers/resource.ts';

const PERSON_FIELDS = { fields: Object.fromEntries(['id_number', 'name', 'sex', 'birth_date'].map((field) => [field, field])) };

/**
 * Makes the next commit of a batch with rejected records fail, once, in the database itself: a trigger on the
 * quarantine table raises on its first row. A sequence does not roll back with the failed statement, so the
 * second commit goes through.
 */
async function failNextCommitOnce(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<void> {
  await app.db.query('CREATE SEQUENCE test_commit_failures');
  await app.db.query(`CREATE FUNCTION test_fail_commit_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('test_commit_failures') = 1 THEN RAISE EXCEPTION 'commit failed (injected by the test)'; END IF;
      RETURN NEW;
    END $$`);
  await app.db.query('CREATE TRIGGER test_fail_commit_once BEFORE INSERT ON rejected_records FOR EACH ROW EXECUTE FUNCTION test_fail_commit_once()');
}

t.test('a push whose commit fails publishes nothing twice when it is retried with the same Idempotency-Key, dead letters included', async (t) => {
  const { app, adminKey } = await buildTestApp(t);
  const department = await createDepartment(app, adminKey, 'GAJ');
  const topic = freshTopicName('push-commit');
  await provideTopic(app, adminKey, 'GAJ', topic);
  const connector = (await app.inject({ method: 'POST', url: '/api/v1/connectors', headers: bearer(department.key), payload: { name: 'push', type: 'http-push', schema: 'population.person', topic, config: {}, mapping: PERSON_FIELDS } })).json();
  const fixtures = createFixtureGenerator({ seed: 19 });
  const records = [...Array.from({ length: 3 }, () => fixtures.person()), { id_number: '110105194912310021', name: '校验位错误' }, { id_number: 'not a number', name: '坏号码' }];
  const push = () => app.inject({ method: 'POST', url: `/api/v1/ingest/${connector.id}`, headers: { ...bearer(department.key), 'idempotency-key': 'commit-fails-once' }, payload: records });
  await failNextCommitOnce(app);

  const failed = await push();
  t.equal(failed.statusCode, 500, 'the failed commit is not answered 2xx');
  const retried = await push();
  t.equal(retried.statusCode, 202, retried.body);
  t.match(retried.json(), { requestId: 'commit-fails-once', accepted: 3, rejected: 2 });
  const again = await push();
  t.same(again.json(), retried.json(), 'later retries answer the same');

  t.equal((await consumeTopic(`${topic}.dlq`, 4, { quietMs: 2000 })).length, 2, 'each dead letter is on the dead-letter topic once');
  t.equal((await consumeTopic(topic, 6, { quietMs: 1000 })).length, 3, 'each record is on the topic once');
  const status = (await app.inject({ url: `/api/v1/connectors/${connector.id}/status`, headers: bearer(department.key) })).json();
  t.match(status.totals, { read: 5, published: 3, rejected: 2 }, 'the retry committed the counts once');
  const quarantined = (await app.inject({ url: `/api/v1/connectors/${connector.id}/rejected`, headers: bearer(department.key) })).json();
  t.equal(quarantined.items.length, 2, 'the rejected records are quarantined once');
});
