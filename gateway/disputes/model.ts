export const DISPUTE_STATUSES = ['open', 'confirmed', 'rejected'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** A dispute (数据异议) on one record of a resource, as stored, its sealed values opened. */
export interface Dispute {
  id: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  /** The provider department when the dispute was raised: it answers. */
  providerCode: string;
  subscriptionId: string | null;
  raisedBy: string;
  raisedByName: string;
  raisedByKind: string;
  businessKey: string;
  fields: string[];
  problem: string;
  evidence: string;
  attachment: { name: string; contentType: string; bytes: number } | null;
  status: DisputeStatus;
  answerCountedFrom: string;
  answerDue: string;
  answerDueProvisionalReason: string | null;
  answeredAt: string | null;
  answeredBy: string | null;
  answerReason: string | null;
  correction: { topic: string; partition: number; offset: string; at: string } | null;
  /** Confirmed, no corrected record found yet: where the resource topic stood at confirmation (next offset per partition). */
  correctionFrom: Record<string, string> | null;
  overdueNotifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An open dispute is overdue from the day after its answer date (dates in Asia/Shanghai). */
export function isDisputeOverdue(dispute: Pick<Dispute, 'status' | 'answerDue'>, today: string): boolean {
  return dispute.status === 'open' && today > dispute.answerDue;
}
