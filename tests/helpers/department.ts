import type { FastifyInstance } from 'fastify';
import { bearer } from './app.ts';

/** Creates a department principal with a key, as the data office would. */
export async function createDepartment(app: FastifyInstance, adminKey: string, departmentCode: string, name = `部门${departmentCode}`): Promise<{ id: string; key: string; code: string }> {
  const principal = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'department', name, departmentCode } })).json();
  const issued = (await app.inject({ method: 'POST', url: `/api/v1/principals/${principal.id}/keys`, headers: bearer(adminKey), payload: {} })).json();
  return { id: principal.id, key: issued.key, code: departmentCode };
}

export async function createIntegrator(app: FastifyInstance, adminKey: string, name: string): Promise<{ id: string; key: string }> {
  const principal = (await app.inject({ method: 'POST', url: '/api/v1/principals', headers: bearer(adminKey), payload: { kind: 'integrator', name } })).json();
  const issued = (await app.inject({ method: 'POST', url: `/api/v1/principals/${principal.id}/keys`, headers: bearer(adminKey), payload: {} })).json();
  return { id: principal.id, key: issued.key };
}
