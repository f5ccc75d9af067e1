import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { TEST_BROKERS } from '../helpers/kafka.ts';
import { testConnector } from './sql-connector.ts';

t.test("the gateway's Kafka broker as an http-pull URL is refused, by address and by another loopback name", async (t) => {
  const { app, adminKey } = await buildTestApp(t, { hostResolver: async () => ['127.0.0.9'] });
  const department = await createDepartment(app, adminKey, 'SCJG');
  const port = (TEST_BROKERS[0] as string).split(':').pop();
  for (const url of [`http://${TEST_BROKERS[0]}/`, `http://kafka.city.example:${port}/`]) {
    const attack = await testConnector(app, adminKey, department, 'http-pull', { url, recordsPath: 'data' });
    t.equal(attack.created, 201, JSON.stringify(attack.body));
    t.match(attack.test.check, { ok: false, message: /gateway's own Kafka brokers/ }, url);
    t.same(attack.test.records, []);
  }
});
