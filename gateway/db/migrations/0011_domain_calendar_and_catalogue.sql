-- Up Migration
-- Reply dates of conditional requests are recounted when a year's State Council holiday notice is added: the day
-- they count from is kept, and a date that counted a year without its notice says why it is provisional.
ALTER TABLE subscriptions ADD COLUMN reply_counted_from date;
ALTER TABLE subscriptions ADD COLUMN reply_due_provisional_reason text;
UPDATE subscriptions SET reply_counted_from = (created_at AT TIME ZONE 'Asia/Shanghai')::date WHERE reply_due IS NOT NULL;

-- Down Migration
ALTER TABLE subscriptions DROP COLUMN reply_due_provisional_reason;
ALTER TABLE subscriptions DROP COLUMN reply_counted_from;
