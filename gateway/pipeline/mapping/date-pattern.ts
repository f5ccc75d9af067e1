/** One step of a date pattern: a run of digits of a part (Y, M or D), or a literal character. */
type Token = { part: 'Y' | 'M' | 'D'; min: number; max: number } | { literal: string };

export interface DatePattern {
  tokens: Token[];
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** `YYYY-MM-DD`, `D/M/YYYY`, `YYYY年M月D日`: a letter run of length 1 is one or two digits, longer runs exactly that many. */
export function compileDatePattern(pattern: string): DatePattern {
  const tokens: Token[] = [];
  for (const run of pattern.match(/Y+|M+|D+|[^YMD]/gu) ?? []) {
    const letter = run[0];
    if (letter === 'Y' || letter === 'M' || letter === 'D') tokens.push({ part: letter, min: run.length === 1 ? 1 : run.length, max: run.length === 1 ? 2 : run.length });
    else tokens.push({ literal: run });
  }
  return { tokens };
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Matches the whole text, preferring longer digit runs first as the regular expression `(\d{1,2})` would, but in
 * time proportional to tokens × characters: a (token, position) pair that failed once is not tried again, so 32
 * adjacent one-or-two-digit parts against a near-miss cannot backtrack exponentially. The first Y, M and D count.
 */
export function matchDatePattern(compiled: DatePattern, text: string): DateParts | undefined {
  const { tokens } = compiled;
  const failed = new Set<number>();
  const width = text.length + 1;
  const taken: (string | undefined)[] = [];

  function from(tokenIndex: number, position: number): boolean {
    if (tokenIndex === tokens.length) return position === text.length;
    const key = tokenIndex * width + position;
    if (failed.has(key)) return false;
    const token = tokens[tokenIndex] as Token;
    if ('literal' in token) {
      if (text.startsWith(token.literal, position) && from(tokenIndex + 1, position + token.literal.length)) return true;
    } else {
      let digits = 0;
      while (digits < token.max && isDigit(text.charCodeAt(position + digits))) digits++;
      for (let length = digits; length >= token.min; length--) {
        taken[tokenIndex] = text.slice(position, position + length);
        if (from(tokenIndex + 1, position + length)) return true;
      }
    }
    failed.add(key);
    return false;
  }

  if (!from(0, 0)) return undefined;
  const parts: Partial<Record<'Y' | 'M' | 'D', number>> = {};
  tokens.forEach((token, index) => {
    if ('part' in token) parts[token.part] ??= Number(taken[index]);
  });
  return { year: parts.Y ?? NaN, month: parts.M ?? NaN, day: parts.D ?? NaN };
}
