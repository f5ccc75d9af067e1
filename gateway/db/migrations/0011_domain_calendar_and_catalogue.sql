-- Up Migration
-- Reply dates of conditional requests are recounted when a year's State Council holiday notice is added: the day
-- they count from is kept, and a date that counted a year without its notice says why it is provisional.
ALTER TABLE subscriptions ADD COLUMN reply_counted_from date;
ALTER TABLE subscriptions ADD COLUMN reply_due_provisional_reason text;
UPDATE subscriptions SET reply_counted_from = (created_at AT TIME ZONE 'Asia/Shanghai')::date WHERE reply_due IS NOT NULL;


-- Catalogue values of the national template: the provider's credit code beside the gateway's department code, the
-- format type beside its class, and the sharing method subscription (not a national value) as 库表 (database-table).
-- Each resource changed gets a new version in its history, made by the gateway, and a new catalogue revision so
-- running instances reload it.
ALTER TABLE catalog_resources ADD COLUMN provider_credit_code text;
ALTER TABLE catalog_resources ADD COLUMN format_type text;

CREATE TEMPORARY TABLE migrated_0011 AS
SELECT r.id,
  r.provider_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$' AS credit_code_as_provider,
  r.format = 'database' AND r.id IN (SELECT resource_id FROM catalog_seeds WHERE resource_id IS NOT NULL) AS base_format,
  r.sharing->'methods' ? 'subscription' AS subscription_method
FROM catalog_resources r;
DELETE FROM migrated_0011 WHERE NOT (credit_code_as_provider OR base_format OR subscription_method);

UPDATE catalog_state SET revision = revision + 1 WHERE EXISTS (SELECT 1 FROM migrated_0011);

UPDATE catalog_resources r SET
  provider_credit_code = CASE WHEN m.credit_code_as_provider THEN r.provider_code END,
  format_type = CASE WHEN m.base_format THEN 'PostgreSQL' END,
  sharing = CASE WHEN NOT m.subscription_method THEN r.sharing ELSE jsonb_set(r.sharing, '{methods}', (
    SELECT COALESCE(jsonb_agg(to_jsonb(t.method) ORDER BY t.first_at), '[]'::jsonb)
    FROM (SELECT CASE WHEN value = 'subscription' THEN 'database-table' ELSE value END AS method, min(ordinality) AS first_at
          FROM jsonb_array_elements_text(r.sharing->'methods') WITH ORDINALITY GROUP BY 1) t)) END,
  version = r.version + 1,
  revision = (SELECT revision FROM catalog_state),
  updated_at = now(),
  updated_by = NULL
FROM migrated_0011 m WHERE m.id = r.id;

INSERT INTO catalog_resource_history (resource_id, version, change, changed_fields, document)
SELECT r.id, r.version, 'updated',
  (SELECT jsonb_agg(field) FROM (VALUES ('providerCreditCode', m.credit_code_as_provider), ('formatType', m.base_format), ('sharing', m.subscription_method)) AS f (field, changed) WHERE changed),
  jsonb_build_object('code', r.code, 'name', r.name, 'kind', r.kind, 'providerCode', r.provider_code, 'providerName', r.provider_name,
    'providerCreditCode', r.provider_credit_code, 'summary', r.summary, 'keywords', r.keywords, 'format', r.format, 'formatType', r.format_type,
    'items', r.items, 'sharing', r.sharing, 'open', r.open, 'updateCycle', r.update_cycle, 'publishDate', r.publish_date::text,
    'related', r.related, 'topic', r.topic, 'schemaSubject', r.schema_subject)
FROM catalog_resources r JOIN migrated_0011 m ON m.id = r.id;
DROP TABLE migrated_0011;

-- Down Migration
ALTER TABLE catalog_resources DROP COLUMN format_type;
ALTER TABLE catalog_resources DROP COLUMN provider_credit_code;
ALTER TABLE subscriptions DROP COLUMN reply_due_provisional_reason;
ALTER TABLE subscriptions DROP COLUMN reply_counted_from;
