/** A dataset of a harvested DCAT-AP page, reduced to what the local catalogue shows and a request needs. */
export interface HarvestedDataset {
  iri: string;
  code: string;
  name: string;
  summary: string;
  publisher: string;
  keywords: string[];
  accessRights: string | null;
  modified: string;
  fields: { field: string; name: string; masking: string | null }[];
}

export interface HarvestedPage {
  datasets: HarvestedDataset[];
  /** Every dataset IRI the catalogue lists now (null when it has no dcat:Catalog node listing them). */
  listed: string[] | null;
  catalogModified: string | null;
  next: string | null;
}

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const DX = 'https://dx.gov.cn/ns/federation#';

type Node = Record<string, unknown>;

/**
 * Reads a DCAT-AP JSON-LD document as this gateway and others publish it: a top-level @graph (or one node), terms
 * written as compact IRIs with the prefixes of its @context or as full IRIs. Language-tagged literals prefer zh.
 * Throws when the document is not one.
 */
export function readDcatPage(document: unknown): HarvestedPage {
  if (typeof document !== 'object' || document === null) throw new Error('the catalogue is not a JSON-LD object');
  const doc = document as Node;
  const prefixes = new Map<string, string>();
  const context = doc['@context'];
  if (typeof context === 'object' && context !== null && !Array.isArray(context)) {
    for (const [name, value] of Object.entries(context)) if (typeof value === 'string') prefixes.set(name, value);
  }
  const expand = (term: string) => {
    const colon = term.indexOf(':');
    const prefix = colon > 0 ? prefixes.get(term.slice(0, colon)) : undefined;
    return prefix === undefined ? term : prefix + term.slice(colon + 1);
  };
  const nodes = (Array.isArray(doc['@graph']) ? doc['@graph'] : [doc]).filter((node): node is Node => typeof node === 'object' && node !== null).map((node) => {
    const expanded: Node = {};
    for (const [key, value] of Object.entries(node)) expanded[key.startsWith('@') ? key : expand(key)] = value;
    return expanded;
  });
  const types = (node: Node) => [node['@type']].flat().filter((type): type is string => typeof type === 'string').map(expand);
  const text = (value: unknown): string | null => {
    const values = [value].flat();
    const pick = values.find((item) => (item as Node)?.['@language'] === 'zh') ?? values[0];
    if (typeof pick === 'string') return pick;
    if (typeof pick === 'object' && pick !== null && typeof (pick as Node)['@value'] === 'string') return (pick as Node)['@value'] as string;
    return null;
  };
  const iri = (value: unknown): string | null => (typeof value === 'string' ? value : typeof (value as Node)?.['@id'] === 'string' ? ((value as Node)['@id'] as string) : null);

  const catalog = nodes.find((node) => types(node).includes(`${DCAT}Catalog`));
  const view = nodes.find((node) => types(node).some((type) => type.startsWith(HYDRA)));
  const datasets = nodes.filter((node) => types(node).includes(`${DCAT}Dataset`)).map((node): HarvestedDataset => {
    const id = iri(node);
    const modified = text(node[`${DCT}modified`]) ?? text(node[`${DCT}issued`]);
    if (id === null || modified === null || Number.isNaN(Date.parse(modified))) throw new Error(`a dcat:Dataset lacks its @id or dct:modified (${id ?? 'no @id'})`);
    const publisher = node[`${DCT}publisher`] as Node | undefined;
    return {
      iri: id,
      code: text(node[`${DCT}identifier`]) ?? id,
      name: text(node[`${DCT}title`]) ?? id,
      summary: text(node[`${DCT}description`]) ?? '',
      publisher: (publisher && (text(publisher[`${FOAF}name`]) ?? text(publisher['foaf:name']))) ?? '',
      keywords: [node[`${DCAT}keyword`] ?? []].flat().map(text).filter((keyword): keyword is string => keyword !== null),
      accessRights: iri(node[`${DCT}accessRights`]),
      modified: new Date(modified).toISOString(),
      fields: [node[`${DX}item`] ?? []].flat().flatMap((item) => {
        const entry = item as Node;
        const field = text(entry['dx:field'] ?? entry[`${DX}field`]);
        return field === null ? [] : [{ field, name: text(entry['dct:title'] ?? entry[`${DCT}title`]) ?? field, masking: text(entry['dx:masking'] ?? entry[`${DX}masking`]) }];
      }),
    };
  });
  return {
    datasets,
    listed: catalog ? [catalog[`${DCAT}dataset`] ?? []].flat().map(iri).filter((value): value is string => value !== null) : null,
    catalogModified: catalog ? text(catalog[`${DCT}modified`]) : null,
    next: view ? iri(view[`${HYDRA}next`]) : null,
  };
}
