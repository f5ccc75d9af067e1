import { DOCUMENT_FIELDS, type Actor, type Resource, type ResourceDocument } from '../../catalog/model.ts';
import { documentOf, VersionConflictError, type CatalogRepository, type ResourceUpdate } from '../../catalog/repository.ts';
import type { CatalogSearch } from '../../catalog/search.ts';
import type { AuditEntryInput } from '../audit/audit-log.ts';
import { catalogAccessChanges } from '../audit/catalog-changes.ts';
import type { Db } from '../db/database.ts';
import { translatingUniqueViolations } from '../db/errors.ts';
import { dxError } from '../errors.ts';
import { auditedTransaction, type AuditAppender } from './audited.ts';

const TAKEN = {
  catalog_resources_code_key: { code: 'DX_ERR_CATALOG_CODE_TAKEN', detail: { path: 'code', message: 'is taken by another resource' } },
  catalog_resources_topic_key: { code: 'DX_ERR_CATALOG_TOPIC_TAKEN', detail: { path: 'topic', message: 'is the topic of another resource' } },
} as const;

const object = (resource: Pick<Resource, 'id'>) => ({ type: 'catalog-resource', id: resource.id });
const principalOf = (actor: Actor) => (actor ? { id: actor.id, kind: actor.kind } : null);

/** The entry of a create (`previous` null) or an update: the fields changed, and the old and new access settings. */
function changeEntry(actor: Actor, resource: Resource, changed: readonly string[], previous: ResourceDocument | null): AuditEntryInput {
  return {
    principal: principalOf(actor),
    action: previous === null ? 'catalog.resource.create' : 'catalog.resource.update',
    object: object(resource),
    details: { code: resource.code, version: resource.version, changed, ...catalogAccessChanges(previous, documentOf(resource)) },
  };
}

/**
 * Catalogue workflow: creating and changing resources and assigning publishers, each with its audit entry in one
 * transaction (a failed append leaves the catalogue as it was); the search index hears of a change once committed.
 */
export function createCatalogService(deps: { db: Db; audit: AuditAppender; repository: CatalogRepository; search: Pick<CatalogSearch, 'changed'> }) {
  const { db, audit, repository, search } = deps;

  async function publisherChange(resource: Resource, departmentCode: string, actor: Actor, assign: boolean): Promise<void> {
    await auditedTransaction(db, audit, async (client) => {
      const { rowCount } = assign
        ? await client.query('INSERT INTO catalog_resource_publishers (resource_id, department_code, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [resource.id, departmentCode, actor?.id ?? null])
        : await client.query('DELETE FROM catalog_resource_publishers WHERE resource_id = $1 AND department_code = $2', [resource.id, departmentCode]);
      const details = { code: resource.code, topic: resource.topic, departmentCode };
      return { result: undefined, entry: rowCount === 0 ? null : { principal: principalOf(actor), action: `catalog.publisher.${assign ? 'assign' : 'withdraw'}`, object: object(resource), details } };
    });
  }

  return {
    async create(document: ResourceDocument, actor: Actor): Promise<Resource> {
      const resource = await translatingUniqueViolations(
        () => auditedTransaction(db, audit, async (client) => {
          const created = await repository.create(document, actor, client);
          return { result: created, entry: changeEntry(actor, created, DOCUMENT_FIELDS, null) };
        }),
        TAKEN,
      );
      search.changed();
      return resource;
    },

    /** Undefined when the resource is gone; 409 DX_ERR_CATALOG_VERSION_CONFLICT when `version` is not the stored one. */
    async update(id: string, document: ResourceDocument, actor: Actor, version?: number): Promise<ResourceUpdate | undefined> {
      try {
        const result = await translatingUniqueViolations(
          () => auditedTransaction(db, audit, async (client) => {
            const updated = await repository.update(id, document, actor, version, client);
            const entry = updated && updated.changedFields.length > 0 ? changeEntry(actor, updated.resource, updated.changedFields, updated.previous) : null;
            return { result: updated, entry };
          }),
          TAKEN,
        );
        search.changed();
        return result;
      } catch (err) {
        if (err instanceof VersionConflictError) throw dxError('DX_ERR_CATALOG_VERSION_CONFLICT', { details: [{ path: 'version', message: `is ${version}; the resource is at version ${err.current}` }] });
        throw err;
      }
    },

    /** Lets `departmentCode` publish onto the resource's topic besides its provider; audited only when it is new. */
    assignPublisher: (resource: Resource, departmentCode: string, actor: Actor) => publisherChange(resource, departmentCode, actor, true),

    /** Withdraws that assignment; audited only when there was one. */
    withdrawPublisher: (resource: Resource, departmentCode: string, actor: Actor) => publisherChange(resource, departmentCode, actor, false),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
