const MASK_CHAR = '*';

export function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = [...value];
  if (chars.length <= keepStart + keepEnd) return MASK_CHAR.repeat(chars.length);
  const hidden = chars.length - keepStart - keepEnd;
  return chars.slice(0, keepStart).join('') + MASK_CHAR.repeat(hidden) + chars.slice(chars.length - keepEnd).join('');
}
