-- Up Migration
-- One data item, one source (一数一源): a department publishes onto the topic of a resource it provides, or of one
-- the data office assigned to it here (each assignment audited).
CREATE TABLE catalog_resource_publishers (
  resource_id uuid NOT NULL REFERENCES catalog_resources (id) ON DELETE CASCADE,
  department_code text NOT NULL,
  granted_by uuid REFERENCES principals (id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resource_id, department_code)
);

-- Down Migration
DROP TABLE catalog_resource_publishers;
