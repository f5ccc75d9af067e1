import { randomUUID } from 'node:crypto';
import type { ConnectorTypeRegistry } from '../../../connectors/registry.ts';
import type { Db } from '../../plugins/db.ts';
import { CONNECTOR_TOPIC_NOT_OWNED } from '../../security/topic-ownership.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { SEALED_FOR } from '../../security/sealed-for.ts';
import type { MappingSpec } from '../mapping/spec.ts';
import { ts } from './columns.ts';

export interface ConnectorOptions {
  batchSize?: number;
  /** Records and source offsets are written in one Kafka transaction (pull connectors only). */
  exactlyOnce?: boolean;
}

export interface Connector {
  id: string;
  name: string;
  departmentCode: string;
  type: string;
  kind: 'pull' | 'push';
  schemaName: string;
  topic: string;
  deadLetterTopic: string;
  config: Record<string, unknown>;
  mapping: MappingSpec;
  schedule: string | null;
  options: ConnectorOptions;
  state: 'active' | 'paused';
  runRequestedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewConnector = Omit<Connector, 'id' | 'state' | 'runRequestedAt' | 'createdAt' | 'updatedAt'>;

const COLUMNS = `id, name, department_code AS "departmentCode", type, kind, schema_name AS "schemaName", topic,
  dead_letter_topic AS "deadLetterTopic", config, mapping, schedule, options, state,
  ${ts('run_requested_at', 'runRequestedAt')}, ${ts('created_at', 'createdAt')}, ${ts('updated_at', 'updatedAt')}`;
/**
 * Connector secrets are stored sealed (each for its connector and field) and stay sealed in every `Connector` the
 * store answers; `openConfig` opens them for the task that connects. Quarantined source records are sealed too.
 */
export function createConfigurationStore(db: Db, sealing: { box: SecretBox; types: ConnectorTypeRegistry }) {
  const { box, types } = sealing;

  /** Seals every secret of `config` that is not already sealed for this connector (a value sent in clear that looks sealed is sealed too). */
  function sealConfig(id: string, type: string, config: Record<string, unknown>): Record<string, unknown> {
    return types.mapSecrets(type, config, (value, path) => {
      const context = SEALED_FOR.connectorSecret(id, path);
      if (box.isSealed(value)) {
        try {
          box.open(value, context);
          return value;
        } catch {
          // Not sealed by this gateway for this connector: it is what the caller typed, to be sealed like any value.
        }
      }
      return box.seal(value, context);
    });
  }

  return {
    /** The config with its secrets in clear, for the task that connects; never answered nor logged. */
    openConfig(connector: Pick<Connector, 'id' | 'type' | 'config'>): Record<string, unknown> {
      return types.mapSecrets(connector.type, connector.config, (value, path) => box.reveal(value, SEALED_FOR.connectorSecret(connector.id, path)));
    },

    async create(input: NewConnector, createdBy: string | null): Promise<Connector> {
      const id = randomUUID();
      return db.transaction(async (client) => {
        const { rows } = await client.query<Connector>(
          `INSERT INTO connectors (id, name, department_code, type, kind, schema_name, topic, dead_letter_topic, config, mapping, schedule, options, created_by)
           VALUES ($13, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
          [input.name, input.departmentCode, input.type, input.kind, input.schemaName, input.topic, input.deadLetterTopic, sealConfig(id, input.type, input.config), input.mapping, input.schedule, input.options, createdBy, id],
        );
        const connector = rows[0] as Connector;
        await client.query('INSERT INTO connector_totals (connector_id) VALUES ($1)', [connector.id]);
        return connector;
      });
    },

    /** A page of connectors, of one department or all; with `topicNotOwned`, only those breaking 一数一源. */
    async list(filter: { departmentCode?: string | undefined; topicNotOwned?: boolean | undefined; limit: number; offset: number }): Promise<{ items: Connector[]; total: number }> {
      const department = filter.departmentCode ?? null;
      const where = `($1::text IS NULL OR department_code = $1)${filter.topicNotOwned ? ` AND ${CONNECTOR_TOPIC_NOT_OWNED}` : ''}`;
      const [page, count] = await Promise.all([
        db.query<Connector>(`SELECT ${COLUMNS} FROM connectors WHERE ${where} ORDER BY created_at, id LIMIT $2 OFFSET $3`, [department, filter.limit, filter.offset]),
        db.query<{ total: number }>(`SELECT count(*)::int AS total FROM connectors WHERE ${where}`, [department]),
      ]);
      return { items: page.rows, total: count.rows[0]?.total ?? 0 };
    },

    async listRunnable(): Promise<Connector[]> {
      return (await db.query<Connector>(`SELECT ${COLUMNS} FROM connectors WHERE kind = 'pull' ORDER BY id`)).rows;
    },

    async get(id: string): Promise<Connector | undefined> {
      return (await db.query<Connector>(`SELECT ${COLUMNS} FROM connectors WHERE id = $1`, [id])).rows[0];
    },

    async update(existing: Pick<Connector, 'id' | 'type'>, fields: Pick<Connector, 'name' | 'config' | 'mapping' | 'schedule' | 'options'>): Promise<Connector | undefined> {
      const { rows } = await db.query<Connector>(
        `UPDATE connectors SET name = $2, config = $3, mapping = $4, schedule = $5, options = $6, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [existing.id, fields.name, sealConfig(existing.id, existing.type, fields.config), fields.mapping, fields.schedule, fields.options],
      );
      return rows[0];
    },

    async remove(id: string): Promise<boolean> {
      return ((await db.query('DELETE FROM connectors WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },

    async setState(id: string, state: Connector['state']): Promise<Connector | undefined> {
      return (await db.query<Connector>(`UPDATE connectors SET state = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, state])).rows[0];
    },

    async requestRun(id: string): Promise<void> {
      await db.query('UPDATE connectors SET run_requested_at = now() WHERE id = $1', [id]);
    },

    async clearRunRequest(id: string): Promise<void> {
      await db.query('UPDATE connectors SET run_requested_at = NULL WHERE id = $1', [id]);
    },

    /** The items of the catalogue resource published on `topic` (none when no resource is). */
    async resourceItems(topic: string): Promise<{ canonicalField: string | null; sensitivity: number }[]> {
      const { rows } = await db.query<{ items: { canonicalField?: string | null; sensitivity: number }[] }>('SELECT items FROM catalog_resources WHERE topic = $1', [topic]);
      return (rows[0]?.items ?? []).map((item) => ({ canonicalField: item.canonicalField ?? null, sensitivity: item.sensitivity }));
    },

  };
}
