import type { Resource } from '../../../catalog/model.ts';
import type { SharingMethod } from '../../../catalog/vocabulary.ts';
import type { ErrorDetail } from '../../errors.ts';
import type { DeliveryMode } from '../../subscriptions/model.ts';

/** The sharing method (共享方式) of the catalogue each delivery mode is: records replicated to the consumer are 库表. */
const METHOD_OF: Readonly<Record<DeliveryMode, SharingMethod>> = { kafka: 'database-table', webhook: 'database-table', http: 'interface', query: 'interface' };

/** Each field that is not a shareable, delivered item of the resource, named by its path. */
export function fieldProblems(resource: Resource, fields: readonly string[], path: string, requested?: readonly string[]): ErrorDetail[] {
  return fields.flatMap((field, index) => {
    const at = `${path}[${index}]`;
    const item = resource.items.find((candidate) => candidate.canonicalField === field);
    if (requested !== undefined && !requested.includes(field)) return [{ path: at, message: `${field} was not requested` }];
    if (!item) return [{ path: at, message: `${field} is not an item of resource ${resource.code}` }];
    if (!item.shareable) return [{ path: at, message: `${field} (${item.name}) is not shareable` }];
    if (item.masking === 'drop') return [{ path: at, message: `${field} (${item.name}) is never delivered (masking: drop)` }];
    return [];
  });
}

export function deliveryProblems(resource: Resource, delivery: { mode: DeliveryMode; url?: string | undefined; maxAttempts?: number | undefined }): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (resource.topic === null) problems.push({ path: 'resourceId', message: `resource ${resource.code} publishes no records (it has no topic)` });
  const method = METHOD_OF[delivery.mode];
  if (!resource.sharing.methods.includes(method)) {
    problems.push({ path: 'delivery.mode', message: `${delivery.mode} is a ${method} delivery; resource ${resource.code} is shared by ${resource.sharing.methods.join(', ') || 'no method'}` });
  }
  return [...problems, ...webhookProblems(delivery)];
}

/** The webhook fields of a delivery: a url for webhook delivery only, http(s), without credentials. */
export function webhookProblems(delivery: { mode: DeliveryMode; url?: string | undefined; maxAttempts?: number | undefined }): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (delivery.mode !== 'webhook') {
    if (delivery.url !== undefined) problems.push({ path: 'delivery.url', message: 'is for webhook delivery only' });
    if (delivery.maxAttempts !== undefined) problems.push({ path: 'delivery.maxAttempts', message: 'is for webhook delivery only' });
    return problems;
  }
  if (delivery.url === undefined) return [{ path: 'delivery.url', message: 'is required for webhook delivery' }];
  const url = new URL(delivery.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push({ path: 'delivery.url', message: 'must be an http or https URL' });
  if (url.username !== '' || url.password !== '') problems.push({ path: 'delivery.url', message: 'must not carry credentials; verify the X-DX-Signature header instead' });
  return problems;
}

export function futureProblems(value: string | undefined, path: string, now: Date): ErrorDetail[] {
  return value !== undefined && Date.parse(value) <= now.getTime() ? [{ path, message: 'must be in the future' }] : [];
}
