-- Up Migration
-- Records published and rejected per connector and minute: the catalogue's "recent" counts and throughput charts.
CREATE TABLE connector_throughput (
  connector_id uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  minute timestamptz NOT NULL,
  published bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (connector_id, minute)
);

-- Down Migration
DROP TABLE connector_throughput;
