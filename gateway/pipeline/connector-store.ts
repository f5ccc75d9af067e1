import { randomUUID } from 'node:crypto';
import type { ConnectorTypeRegistry } from '../../connectors/registry.ts';
import type { JsonValue } from '../../connectors/types.ts';
import type { Db } from '../plugins/db.ts';
import { CONNECTOR_TOPIC_NOT_OWNED } from '../security/topic-ownership.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { SEALED_FOR } from '../security/sealed-for.ts';
import type { MappingSpec } from './mapping/spec.ts';

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

export interface RejectedRecord {
  partition: string;
  offset: JsonValue;
  source: Record<string, unknown>;
  errors: { path: string; rule: string; message: string }[];
}

/** A published record that broke soft rules (schemas/formats/record-warnings.ts). */
export interface WarnedRecord {
  partition: string;
  offset: JsonValue;
  warnings: readonly { path: string; rule: string; message: string }[];
}

export interface BatchCommit {
  read: number;
  published: number;
  rejected: RejectedRecord[];
  /** Published records with data-quality warnings; absent: none. */
  warned?: WarnedRecord[];
  /** The offset of the last record of each partition in the batch. */
  offsets: Map<string, JsonValue>;
}

/**
 * Advances the offsets ($3, an object of partition → offset), stores the rejected records ($4) and adds the counts
 * ($5 read, $6 published, $7 rejected) to the totals, the minute's throughput and the run ($2, none when null); the
 * warned records ($8) are kept for the warnings view and counted in the totals.
 * Data-modifying CTEs run to completion whether or not the outer statement reads them.
 */
const COMMIT_BATCH = `
  WITH offsets AS (
    INSERT INTO connector_offsets (connector_id, partition, "offset")
    SELECT $1::uuid, entry.key, entry.value FROM jsonb_each($3::jsonb) AS entry
    ON CONFLICT (connector_id, partition) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()
  ), rejected AS (
    INSERT INTO rejected_records (connector_id, run_id, partition, "offset", source, errors)
    SELECT $1::uuid, $2::bigint, r.partition, r."offset", r.source, r.errors
      FROM jsonb_to_recordset($4::jsonb) AS r(partition text, "offset" jsonb, source text, errors jsonb)
  ), warned AS (
    INSERT INTO record_warnings (connector_id, run_id, partition, "offset", warnings)
    SELECT $1::uuid, $2::bigint, w.partition, w."offset", w.warnings FROM jsonb_to_recordset($8::jsonb) AS w(partition text, "offset" jsonb, warnings jsonb)
  ), totals AS (
    UPDATE connector_totals SET read = read + $5::int, published = published + $6::int, rejected = rejected + $7::int,
      warned = warned + jsonb_array_length($8::jsonb),
      last_published_at = CASE WHEN $6::int > 0 THEN now() ELSE last_published_at END
    WHERE connector_id = $1::uuid
  ), throughput AS (
    INSERT INTO connector_throughput (connector_id, minute, published, rejected)
    SELECT $1::uuid, date_trunc('minute', now()), $6::int, $7::int WHERE $5::int > 0
    ON CONFLICT (connector_id, minute) DO UPDATE
      SET published = connector_throughput.published + EXCLUDED.published, rejected = connector_throughput.rejected + EXCLUDED.rejected
  )
  UPDATE connector_runs SET read = read + $5::int, published = published + $6::int, rejected = rejected + $7::int WHERE id = $2::bigint`;

export interface Totals {
  read: number;
  published: number;
  rejected: number;
  /** Published records with data-quality warnings. */
  warned: number;
  lastPublishedAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface RunRecord {
  id: number;
  trigger: string;
  instance: string;
  status: 'running' | 'succeeded' | 'failed' | 'aborted';
  startedAt: string;
  finishedAt: string | null;
  read: number;
  published: number;
  rejected: number;
  attempts: number;
  error: string | null;
}

const ts = (column: string, alias: string) => `to_json(${column})#>>'{}' AS "${alias}"`;
const COLUMNS = `id, name, department_code AS "departmentCode", type, kind, schema_name AS "schemaName", topic,
  dead_letter_topic AS "deadLetterTopic", config, mapping, schedule, options, state,
  ${ts('run_requested_at', 'runRequestedAt')}, ${ts('created_at', 'createdAt')}, ${ts('updated_at', 'updatedAt')}`;
const RUN_COLUMNS = `id::int, trigger, instance, status, ${ts('started_at', 'startedAt')}, ${ts('finished_at', 'finishedAt')},
  read::int, published::int, rejected::int, attempts, error`;

/**
 * Connector secrets are stored sealed (each for its connector and field) and stay sealed in every `Connector` the
 * store answers; `openConfig` opens them for the task that connects. Quarantined source records are sealed too.
 */
export function createConnectorStore(db: Db, sealing: { box: SecretBox; types: ConnectorTypeRegistry }) {
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

    async offsets(id: string): Promise<Map<string, JsonValue>> {
      const { rows } = await db.query<{ partition: string; offset: JsonValue }>('SELECT partition, "offset" FROM connector_offsets WHERE connector_id = $1', [id]);
      return new Map(rows.map((row) => [row.partition, row.offset]));
    },

    async resetOffsets(id: string): Promise<number> {
      return (await db.query('DELETE FROM connector_offsets WHERE connector_id = $1', [id])).rowCount ?? 0;
    },

    /** Starts a run; the caller holds the lease, so a run still marked running was left by an instance that died. */
    async startRun(id: string, trigger: string, instance: string): Promise<number> {
      return db.transaction(async (client) => {
        await client.query(
          "UPDATE connector_runs SET status = 'aborted', finished_at = now(), error = 'the gateway instance running it stopped' WHERE connector_id = $1 AND status = 'running'",
          [id],
        );
        const { rows } = await client.query<{ id: number }>(
          "INSERT INTO connector_runs (connector_id, trigger, instance, status) VALUES ($1, $2, $3, 'running') RETURNING id::int",
          [id, trigger, instance],
        );
        return (rows[0] as { id: number }).id;
      });
    },

    async finishRun(runId: number, status: RunRecord['status'], error: string | null, attempts: number): Promise<void> {
      await db.transaction(async (client) => {
        const { rows } = await client.query<{ connector_id: string }>(
          'UPDATE connector_runs SET status = $2, error = $3, attempts = $4, finished_at = now() WHERE id = $1 RETURNING connector_id',
          [runId, status, error, attempts],
        );
        if (error !== null && rows[0]) {
          await client.query('UPDATE connector_totals SET last_error = $2, last_error_at = now() WHERE connector_id = $1', [rows[0].connector_id, error]);
        }
      });
    },

    /**
     * Called only after the broker acknowledged every record of the batch: advances the offsets, stores the
     * rejected records and adds to the counts, all at once (one statement).
     */
    async commitBatch(connectorId: string, runId: number | null, batch: BatchCommit): Promise<void> {
      // In exactly-once mode these offsets are the display copy; the offsets topic is the source of truth.
      // One statement, atomic on its own, instead of a transaction of five: one round trip per batch. Named, so each
      // connection parses and plans it once: PostgreSQL's share of the two cores counts while pulling (it returns no
      // rows, so a later migration cannot make the prepared form fail).
      await db.pool.query({ name: 'dx-commit-batch', text: COMMIT_BATCH, values: [
        connectorId,
        runId,
        JSON.stringify(Object.fromEntries(batch.offsets)),
        JSON.stringify(batch.rejected.map((record) => ({ ...record, source: box.seal(JSON.stringify(record.source), SEALED_FOR.rejectedSource(connectorId)) }))),
        batch.read,
        batch.published,
        batch.rejected.length,
        JSON.stringify(batch.warned ?? []),
      ] });
    },

    async totals(id: string): Promise<Totals | undefined> {
      const { rows } = await db.query<Totals>(
        `SELECT read::int, published::int, rejected::int, warned::int, ${ts('last_published_at', 'lastPublishedAt')}, last_error AS "lastError", ${ts('last_error_at', 'lastErrorAt')}
           FROM connector_totals WHERE connector_id = $1`,
        [id],
      );
      return rows[0];
    },

    async runs(id: string, limit: number): Promise<RunRecord[]> {
      return (await db.query<RunRecord>(`SELECT ${RUN_COLUMNS} FROM connector_runs WHERE connector_id = $1 ORDER BY id DESC LIMIT $2`, [id, limit])).rows;
    },

    async run(runId: number): Promise<RunRecord | undefined> {
      return (await db.query<RunRecord>(`SELECT ${RUN_COLUMNS} FROM connector_runs WHERE id = $1`, [runId])).rows[0];
    },

    /** Rejected records with their source in clear: for the owner's API and replay only. */
    async rejectedRecords(id: string, filter: { limit: number; afterId: number; status: 'open' | 'replayed' | 'all' }) {
      const { rows } = await db.query<Omit<RejectedRecord, 'source'> & { source: string; id: number; runId: number | null; status: string; createdAt: string }>(
        `SELECT id::int, run_id::int AS "runId", partition, "offset", source, errors, status, ${ts('created_at', 'createdAt')}
           FROM rejected_records WHERE connector_id = $1 AND id > $2 AND ($4 = 'all' OR status = $4) ORDER BY id LIMIT $3`,
        [id, filter.afterId, filter.limit, filter.status],
      );
      const context = SEALED_FOR.rejectedSource(id);
      return rows.map((row) => ({ ...row, source: JSON.parse(box.reveal(row.source, context)) as Record<string, unknown> }));
    },

    /** The items of the catalogue resource published on `topic` (none when no resource is). */
    async resourceItems(topic: string): Promise<{ canonicalField: string | null; sensitivity: number }[]> {
      const { rows } = await db.query<{ items: { canonicalField?: string | null; sensitivity: number }[] }>('SELECT items FROM catalog_resources WHERE topic = $1', [topic]);
      return (rows[0]?.items ?? []).map((item) => ({ canonicalField: item.canonicalField ?? null, sensitivity: item.sensitivity }));
    },

    async markReplayed(ids: number[]): Promise<void> {
      if (ids.length > 0) await db.query("UPDATE rejected_records SET status = 'replayed', replayed_at = now() WHERE id = ANY($1::bigint[])", [ids]);
    },
  };
}

export type ConnectorStore = ReturnType<typeof createConnectorStore>;
