import type { Logger } from 'pino';
import type { ConnectorTypeRegistry } from '../../connectors/registry.ts';
import type { Db } from '../plugins/db.ts';
import type { SecretBox } from './secret-box.ts';
import { SEALED_FOR } from './sealed-for.ts';

const BATCH_ROWS = 500;

/** The value sealed with the current key: clear values (written before the upgrade) sealed, older keys' resealed. */
function resealed(box: SecretBox, value: string, context: string): string {
  if (!box.isSealed(value)) return box.seal(value, context);
  return box.isCurrent(value) ? value : box.seal(box.open(value, context), context);
}

async function sealConnectorSecrets(db: Db, box: SecretBox, types: ConnectorTypeRegistry, log: Logger): Promise<number> {
  const { rows } = await db.query<{ id: string; type: string; config: Record<string, unknown> }>('SELECT id, type, config FROM connectors ORDER BY id');
  let sealed = 0;
  for (const row of rows) {
    if (types.get(row.type) === undefined) continue;
    let config: Record<string, unknown>;
    try {
      config = types.mapSecrets(row.type, row.config, (value, path) => resealed(box, value, SEALED_FOR.connectorSecret(row.id, path)));
    } catch (err) {
      log.error({ err, connectorId: row.id }, 'a connector secret could not be opened with DX_SECRET_KEY or DX_SECRET_KEY_PREVIOUS; it is left as it is');
      continue;
    }
    if (JSON.stringify(config) === JSON.stringify(row.config)) continue;
    // Compare-and-set: an instance that sealed it first, or an update in between, wins; nothing is sealed twice.
    const updated = await db.query('UPDATE connectors SET config = $2 WHERE id = $1 AND config = $3::jsonb', [row.id, config, JSON.stringify(row.config)]);
    sealed += updated.rowCount ?? 0;
  }
  return sealed;
}

/**
 * Seals, in pages, the rows of a table whose `column` is not sealed with the current key. `key` names the row
 * columns (the first is the page order), `context` what a row is sealed for.
 */
async function sealColumn(
  db: Db,
  box: SecretBox,
  log: Logger,
  table: { name: string; column: string; key: [string, string]; context: (row: Record<string, string>) => string },
): Promise<number> {
  const [first, second] = table.key;
  let sealed = 0;
  let after: [string, string] | null = null;
  for (;;) {
    const { rows }: { rows: Record<string, string>[] } = await db.query(
      `SELECT ${first}::text AS a, ${second}::text AS b, ${table.column} AS value FROM ${table.name}
        WHERE ${table.column} IS NOT NULL AND left(${table.column}, $1) <> $2 AND ($3::text IS NULL OR (${first}::text, ${second}::text) > ($3::text, $4::text))
        ORDER BY ${first}::text, ${second}::text LIMIT ${BATCH_ROWS}`,
      [box.currentPrefix.length, box.currentPrefix, after?.[0] ?? null, after?.[1] ?? null],
    );
    if (rows.length === 0) return sealed;
    const changes = rows.flatMap((row): { a: string; b: string; value: string; sealed: string }[] => {
      try {
        return [{ a: row.a as string, b: row.b as string, value: row.value as string, sealed: resealed(box, row.value as string, table.context(row)) }];
      } catch (err) {
        log.error({ err, table: table.name }, 'a sealed row could not be opened with DX_SECRET_KEY or DX_SECRET_KEY_PREVIOUS; it is left as it is');
        return [];
      }
    });
    const updated = await db.query(
      `UPDATE ${table.name} AS t SET ${table.column} = u.sealed FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(a, b, sealed, old)
        WHERE t.${first}::text = u.a AND t.${second}::text = u.b AND t.${table.column} = u.old`,
      [changes.map((c) => c.a), changes.map((c) => c.b), changes.map((c) => c.sealed), changes.map((c) => c.value)],
    );
    sealed += updated.rowCount ?? 0;
    const last = rows[rows.length - 1] as Record<string, string>;
    after = [last.a as string, last.b as string];
  }
}

/**
 * Seals what was stored in clear before secrets were sealed (the upgrade), and reseals with DX_SECRET_KEY what an
 * older key sealed (rotation): connector secrets, quarantined source records, stored push answers. Idempotent, and
 * safe with several instances starting together: every write is a compare-and-set on the old value.
 */
export async function sealAtRest(db: Db, box: SecretBox, types: ConnectorTypeRegistry, log: Logger): Promise<Record<string, number>> {
  const counts = {
    connectors: await sealConnectorSecrets(db, box, types, log),
    rejectedRecords: await sealColumn(db, box, log, { name: 'rejected_records', column: 'source', key: ['connector_id', 'id'], context: (row) => SEALED_FOR.rejectedSource(row.a as string) }),
    ingestAnswers: await sealColumn(db, box, log, {
      name: 'ingest_requests',
      column: 'response',
      key: ['connector_id', 'idempotency_key'],
      context: (row) => SEALED_FOR.ingestAnswer(row.a as string, row.b as string),
    }),
  };
  if (Object.values(counts).some((count) => count > 0)) log.info(counts, 'stored secrets and records sealed with the current key');
  return counts;
}
