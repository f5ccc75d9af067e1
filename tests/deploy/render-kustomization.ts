import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parse, parseAllDocuments } from 'yaml';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path?: string; patch?: string; target: { kind?: string; name?: string } }[];
}

const APPLIED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

/**
 * Renders a kustomization as `kubectl kustomize` does, for the fields the project's kustomizations use (resources,
 * namespace, images, JSON 6902 patches with a kind/name target), so the tests need no kubectl. Any other field is
 * refused rather than ignored, and so is a patch that matches nothing or names a path that is not there.
 */
export function renderKustomization(dir: string): KubernetesObject[] {
  const file = join(dir, 'kustomization.yaml');
  const kustomization = parse(readFileSync(file, 'utf8')) as Kustomization;
  const unknown = Object.keys(kustomization).filter((field) => !APPLIED.has(field));
  if (unknown.length > 0) throw new Error(`${file}: the test renderer does not apply ${unknown.join(', ')}`);

  let objects = (kustomization.resources ?? []).flatMap((entry) => {
    const path = resolve(dir, entry);
    return statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path);
  });
  for (const patch of kustomization.patches ?? []) {
    const operations = parse(patch.path ? readFileSync(resolve(dir, patch.path), 'utf8') : (patch.patch ?? '')) as unknown;
    if (!Array.isArray(operations)) throw new Error(`${file}: only JSON 6902 patches (a list of operations) are applied`);
    const matches = (object: KubernetesObject) =>
      (patch.target.kind === undefined || object.kind === patch.target.kind) && (patch.target.name === undefined || object.metadata.name === patch.target.name);
    if (!objects.some(matches)) throw new Error(`${file}: the patch ${patch.path ?? ''} matches no object`);
    objects = objects.map((object) => (matches(object) ? fastJsonPatch.applyPatch(structuredClone(object), operations as Operation[], true, false).newDocument : object));
  }
  for (const image of kustomization.images ?? []) objects.forEach((object) => replaceImage(object, image));
  const namespace = kustomization.namespace;
  if (namespace !== undefined) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace;
  }
  return objects;
}

function readObjects(path: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
      return document.toJS() as KubernetesObject | null;
    })
    .filter((object): object is KubernetesObject => object !== null);
}

function replaceImage(object: KubernetesObject, image: { name: string; newName?: string; newTag?: string }): void {
  const spec = (object.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
  for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    const [name, tag] = splitImage(container.image);
    if (name !== image.name) continue;
    container.image = `${image.newName ?? name}${image.newTag ?? tag ? `:${image.newTag ?? tag}` : ''}`;
  }
}

interface PodSpec {
  containers?: { image: string }[];
  initContainers?: { image: string }[];
}

function splitImage(reference: string): [string, string | undefined] {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? [reference.slice(0, colon), reference.slice(colon + 1)] : [reference, undefined];
}
