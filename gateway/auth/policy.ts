import type { Principal, PrincipalKind } from './principal.ts';

/** What an object-level check needs to know about the object acted on. */
export interface OwnedObject {
  departmentCode?: string | null;
  principalId?: string | null;
}

interface Rule {
  /** Kinds of principal that may call the route at all. */
  kinds: readonly PrincipalKind[];
  /** For non-office principals, whether they may act on this particular object. Absent: kind is enough. */
  owns?: (principal: Principal, object: OwnedObject) => boolean;
}

const OFFICE_ONLY: Rule = { kinds: ['office'] };
const EVERYONE: Rule = { kinds: ['office', 'department', 'integrator'] };
/** The data office, or the department that owns the object. */
const OWNING_DEPARTMENT: Rule = { kinds: ['office', 'department'], owns: (principal, object) => principal.departmentCode === object.departmentCode };
/** Only the department that owns the object: not even the data office speaks for a department's data. */
const OWNER_ONLY: Rule = { kinds: ['department'], owns: (principal, object) => principal.departmentCode === object.departmentCode };
/** The integrator that owns the object (its subscription). */
const OWNING_INTEGRATOR: Rule = { kinds: ['integrator'], owns: (principal, object) => principal.id === object.principalId };
/** The data office, or the integrator that owns the object. */
const OFFICE_OR_OWNING_INTEGRATOR: Rule = { kinds: ['office', 'integrator'], owns: (principal, object) => principal.id === object.principalId };
/** Both parties of a subscription: the integrator that owns it and the department providing its data; and the data office. */
const SUBSCRIPTION_PARTY: Rule = {
  kinds: ['office', 'department', 'integrator'],
  owns: (principal, object) => (principal.kind === 'integrator' ? principal.id === object.principalId : principal.departmentCode === object.departmentCode),
};

/**
 * Every action a route may perform and who may perform it. Deny by default: a route under /api/v1 without an
 * action, or with an action missing here, is refused to everyone. The data office may act on every object.
 */
export const POLICY = {
  'self:read': EVERYONE,
  'principals:create': OFFICE_ONLY,
  'principals:list': OFFICE_ONLY,
  'principals:read': OFFICE_ONLY,
  'principals:disable': OFFICE_ONLY,
  'keys:issue': OFFICE_ONLY,
  'keys:list': OFFICE_ONLY,
  'keys:revoke': OFFICE_ONLY,
  'schemas:validate': EVERYONE,
  'registry:read': EVERYONE,
  'registry:write': OFFICE_ONLY,
  'connector-types:read': EVERYONE,
  'connectors:create': OWNING_DEPARTMENT,
  'connectors:list': OWNING_DEPARTMENT,
  'connectors:read': OWNING_DEPARTMENT,
  'connectors:update': OWNING_DEPARTMENT,
  'connectors:delete': OWNING_DEPARTMENT,
  'connectors:operate': OWNING_DEPARTMENT,
  'connectors:push': OWNER_ONLY,
  'allowed-hosts:read': OFFICE_ONLY,
  'allowed-hosts:write': OFFICE_ONLY,
  'audit:read': OFFICE_ONLY,
  'audit:verify': OFFICE_ONLY,
  'audit:export': OFFICE_ONLY,
  'catalog:read': EVERYONE,
  'catalog:export': EVERYONE,
  'catalog:create': OWNING_DEPARTMENT,
  'catalog:update': OWNING_DEPARTMENT,
  'catalog:history': OWNING_DEPARTMENT,
  'catalog:publishers:read': OWNING_DEPARTMENT,
  'catalog:publishers:assign': OFFICE_ONLY,
  'subscriptions:request': { kinds: ['integrator'] },
  'subscriptions:list': EVERYONE,
  'subscriptions:read': SUBSCRIPTION_PARTY,
  'subscriptions:decide': OWNER_ONLY,
  'subscriptions:revoke': SUBSCRIPTION_PARTY,
  'subscriptions:consume': OWNING_INTEGRATOR,
  'subscriptions:redeliver': OFFICE_OR_OWNING_INTEGRATOR,
  'registers:read': EVERYONE,
  'registers:rebuild': OFFICE_ONLY,
  'registers:usage': OWNING_DEPARTMENT,
  'peers:read': OFFICE_ONLY,
  'peers:write': OFFICE_ONLY,
  'peers:shares:read': OWNING_DEPARTMENT,
  'peers:shares:write': OWNING_DEPARTMENT,
  'federation:catalog:read': EVERYONE,
  'federation:request': { kinds: ['integrator'] },
  'federation:requests:read': OFFICE_OR_OWNING_INTEGRATOR,
  'subscriptions:notices': SUBSCRIPTION_PARTY,
  'disputes:raise': { kinds: ['office', 'integrator'] },
  'disputes:list': EVERYONE,
  // Both parties of a dispute, as of a subscription: the integrator that raised it, the provider department; the office.
  'disputes:read': SUBSCRIPTION_PARTY,
  'disputes:answer': OWNING_DEPARTMENT,
  'federation:requests:revoke': OWNING_INTEGRATOR,
  'federation:requests:consume': OWNING_INTEGRATOR,
  'federation:requests:redeliver': OFFICE_OR_OWNING_INTEGRATOR,
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;

export function isKnownAction(action: unknown): action is Action {
  return typeof action === 'string' && Object.hasOwn(POLICY, action);
}

export function mayCallRoute(principal: Principal, action: Action): boolean {
  return (POLICY[action] as Rule).kinds.includes(principal.kind);
}

export function mayActOn(principal: Principal, action: Action, object: OwnedObject): boolean {
  const rule: Rule = POLICY[action];
  if (!rule.kinds.includes(principal.kind)) return false;
  if (principal.kind === 'office' || rule.owns === undefined) return true;
  return rule.owns(principal, object);
}
