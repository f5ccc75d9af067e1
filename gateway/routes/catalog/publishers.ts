import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Principal } from '../../auth/principal.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { ResourceParams } from './schemas.ts';

const tags = ['catalog'];
const DepartmentCode = Type.String({ pattern: '^[0-9A-Z]{2,32}$', description: 'Code of the department assigned as a publisher' });
const PublisherParams = Type.Object({ id: ResourceParams.properties.id, departmentCode: DepartmentCode });
const PublisherBody = Type.Object({ departmentCode: Type.String(), grantedBy: Type.Union([Type.String(), Type.Null()]), grantedAt: Type.String({ format: 'date-time' }) });

/**
 * Departments besides the provider that may publish onto a resource's topic, assigned by the data office. Each
 * assignment and withdrawal is audited in the transaction that makes it (gateway/services/catalog.ts).
 */
const catalogPublishers: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/v1/catalog/resources/:id/publishers', {
    config: { action: 'catalog:publishers:read' },
    schema: {
      tags,
      summary: "Departments the data office assigned to publish onto the resource's topic besides its provider",
      params: ResourceParams,
      response: { 200: Type.Object({ providerCode: Type.String(), topic: Type.Union([Type.String(), Type.Null()]), items: Type.Array(PublisherBody) }), ...AUTHENTICATED_ERRORS },
    },
  }, async (request) => {
    const resource = await request.catalogResource(request.params.id);
    const { rows } = await app.db.query<{ departmentCode: string; grantedBy: string | null; grantedAt: string }>(
      `SELECT department_code AS "departmentCode", granted_by AS "grantedBy", to_json(granted_at)#>>'{}' AS "grantedAt"
         FROM catalog_resource_publishers WHERE resource_id = $1 ORDER BY department_code`,
      [resource.id],
    );
    return { providerCode: resource.providerCode, topic: resource.topic, items: rows };
  });

  app.put('/api/v1/catalog/resources/:id/publishers/:departmentCode', {
    config: { action: 'catalog:publishers:assign' },
    schema: { tags, summary: "Let a department publish onto the resource's topic (data office)", params: PublisherParams, response: { 204: Type.Null(), ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const resource = await request.catalogResource(request.params.id);
    await app.services.catalog.assignPublisher(resource, request.params.departmentCode, request.principal as Principal);
    return reply.status(204).send(null);
  });

  app.delete('/api/v1/catalog/resources/:id/publishers/:departmentCode', {
    config: { action: 'catalog:publishers:assign' },
    schema: { tags, summary: "Withdraw a department's assignment to publish onto the resource's topic (data office)", params: PublisherParams, response: { 204: Type.Null(), ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const resource = await request.catalogResource(request.params.id);
    await app.services.catalog.withdrawPublisher(resource, request.params.departmentCode, request.principal as Principal);
    return reply.status(204).send(null);
  });
};

export default catalogPublishers;
