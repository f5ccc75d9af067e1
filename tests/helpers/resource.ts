import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { bearer } from './app.ts';

/**
 * The body with which the data office catalogues a department resource on `topic`, provided by `departmentCode`:
 * what lets that department's connectors publish onto the topic (一数一源).
 */
export function topicResourceBody(departmentCode: string, topic: string, name = `${departmentCode} 测试资源`): Record<string, unknown> {
  const sequence = randomBytes(4).readUInt32BE(0) % 1_000_000_000;
  return {
    code: `301${String(sequence % 1000).padStart(3, '0')}/${String(sequence).padStart(9, '0')}`,
    name,
    kind: 'department',
    providerCode: departmentCode,
    providerName: `部门${departmentCode}`,
    summary: `${name}，供测试的连接器发布。`,
    format: 'database',
    items: [{ name: '记录', dataType: 'string', sensitivity: 2, masking: 'none', shareable: true }],
    sharing: { type: 'unconditional', methods: ['interface'] },
    open: { open: false },
    updateCycle: 'real-time',
    topic,
  };
}

/** Catalogues, as the data office, a resource on `topic` provided by `departmentCode`; answers its id. */
export async function provideTopic(app: FastifyInstance, adminKey: string, departmentCode: string, topic: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/catalog/resources', headers: bearer(adminKey), payload: topicResourceBody(departmentCode, topic) });
  if (response.statusCode !== 201) throw new Error(`resource on ${topic}: ${response.statusCode} ${response.body}`);
  return response.json().id as string;
}

/**
 * Writes a push connector of `departmentCode` onto `topic` straight into the gateway's database, as an install from
 * before 一数一源 has it (the API refuses such a connector now); answers its id.
 */
export async function insertLegacyConnector(databaseUrl: string, departmentCode: string, topic: string, mapping: unknown): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO connectors (name, department_code, type, kind, schema_name, topic, dead_letter_topic, config, mapping, options)
       VALUES ('旧推送', $1, 'http-push', 'push', 'population.person', $2, $3, '{}', $4, '{}') RETURNING id`,
      [departmentCode, topic, `${topic}.dlq`, mapping],
    );
    const id = (rows[0] as { id: string }).id;
    await client.query('INSERT INTO connector_totals (connector_id) VALUES ($1)', [id]);
    return id;
  } finally {
    await client.end();
  }
}
