-- Up Migration
CREATE TABLE principals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('department', 'integrator', 'office')),
  name text NOT NULL UNIQUE,
  department_code text,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES principals (id),
  disabled_at timestamptz,
  CHECK ((kind = 'department') = (department_code IS NOT NULL))
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id uuid NOT NULL REFERENCES principals (id),
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_principal ON api_keys (principal_id);

CREATE TABLE gateway_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE gateway_settings;
DROP TABLE api_keys;
DROP TABLE principals;
