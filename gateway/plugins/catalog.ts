import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { seedBaseResources } from '../../catalog/base-resources.ts';
import type { DcatOptions } from '../../catalog/export/dcat.ts';
import type { Clock } from '../../catalog/freshness.ts';
import { createCatalogLineage, type CatalogLineage } from '../../catalog/lineage.ts';
import { createCatalogRepository, type CatalogRepository } from '../../catalog/repository.ts';
import { createCatalogSearch, type CatalogSearch } from '../../catalog/search.ts';
import { createCatalogStatistics, type CatalogStatistics } from '../../catalog/statistics.ts';
import type { CheckContext } from '../../catalog/validate.ts';

export interface CatalogOptions {
  /** Now, for freshness and the statistics' windows; tests pass a clock they move. Default: the system clock. */
  clock?: Clock;
  /** Title, description and publisher of the catalogue in the DCAT-AP export. */
  title?: string;
  description?: string;
  publisher?: string;
}

export interface Catalog {
  repository: CatalogRepository;
  search: CatalogSearch;
  statistics: CatalogStatistics;
  /** Lineage; the subscriptions module registers its seam with `lineage.setSubscriptionSource`. */
  lineage: CatalogLineage;
  clock: Clock;
  /** Today in the city's time zone (Asia/Shanghai), YYYY-MM-DD: the default publish date. */
  today(): string;
  /** What validation needs of the registry and the catalogue. */
  checks: CheckContext;
  describe: Omit<DcatOptions, 'baseUrl' | 'modified'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The resource catalogue (catalog/): repository, search, statistics, lineage. Base resources exist once it is registered. */
    catalog: Catalog;
  }
}

const dateInShanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

function fieldNames(type: string, schema: string): string[] | null {
  try {
    const parsed = JSON.parse(schema) as { fields?: { name: string }[]; properties?: Record<string, unknown> };
    if (type === 'AVRO' && Array.isArray(parsed.fields)) return parsed.fields.map((field) => field.name);
    if (type === 'JSON' && parsed.properties) return Object.keys(parsed.properties);
  } catch {
    // A schema the registry accepted is valid in its own language; this one just has no field list to read.
  }
  return null;
}

/**
 * Decorates `catalog`. On start, creates the base resources not created before (idempotent across restarts and
 * instances) and loads the search index, so the first search is fast. Changes made through the API go through the
 * catalogue service (gateway/services/catalog.ts), which audits them in the transaction that makes them.
 */
async function catalogPlugin(app: FastifyInstance, options: CatalogOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const today = () => dateInShanghai.format(clock());
  const repository = createCatalogRepository(app.db);
  // Like the bootstrap principal, what the gateway creates for itself on first start is not audited; the resource
  // history still shows it, made by no principal.
  const created = await seedBaseResources(app.db, repository, today());
  if (created.length > 0) app.log.info({ created }, 'base resources catalogued');

  const search = createCatalogSearch({ db: app.db, repository, clock });
  await search.refresh();
  app.decorate('catalog', {
    repository,
    search,
    statistics: createCatalogStatistics({ db: app.db, clock, latestSchema: (subject) => app.schemaRegistry.latest(subject) }),
    lineage: createCatalogLineage({ db: app.db }),
    clock,
    today,
    checks: {
      async subjectFields(subject) {
        const latest = await app.schemaRegistry.latest(subject);
        return latest === undefined ? undefined : fieldNames(latest.type, latest.schema);
      },
      existingCodes: (codes) => repository.existingCodes(codes),
    },
    describe: {
      title: options.title ?? '政务信息资源目录',
      description: options.description ?? '本市政务数据共享交换平台登记的基础、主题和部门信息资源。',
      publisher: options.publisher ?? '市政务数据共享主管部门',
    },
  });
}

export default fp(catalogPlugin, { name: 'dx-catalog', dependencies: ['dx-db', 'dx-schema-registry', 'dx-audit'] });
