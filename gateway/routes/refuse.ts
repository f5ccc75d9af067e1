import { dxError, type ErrorDetail } from '../errors.ts';

/** Answers 400 DX_ERR_REQUEST_INVALID naming every problem at once, when there are any. */
export function refuse(problems: readonly ErrorDetail[]): void {
  if (problems.length > 0) throw dxError('DX_ERR_REQUEST_INVALID', { message: problems.map((p) => `${p.path} ${p.message}`).join('; '), details: [...problems] });
}
