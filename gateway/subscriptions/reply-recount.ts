import type { Logger } from 'pino';
import type { Db } from '../plugins/db.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { SubscriptionStore } from './store.ts';
import { REPLY_WORKING_DAYS, type WorkingDays } from './working-days.ts';

export interface ReplyRecountDependencies {
  db: Db;
  store: SubscriptionStore;
  audit: AuditLog;
  workingDays: WorkingDays;
  log: Logger;
}

/**
 * Recounts the reply date of every pending request under the holiday notices known now, so a notice added since the
 * request (or a corrected one) moves its deadline; each move is audited with the old and new date. Several
 * instances starting at once move each request once: the update is conditional on the date it replaces.
 */
export async function recountPendingReplies({ db, store, audit, workingDays, log }: ReplyRecountDependencies): Promise<number> {
  let moved = 0;
  for (const pending of await store.pendingReplies()) {
    const due = workingDays.addWorkingDays(pending.countedFrom, REPLY_WORKING_DAYS);
    if (due.date === pending.replyDue && due.reason === pending.provisionalReason) continue;
    const changed = await db.transaction(async (client) => {
      if (!(await store.moveReplyDue(pending.id, pending, due, client))) return false;
      await audit.record(
        {
          principal: null,
          action: 'subscription.reply-due.recount',
          object: { type: 'subscription', id: pending.id },
          details: { from: pending.replyDue, to: due.date, provisional: due.provisional, noticeYears: workingDays.noticeYears },
        },
        client,
      );
      return true;
    });
    if (changed) {
      moved++;
      log.info({ subscription: pending.id, from: pending.replyDue, to: due.date, provisional: due.provisional }, 'reply date recounted');
    }
  }
  return moved;
}
