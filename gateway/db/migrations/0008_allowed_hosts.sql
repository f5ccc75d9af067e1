-- Up Migration
-- The data office's allow-list entries (issue 15), added to DX_ALLOWED_HOSTS: `departments` NULL is an entry for
-- every department, otherwise the department codes whose connectors it lets through.
CREATE TABLE allowed_hosts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  entry text NOT NULL,
  departments text[] CHECK (departments IS NULL OR cardinality(departments) > 0),
  note text,
  created_by uuid REFERENCES principals (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allowed_hosts_departments ON allowed_hosts USING gin (departments);

-- Down Migration
DROP TABLE allowed_hosts;
