import { readerAccepts } from './json-compatibility.ts';
import type { CompatibilityLevel, ParsedSchema } from './types.ts';

/** Why `reader` cannot read data written with `writer`; empty when it can. */
function readProblems(reader: ParsedSchema, writer: ParsedSchema): string[] {
  if (reader.type !== writer.type) return [`schema type ${reader.type} cannot read data written with ${writer.type}`];
  if (reader.avro && writer.avro) {
    try {
      reader.avro.createResolver(writer.avro);
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  }
  return readerAccepts(reader.json, writer.json);
}

function directionProblems(level: CompatibilityLevel, candidate: ParsedSchema, earlier: ParsedSchema): string[] {
  const backward = () => readProblems(candidate, earlier).map((problem) => `new schema cannot read old data: ${problem}`);
  const forward = () => readProblems(earlier, candidate).map((problem) => `old schema cannot read new data: ${problem}`);
  if (level.startsWith('BACKWARD')) return backward();
  if (level.startsWith('FORWARD')) return forward();
  return [...backward(), ...forward()];
}

/**
 * Checks `candidate` against the earlier versions of a subject (oldest first) under `level`: transitive levels
 * check every earlier version, the others only the latest. Returns the problems, each naming the version it
 * conflicts with; an empty list means compatible. BACKWARD: the candidate reads data written with the earlier
 * schema; FORWARD: the earlier schema reads the candidate's data; FULL: both. Avro uses avsc's schema resolution,
 * JSON Schema the rule of json-compatibility.ts.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  earlier: readonly { version: number; schema: ParsedSchema }[],
): string[] {
  if (level === 'NONE' || earlier.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? earlier : earlier.slice(-1);
  return against.flatMap(({ version, schema }) =>
    directionProblems(level, candidate, schema).map((problem) => `version ${version}: ${problem}`),
  );
}
