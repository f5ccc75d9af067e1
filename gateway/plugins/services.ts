import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createSchemaRegistry } from '../../schemas/registry/index.ts';
import { createConnectorStore } from '../pipeline/connector-store.ts';
import { createCatalogService, type CatalogService } from '../services/catalog.ts';
import { createConnectorService, type ConnectorService } from '../services/connectors.ts';
import { createPrincipalService, type PrincipalService } from '../services/principals.ts';
import { createRegistryService, type RegistryService } from '../services/registry.ts';
import { createSubscriptionService, type SubscriptionService } from '../services/subscriptions.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The workflow under the routes (gateway/services/): each change and its audit entry in one transaction; a
     * failed append undoes the change and rejects with DX_ERR_AUDIT_UNAVAILABLE (503).
     */
    services: { connectors: ConnectorService; principals: PrincipalService; subscriptions: SubscriptionService; catalog: CatalogService; registry: RegistryService };
  }
}

async function servicesPlugin(app: FastifyInstance): Promise<void> {
  const { db, audit } = app;
  const { types, runtime, scheduler } = app.pipeline;
  app.decorate('services', {
    connectors: createConnectorService({ db, audit, storeOn: (on) => createConnectorStore(on, { box: app.secretBox, types }), runtime, scheduler }),
    principals: createPrincipalService({ db, audit, store: app.principals }),
    subscriptions: createSubscriptionService({ db, audit, store: app.subscriptions.store, runtime: app.subscriptions.runtime }),
    catalog: createCatalogService({ db, audit, repository: app.catalog.repository, search: app.catalog.search }),
    registry: createRegistryService({ db, audit, registryOn: (on) => createSchemaRegistry(on) }),
  });
}

export default fp(servicesPlugin, { name: 'dx-services', dependencies: ['dx-db', 'dx-audit', 'dx-auth', 'dx-secrets', 'dx-pipeline', 'dx-catalog', 'dx-subscriptions'] });
