import t from 'tap';
import { describeSource } from '../../catalog/lineage.ts';

t.test('a sql-pull source is shown as driver, host, port and database, never its user or password', async (t) => {
  const source = describeSource('sql-pull', { driver: 'postgres', host: '10.20.1.5', port: 5432, database: 'hukou', user: 'reader', password: 's3cret', table: 'rk_jbxx' });
  t.same(source, { location: 'postgres://10.20.1.5:5432/hukou', object: 'rk_jbxx' });
  t.notMatch(JSON.stringify(source), /reader|s3cret/);
});

t.test('an http-pull source loses its credentials, query string and fragment', async (t) => {
  const source = describeSource('http-pull', { url: 'https://user:pw@api.scj.gov.internal:8443/v1/orgs?token=abc#x', auth: { type: 'bearer', token: 'xyz' } });
  t.same(source, { location: 'https://api.scj.gov.internal:8443/v1/orgs', object: null });
});

t.test('a file-drop source is its folder and a push source has no address', async (t) => {
  t.same(describeSource('file-drop', { directory: '/srv/drop/scj', encoding: 'gbk' }), { location: '/srv/drop/scj', object: null });
  t.same(describeSource('http-push', { maxRecordsPerRequest: 100 }), { location: null, object: null });
});
