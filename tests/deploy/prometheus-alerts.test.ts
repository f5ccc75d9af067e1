import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { projectPath } from '../../project-root.ts';
import { buildTestApp } from '../helpers/app.ts';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

const groups = (parse(readFileSync(projectPath('deploy', 'prometheus', 'alerts.yaml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((group) => group.rules);

t.test('every alert has a severity of warning or critical, a summary, a description and a duration', async (t) => {
  t.ok(rules.length >= 8);
  t.equal(new Set(rules.map((rule) => rule.alert)).size, rules.length, 'alert names are unique');
  for (const rule of rules) {
    t.match(rule.labels?.severity, /^(warning|critical)$/, rule.alert);
    t.ok(rule.annotations?.summary && rule.annotations.description, rule.alert);
    t.match(rule.for, /^\d+m$/, rule.alert);
  }
});

t.test("every dx_ metric and route the alerts use is one the gateway's /metrics serves", async (t) => {
  const { app } = await buildTestApp(t);
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const served = new Set<string>();
  for (const [, name, type] of metrics.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name) continue;
    served.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) served.add(`${name}${suffix}`);
  }
  const used = new Set(rules.flatMap((rule) => [...rule.expr.matchAll(/\b(dx_[a-z0-9_]+)/g)].map((match) => match[1] ?? '')));
  t.ok(used.size >= 6);
  for (const name of used) t.ok(served.has(name), `${name} is served`);
  t.match(metrics, /dx_http_request_duration_seconds_count\{[^}]*route="\/readyz"[^}]*status_code="200"/, 'the /readyz alert reads labels the histogram has');
  const routes = app.printRoutes({ commonPrefix: false });
  t.match(routes, /\/api\/v1\/ingest\/:id/, 'the push alert matches the ingest route');
});
