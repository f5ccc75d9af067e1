import type { ResourceDocument } from '../../catalog/model.ts';
import { canonicalJson } from './canonical-json.ts';

type Access = { masking: string; shareable: boolean } | null;

function accessByItem(document: ResourceDocument | null): Map<string, Access> {
  return new Map((document?.items ?? []).map((item) => [item.name, { masking: item.masking, shareable: item.shareable }]));
}

/**
 * What changed in who may see what between two versions of a catalogue resource (`before` null: created): per
 * item whose masking rule or shareability changed, its old and new values (null: the item did not exist); the
 * old and new sharing conditions and topic when they differ. These are catalogue settings, never record contents.
 */
export function catalogAccessChanges(before: ResourceDocument | null, after: ResourceDocument): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const old = accessByItem(before);
  const now = accessByItem(after);
  const items: Record<string, { from: Access; to: Access }> = {};
  for (const name of new Set([...old.keys(), ...now.keys()])) {
    const from = old.get(name) ?? null;
    const to = now.get(name) ?? null;
    if (canonicalJson(from) !== canonicalJson(to)) items[name] = { from, to };
  }
  if (Object.keys(items).length > 0) details.items = items;
  if (canonicalJson(before?.sharing ?? null) !== canonicalJson(after.sharing)) details.sharing = { from: before?.sharing ?? null, to: after.sharing };
  if ((before?.topic ?? null) !== after.topic) details.topic = { from: before?.topic ?? null, to: after.topic };
  return details;
}
