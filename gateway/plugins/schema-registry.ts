import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CANONICAL_SCHEMAS } from '../../schemas/canonical.ts';
import { createSchemaRegistry, type SchemaRegistry } from '../../schemas/registry/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The schema registry (schemas/registry/registry.ts). The data path uses `register(subject, schema, type?)`
     * -> `{ id, version }`, `getById(id)` -> `{ schema, type, avroType }` (cached; ids are immutable) and
     * `latest(subject)`. Failures are RegistryErrors carrying Confluent error codes.
     */
    schemaRegistry: SchemaRegistry;
  }
}

/**
 * Decorates `schemaRegistry` and registers every canonical schema under its subject before the app is ready.
 * Idempotent: a restart, or several instances starting together, register nothing new (one transaction under
 * the registry's advisory lock). An incompatible change to a canonical schema stops the start-up.
 */
async function schemaRegistryPlugin(app: FastifyInstance): Promise<void> {
  const registry = createSchemaRegistry(app.db);
  const results = await registry.registerAll(
    CANONICAL_SCHEMAS.map((schema) => ({ subject: schema.subject, schema: schema.avroSchema, type: 'AVRO' as const })),
  );
  const registered = results.flatMap((result, index) => (result.created ? [`${CANONICAL_SCHEMAS[index]?.subject} v${result.version}`] : []));
  if (registered.length > 0) app.log.info({ registered }, 'canonical schemas registered');
  app.decorate('schemaRegistry', registry);
}

export default fp(schemaRegistryPlugin, { name: 'dx-schema-registry', dependencies: ['dx-db'] });
