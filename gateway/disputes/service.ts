import { createHmac, randomUUID } from 'node:crypto';
import type { Resource } from '../../catalog/model.ts';
import type { CatalogRepository } from '../../catalog/repository.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Principal } from '../auth/principal.ts';
import { dxError, type ErrorDetail } from '../errors.ts';
import type { TopicKeys } from '../kafka/topic-keys.ts';
import type { Db } from '../plugins/db.ts';
import { isActive, type Subscription } from '../subscriptions/model.ts';
import type { SubscriptionStore } from '../subscriptions/store.ts';
import { dateInShanghai, type WorkingDays } from '../subscriptions/working-days.ts';
import type { Dispute } from './model.ts';
import type { DisputeStore } from './store.ts';

export interface DisputeInput {
  resourceId: string;
  subscriptionId?: string | undefined;
  businessKey: string;
  fields: string[];
  problem: string;
  evidence: string;
  attachment?: { name: string; contentType: string; data: string } | undefined;
}

export interface DisputeServiceDependencies {
  db: Db;
  store: DisputeStore;
  audit: AuditLog;
  repository: CatalogRepository;
  subscriptions: SubscriptionStore;
  workingDays: WorkingDays;
  topics: Pick<TopicKeys, 'ends'>;
  clock: () => Date;
  /** Key of the business-key digests by which a corrected record is recognised (never stored). */
  digestKey: Buffer;
  answerWorkingDays: number;
  attachmentMaxBytes: number;
}

const object = (dispute: Pick<Dispute, 'id'>) => ({ type: 'dispute', id: dispute.id });

function refuse(problems: ErrorDetail[]): void {
  if (problems.length > 0) throw dxError('DX_ERR_REQUEST_INVALID', { message: problems.map((p) => `${p.path} ${p.message}`).join('; '), details: problems });
}

/**
 * The dispute workflow (数据异议): raise, answer, link the correction, tell the office of overdue ones. Each change
 * and its audit entry are written in one transaction; audit entries carry no business key nor evidence.
 */
export function createDisputeService(deps: DisputeServiceDependencies) {
  const { db, store, audit } = deps;
  const digest = (businessKey: string) => createHmac('sha256', deps.digestKey).update(businessKey).digest('base64url');

  /** The subscription an integrator raises the dispute under: active, its own, of this resource. */
  async function subscriptionOf(principal: Principal, resource: Resource, subscriptionId: string | undefined): Promise<Subscription> {
    const candidates = subscriptionId !== undefined
      ? [await deps.subscriptions.get(subscriptionId)]
      : (await deps.subscriptions.list({ integratorId: principal.id, resourceId: resource.id, status: 'active', now: deps.clock(), limit: 1, offset: 0 })).items;
    const found = candidates.find((item) => item !== undefined && item.integratorId === principal.id && item.resourceId === resource.id && isActive(item, deps.clock()));
    if (!found) throw dxError('DX_ERR_DISPUTE_NOT_SUBSCRIBED', { details: [{ path: subscriptionId === undefined ? 'resourceId' : 'subscriptionId', message: 'no active subscription of yours to this resource' }] });
    return found;
  }

  function fieldProblems(resource: Resource, fields: readonly string[], granted: readonly string[] | null): ErrorDetail[] {
    const known = new Set(resource.items.flatMap((item) => (item.canonicalField ? [item.canonicalField] : [])));
    return fields.flatMap((field, index) => {
      if (!known.has(field)) return [{ path: `fields[${index}]`, message: `${field} is not an item of the resource` }];
      if (granted !== null && !granted.includes(field)) return [{ path: `fields[${index}]`, message: `${field} is not granted to the subscription` }];
      return [];
    });
  }

  function decodeAttachment(attachment: DisputeInput['attachment']): { name: string; contentType: string; data: Buffer } | null {
    if (attachment === undefined) return null;
    const data = Buffer.from(attachment.data, 'base64');
    refuse(data.length > deps.attachmentMaxBytes ? [{ path: 'attachment.data', message: `is ${data.length} bytes; at most ${deps.attachmentMaxBytes} (DX_DISPUTE_ATTACHMENT_MAX_BYTES)` }] : []);
    return { name: attachment.name, contentType: attachment.contentType, data };
  }

  return {
    digest,

    async raise(principal: Principal, input: DisputeInput): Promise<Dispute> {
      const resource = await deps.repository.get(input.resourceId);
      if (!resource) refuse([{ path: 'resourceId', message: 'is not a resource of the catalogue' }]);
      const subscription = principal.kind === 'integrator' ? await subscriptionOf(principal, resource as Resource, input.subscriptionId) : null;
      if (principal.kind !== 'integrator' && input.subscriptionId !== undefined) refuse([{ path: 'subscriptionId', message: 'only integrators raise a dispute under a subscription' }]);
      refuse(fieldProblems(resource as Resource, input.fields, subscription?.approvedFields ?? null));
      const attachment = decodeAttachment(input.attachment);
      const now = deps.clock();
      const countedFrom = dateInShanghai(now);
      const due = deps.workingDays.addWorkingDays(countedFrom, deps.answerWorkingDays);
      const { id, code, providerCode } = resource as Resource;
      return db.transaction(async (client) => {
        const created = await store.create(
          { id: randomUUID(), resourceId: id, providerCode, subscriptionId: subscription?.id ?? null, raisedBy: principal.id, businessKey: input.businessKey, businessKeyDigest: digest(input.businessKey), fields: input.fields, problem: input.problem, evidence: input.evidence, attachment, answer: { countedFrom, workingDays: deps.answerWorkingDays, due }, at: now },
          client,
        );
        await audit.record({ principal, action: 'dispute.raise', object: object(created), details: { resourceId: id, resourceCode: code, providerCode, subscriptionId: created.subscriptionId, fields: input.fields, answerDue: due.date, answerDueProvisional: due.provisional, attachmentBytes: attachment?.data.length ?? null } }, client);
        return created;
      });
    },

    /** Confirms (the provider corrects the record at its source) or rejects, with the reason, an open dispute. */
    async answer(principal: Principal, dispute: Dispute, answer: { status: 'confirmed' | 'rejected'; reason: string | null }): Promise<Dispute> {
      if (dispute.status !== 'open') throw dxError('DX_ERR_DISPUTE_STATE', { message: `The dispute is already ${dispute.status}` });
      const resource = await deps.repository.get(dispute.resourceId);
      // Where the topic stands now: the corrected record is the first one with the dispute's key after it.
      const correctionFrom = answer.status === 'confirmed' && resource?.topic ? await deps.topics.ends(resource.topic) : null;
      const now = deps.clock();
      const late = dateInShanghai(now) > dispute.answerDue;
      const answered = await db.transaction(async (client) => {
        const updated = await store.answer(dispute.id, { ...answer, by: principal.id, correctionFrom, at: now }, client);
        if (updated) await audit.record({ principal, action: answer.status === 'confirmed' ? 'dispute.confirm' : 'dispute.reject', object: object(updated), details: { reason: answer.reason, answerDue: dispute.answerDue, late } }, client);
        return updated;
      });
      if (!answered) throw dxError('DX_ERR_DISPUTE_STATE', { message: 'The dispute was answered meanwhile' });
      return answered;
    },

    /** Links a confirmed dispute to the record's new version on the topic, once. */
    async linkCorrection(disputeId: string, record: { topic: string; partition: number; offset: string }): Promise<boolean> {
      return db.transaction(async (client) => {
        const linked = await store.linkCorrection(disputeId, record, client);
        if (linked) await audit.record({ principal: null, action: 'dispute.corrected', object: { type: 'dispute', id: disputeId }, details: record }, client);
        return linked;
      });
    },

    /**
     * Recounts the answer date of every open dispute under the holiday notices known now (a notice added since moves
     * it), with the working days it was given; each move is audited. Conditional, so instances starting at once move
     * each dispute once.
     */
    async recountAnswerDates(): Promise<{ id: string; from: string; to: string }[]> {
      const moved: { id: string; from: string; to: string }[] = [];
      for (const open of await store.openAnswers()) {
        const due = deps.workingDays.addWorkingDays(open.countedFrom, open.workingDays);
        if (due.date === open.answerDue && due.reason === open.provisionalReason) continue;
        const changed = await db.transaction(async (client) => {
          if (!(await store.moveAnswerDue(open.id, open, due, client))) return false;
          await audit.record({ principal: null, action: 'dispute.answer-due.recount', object: { type: 'dispute', id: open.id }, details: { from: open.answerDue, to: due.date, provisional: due.provisional, noticeYears: deps.workingDays.noticeYears } }, client);
          return true;
        });
        if (changed) moved.push({ id: open.id, from: open.answerDue, to: due.date });
      }
      return moved;
    },

    /** Marks the disputes overdue today and tells the data office, once per dispute (an audit entry each). */
    async notifyOverdue(): Promise<{ id: string; resourceId: string; providerCode: string; answerDue: string }[]> {
      return db.transaction(async (client) => {
        const overdue = await store.markOverdue(dateInShanghai(deps.clock()), client);
        for (const item of overdue) {
          await audit.record({ principal: null, action: 'dispute.overdue', object: { type: 'dispute', id: item.id }, details: { resourceId: item.resourceId, providerCode: item.providerCode, answerDue: item.answerDue } }, client);
        }
        return overdue;
      });
    },
  };
}

export type DisputeService = ReturnType<typeof createDisputeService>;
