import type { Static } from '@sinclair/typebox';
import { isDisputeOverdue, type Dispute } from '../../disputes/model.ts';
import { dateInShanghai } from '../../subscriptions/working-days.ts';
import type { DisputeBody } from './schemas.ts';

export function present(dispute: Dispute, now: Date): Static<typeof DisputeBody> {
  return {
    id: dispute.id,
    resource: { id: dispute.resourceId, code: dispute.resourceCode, name: dispute.resourceName, providerCode: dispute.providerCode },
    raisedBy: { id: dispute.raisedBy, name: dispute.raisedByName, kind: dispute.raisedByKind },
    subscriptionId: dispute.subscriptionId,
    businessKey: dispute.businessKey,
    fields: dispute.fields,
    problem: dispute.problem,
    evidence: dispute.evidence,
    attachment: dispute.attachment,
    status: dispute.status,
    answerDue: dispute.answerDue,
    answerDueProvisional: dispute.answerDueProvisionalReason !== null,
    answerDueReason: dispute.answerDueProvisionalReason,
    overdue: isDisputeOverdue(dispute, dateInShanghai(now)),
    answer: dispute.answeredAt === null || dispute.answeredBy === null
      ? null
      : { at: dispute.answeredAt, by: dispute.answeredBy, reason: dispute.answerReason, late: dateInShanghai(new Date(dispute.answeredAt)) > dispute.answerDue },
    correction: dispute.correction,
    awaitingCorrection: dispute.status === 'confirmed' && dispute.correction === null,
    createdAt: dispute.createdAt,
    updatedAt: dispute.updatedAt,
  };
}
