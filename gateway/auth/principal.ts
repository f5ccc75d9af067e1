export const PRINCIPAL_KINDS = ['department', 'integrator', 'office'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface Principal {
  id: string;
  kind: PrincipalKind;
  name: string;
  departmentCode: string | null;
  description: string | null;
  createdAt: string;
  disabledAt: string | null;
}
