import type { Db } from '../plugins/db.ts';
import { generateApiKey } from './api-key.ts';
import { createPrincipalStore } from './principal-store.ts';

export const BOOTSTRAP_PRINCIPAL_NAME = 'data-office';

/**
 * On the first start only, creates the data office principal with a key: `adminToken` when given, otherwise a
 * generated key that is returned so the caller can show it once. Later starts change nothing (a revoked
 * bootstrap key stays revoked). Safe when several instances start at once.
 */
export async function bootstrapOfficeKey(db: Db, adminToken: string | undefined): Promise<{ generatedKey?: string } | undefined> {
  const store = createPrincipalStore(db);
  return db.transaction(async (client) => {
    await client.query('LOCK TABLE gateway_settings IN EXCLUSIVE MODE');
    const { rowCount } = await client.query("SELECT 1 FROM gateway_settings WHERE key = 'bootstrapped'");
    if (rowCount) return undefined;
    const principal = await store.insertPrincipal(client, { kind: 'office', name: BOOTSTRAP_PRINCIPAL_NAME, description: 'Created on first start' }, null);
    const key = adminToken ?? generateApiKey();
    await store.insertKey(client, principal.id, key, { label: adminToken ? 'DX_ADMIN_TOKEN' : 'generated on first start' });
    await client.query(`INSERT INTO gateway_settings (key, value) VALUES ('bootstrapped', to_jsonb(now()))`);
    return adminToken ? {} : { generatedKey: key };
  });
}
