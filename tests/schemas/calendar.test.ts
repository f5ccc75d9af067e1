import t from 'tap';
import { chinaToday } from '../../schemas/formats/calendar.ts';

t.test("today is the date in UTC+8, whichever day was asked before", async (t) => {
  t.equal(chinaToday(new Date('2026-11-25T15:59:59.999Z')), '2026-11-25');
  t.equal(chinaToday(new Date('2026-11-25T16:00:00.000Z')), '2026-11-26');
  t.equal(chinaToday(new Date('2026-11-26T15:59:59.999Z')), '2026-11-26');
  t.equal(chinaToday(new Date('2026-01-01T00:00:00.000Z')), '2026-01-01', 'an earlier day after a later one');
  t.equal(chinaToday(new Date('2025-12-31T16:00:00.000Z')), '2026-01-01');
  t.equal(chinaToday(new Date('2025-12-31T15:59:59.999Z')), '2025-12-31');
});
