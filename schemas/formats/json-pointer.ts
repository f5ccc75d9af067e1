export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPointer(parent: string, key: string): string {
  return `${parent}/${pointerToken(key)}`;
}
