import type { JsonValue } from '../../../connectors/types.ts';
import type { Db } from '../../plugins/db.ts';

/** The committed source offsets of connectors (advanced by the commit stage, commit.ts). */
export function createOffsetStore(db: Db) {
  return {
    async offsets(id: string): Promise<Map<string, JsonValue>> {
      const { rows } = await db.query<{ partition: string; offset: JsonValue }>('SELECT partition, "offset" FROM connector_offsets WHERE connector_id = $1', [id]);
      return new Map(rows.map((row) => [row.partition, row.offset]));
    },

    async resetOffsets(id: string): Promise<number> {
      return (await db.query('DELETE FROM connector_offsets WHERE connector_id = $1', [id])).rowCount ?? 0;
    },

  };
}
