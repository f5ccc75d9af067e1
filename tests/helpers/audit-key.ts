/** The audit chain key every test gateway runs with (DX_AUDIT_KEY); the recipe tests verify exports with it. */
export const TEST_AUDIT_KEY = 'dx-test-audit-key-0123456789abcdef0123456789';
