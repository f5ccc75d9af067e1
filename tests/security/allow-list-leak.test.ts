import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { createDepartment } from '../helpers/department.ts';
import { testConnector } from './sql-connector.ts';

t.test('a refusal tells the caller neither what a name resolves to nor whether the port is open', async (t) => {
  const hidden = { 'db.internal.example': ['10.77.1.2'], 'meta.internal.example': ['169.254.169.254'] } as Record<string, string[]>;
  const { app, adminKey, logs } = await buildTestApp(t, { env: { DX_ALLOWED_HOSTS: '*.city.example' }, hostResolver: async (host) => hidden[host] ?? [] });
  const department = await createDepartment(app, adminKey, 'SCJG');
  for (const host of Object.keys(hidden)) {
    for (const config of [
      { driver: 'postgres', host, database: 'x', user: 'x', table: 't', cursorColumn: 'id', keyColumn: 'id' },
      { url: `http://${host}:8080/`, recordsPath: 'data' },
    ]) {
      const attack = await testConnector(app, adminKey, department, 'driver' in config ? 'sql-pull' : 'http-pull', config);
      const answer = JSON.stringify(attack.test);
      t.match(attack.test.check, { ok: false, message: /is refused: it is not on the allow-list, or it resolves to an address that may not be reached/ }, host);
      t.notMatch(answer, /10\.77|169\.254/, 'the answer holds no resolved address');
      t.notMatch(answer, /ECONNREFUSED|timeout|open/i, 'nor how a connection went');
    }
  }
  const info = logs.filter((line) => JSON.parse(line).level >= 30).join('');
  t.notMatch(info, /10\.77|169\.254/, 'no resolved address in the logs at info');
});
