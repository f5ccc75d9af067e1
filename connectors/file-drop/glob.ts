import { RE2JS } from 're2js';

/** Longer patterns are refused by the config schema; the matcher is linear, the cap keeps its tables small. */
export const MAX_PATTERN_LENGTH = 200;

export interface Glob {
  matches(name: string): boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `*`, `?` and `{a,b}` over one file name, case-insensitive; everything else is literal. Matched by RE2 (re2js),
 * whose automaton takes time linear in the name: V8's backtracking engine took 30 s for `*a*a*a*a*a*a*a*ab`
 * against a 60-character name.
 */
export function compileGlob(pattern: string): Glob {
  let source = '';
  let depth = 0;
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '{') {
      depth += 1;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      source += ')';
    } else if (char === ',' && depth > 0) source += '|';
    else source += escapeRegExp(char);
  }
  const compiled = RE2JS.compile(`${source}${')'.repeat(depth)}`, RE2JS.CASE_INSENSITIVE | RE2JS.DOTALL);
  return { matches: (name) => compiled.matches(name) };
}

/**
 * The extensions a pattern can match when its last `.segment` is literal (`*.csv`, `*.{csv,xlsx}`), or undefined
 * when it could match any (`*`, `export_*`, `*.c*`).
 */
export function literalExtensions(pattern: string): string[] | undefined {
  const dot = pattern.lastIndexOf('.');
  if (dot < 0) return undefined;
  const extension = pattern.slice(dot + 1).toLowerCase();
  const alternatives = /^\{([^{}*?]*)\}$/.exec(extension);
  if (alternatives) return (alternatives[1] ?? '').split(',');
  return /[*?{},]/.test(extension) ? undefined : [extension];
}
