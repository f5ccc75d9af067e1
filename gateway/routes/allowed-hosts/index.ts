import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dxError } from '../../errors.ts';
import { parseAllowEntry } from '../../security/allow-list.ts';
import { createAllowedHostsStore } from '../../security/allowed-hosts-store.ts';
import { AUTHENTICATED_ERRORS } from '../schemas.ts';
import { AllowedHostBody, AllowedHostParams, CreateAllowedHostBody } from './schemas.ts';

const tags = ['allowed-hosts'];

/**
 * The data office's allow-list entries, added to DX_ALLOWED_HOSTS: for every department or scoped to some. A
 * department's connectors reach the environment's entries, the entries for all and the entries scoped to it.
 */
const allowedHostRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = createAllowedHostsStore(app.db);

  app.get('/api/v1/allowed-hosts', {
    config: { action: 'allowed-hosts:read' },
    schema: { tags, summary: "The data office's allow-list entries (DX_ALLOWED_HOSTS applies besides them)", response: { 200: Type.Object({ items: Type.Array(AllowedHostBody) }), ...AUTHENTICATED_ERRORS } },
  }, async () => ({ items: await store.list() }));

  app.post('/api/v1/allowed-hosts', {
    config: { action: 'allowed-hosts:write' },
    schema: { tags, summary: 'Add an allow-list entry, for every department or for some', body: CreateAllowedHostBody, response: { 201: AllowedHostBody, ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    const { entry, departments, note } = request.body;
    try {
      parseAllowEntry(entry);
    } catch (err) {
      const reason = (err as Error).message;
      throw dxError('DX_ERR_REQUEST_INVALID', { message: `entry ${reason}`, details: [{ path: 'entry', message: reason }] });
    }
    const created = await app.db.transaction(async (client) => {
      const host = await store.create({ entry: entry.trim(), departments: departments ?? null, note: note ?? null }, request.principal?.id ?? null, client);
      await app.audit.record({ principal: request.principal, action: 'allowed-host.create', object: { type: 'allowed-host', id: host.id }, details: { entry: host.entry, departments: host.departments } }, client);
      return host;
    });
    request.log.info({ allowedHost: created.id }, 'allow-list entry added');
    return reply.status(201).send(created);
  });

  app.delete('/api/v1/allowed-hosts/:id', {
    config: { action: 'allowed-hosts:write' },
    schema: { tags, summary: 'Remove an allow-list entry; connections already open stay open until their run ends', params: AllowedHostParams, response: { 204: Type.Null(), ...AUTHENTICATED_ERRORS } },
  }, async (request, reply) => {
    await app.db.transaction(async (client) => {
      const removed = await store.remove(request.params.id, client);
      if (!removed) throw dxError('DX_ERR_ALLOWED_HOST_NOT_FOUND');
      await app.audit.record({ principal: request.principal, action: 'allowed-host.delete', object: { type: 'allowed-host', id: removed.id }, details: { entry: removed.entry, departments: removed.departments } }, client);
    });
    request.log.info({ allowedHost: request.params.id }, 'allow-list entry removed');
    return reply.status(204).send(null);
  });
};

export default allowedHostRoutes;
