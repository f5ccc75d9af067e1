import type { Principal } from '../auth/principal.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { dxError } from '../errors.ts';
import { isKafkaError } from '../kafka/errors.ts';
import { cleanText } from '../pipeline/mapping/normalise.ts';
import type { Db } from '../plugins/db.ts';
import type { KafkaService } from '../plugins/kafka.ts';
import type { EntityHasher } from './entity-hash.ts';
import { checkKey } from './keys.ts';
import { registerLag } from './runtime.ts';
import type { RegisterStore } from './store.ts';
import type { Usage } from './usage.ts';

export interface RegisterServiceDependencies {
  db: Db;
  store: RegisterStore;
  usage: Usage;
  audit: Pick<AuditLog, 'record'>;
  hasher: EntityHasher;
  kafka: Pick<KafkaService, 'admin'>;
}

const LOOKUP_DAYS = 30;

/** The lag needs the topic's ends: a broker that cannot be asked is a 503, as for every other call that needs it. */
function brokerUnavailable(err: unknown): never {
  throw isKafkaError(err) ? dxError('DX_ERR_KAFKA_UNAVAILABLE', { cause: err }) : err;
}

/** The register of a resource as its page shows it, its rebuild, and the lookups of one entity. */
export function createRegisterService(deps: RegisterServiceDependencies) {
  async function enabled(resourceId: string) {
    const summary = await deps.store.summary(resourceId);
    if (!summary) throw dxError('DX_ERR_REGISTER_NOT_ENABLED');
    return summary;
  }

  return {
    async describe(resource: { id: string; topic: string | null }, withAlerts: boolean) {
      const summary = await deps.store.summary(resource.id);
      if (!summary) return { enabled: false as const };
      const [lag, lookupsPerDay, alerts] = await Promise.all([
        resource.topic === null ? { records: 0, seconds: 0 } : registerLag(deps, { resourceId: resource.id, topic: resource.topic }, summary.activeGeneration).catch(brokerUnavailable),
        deps.usage.perDay(resource.id, LOOKUP_DAYS),
        withAlerts ? deps.usage.alertsOf(resource.id) : [],
      ]);
      return { enabled: true as const, size: summary.size, generation: summary.activeGeneration, rebuilding: summary.rebuilding, undecodable: summary.undecodable, lag, lookupsPerDay, alerts };
    },

    /** Starts filling a new generation from the start of the topic; lookups read the current one until it has caught up. */
    async rebuild(principal: Principal, resourceId: string): Promise<{ generation: number }> {
      await enabled(resourceId);
      return deps.db.transaction(async (client) => {
        const started = await deps.store.requestRebuild(resourceId, principal.id, client);
        if (!started) throw dxError('DX_ERR_REGISTER_REBUILDING');
        await deps.audit.record({ principal, action: 'register.rebuild', object: { type: 'catalog-resource', id: resourceId }, details: { generation: started.generation } }, client);
        return started;
      });
    },

    /** Who looked the entity up on this resource, matched by its keyed hashes; the reading is audited too. */
    async usageOf(principal: Principal, resource: { id: string }, keyField: string | null, key: string, limit: number) {
      await enabled(resource.id);
      const checked = checkKey(keyField, key);
      if ('problem' in checked) throw dxError('DX_ERR_REQUEST_INVALID', { message: `key ${checked.problem}`, details: [{ path: 'key', message: checked.problem }] });
      // A licence register is also looked up by holder code, an identifier normalised to upper case.
      const forms = new Set([checked.key, cleanText(key).toUpperCase()]);
      const hashes = [...forms].flatMap((form) => deps.hasher.candidates(form));
      await deps.audit.record({ principal, action: 'register.usage.read', object: { type: 'register-entity', id: deps.hasher.hash(checked.key) }, details: { resourceId: resource.id } });
      const items = await deps.usage.ofEntity(resource.id, hashes, limit);
      return { items: items.map(({ integratorId, integratorName, ...item }) => ({ ...item, integrator: { id: integratorId, name: integratorName } })) };
    },
  };
}

export type RegisterService = ReturnType<typeof createRegisterService>;
