import type { FastifyInstance } from 'fastify';
import { bearer } from './app.ts';
import { createDepartment } from './department.ts';
import { freshTopicName } from './kafka.ts';
import { provideTopic } from './resource.ts';

/**
 * A department with an http-push connector of `schema` onto a fresh topic of a resource the department provides
 * (catalogued by the data office); fails the set-up unless the connector is created.
 */
export async function departmentPushConnector(
  app: FastifyInstance,
  adminKey: string,
  options: { departmentCode: string; departmentName: string; schema: string; mapping: Record<string, unknown>; topicPrefix: string },
) {
  const department = await createDepartment(app, adminKey, options.departmentCode, options.departmentName);
  const topic = freshTopicName(options.topicPrefix);
  const resourceId = await provideTopic(app, adminKey, options.departmentCode, topic);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: bearer(department.key),
    payload: { name: `${options.departmentName}推送`, type: 'http-push', schema: options.schema, topic, config: { maxRecordsPerRequest: 100 }, mapping: options.mapping },
  });
  if (created.statusCode !== 201) throw new Error(`connector: ${created.statusCode} ${created.body}`);
  return { department, topic, resourceId, connectorId: created.json().id as string };
}
