import type { Resource } from '../model.ts';
import type { SharingType, UpdateCycle } from '../vocabulary.ts';

const EU = 'http://publications.europa.eu/resource/authority';
const IANA = 'http://www.iana.org/assignments/media-types';

/** EU frequency vocabulary, as DCAT-AP asks for dct:accrualPeriodicity. */
export const FREQUENCY: Readonly<Record<UpdateCycle, string>> = {
  'real-time': `${EU}/frequency/UPDATE_CONT`,
  daily: `${EU}/frequency/DAILY`,
  weekly: `${EU}/frequency/WEEKLY`,
  monthly: `${EU}/frequency/MONTHLY`,
  quarterly: `${EU}/frequency/QUARTERLY`,
  yearly: `${EU}/frequency/ANNUAL`,
  irregular: `${EU}/frequency/IRREG`,
};

function accessRights(resource: Resource): string {
  if (resource.open.open) return `${EU}/access-right/PUBLIC`;
  const bySharing: Record<SharingType, string> = { unconditional: 'RESTRICTED', conditional: 'RESTRICTED', 'not-shared': 'NON_PUBLIC' };
  return `${EU}/access-right/${bySharing[resource.sharing.type]}`;
}

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  adms: 'http://www.w3.org/ns/adms#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  'dct:issued': { '@type': 'xsd:date' },
  'dct:modified': { '@type': 'xsd:dateTime' },
  'dcat:accessURL': { '@type': '@id' },
  'dcat:dataset': { '@type': '@id' },
  'dcat:distribution': { '@type': '@id' },
  'dct:accrualPeriodicity': { '@type': '@id' },
  'dct:accessRights': { '@type': '@id' },
  'dct:format': { '@type': '@id' },
  'dcat:mediaType': { '@type': '@id' },
  'dct:conformsTo': { '@type': '@id' },
  'dct:relation': { '@type': '@id' },
} as const;

export interface DcatOptions {
  /** Absolute base URL of the gateway, e.g. https://dx.example.gov.cn; dataset IRIs are built on it. */
  baseUrl: string;
  title: string;
  description: string;
  publisher: string;
  modified: Date;
}

const zh = (value: string) => ({ '@value': value, '@language': 'zh' });

/**
 * The catalogue as DCAT-AP JSON-LD: one dcat:Catalog, a dcat:Dataset per resource (mandatory dct:title and
 * dct:description, plus identifier, publisher, keywords, periodicity, access rights) and a dcat:Distribution per
 * dataset: the gateway's HTTP interface to the resource (JSON), conforming to the resource's schema subject.
 */
export function toDcat(resources: readonly Resource[], options: DcatOptions): Record<string, unknown> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const datasetIri = (resource: Resource) => `${base}/api/v1/catalog/resources/${resource.id}`;
  const byCode = new Map(resources.map((resource) => [resource.code, resource]));
  const graph: Record<string, unknown>[] = [
    {
      '@id': `${base}/api/v1/catalog`,
      '@type': 'dcat:Catalog',
      'dct:title': zh(options.title),
      'dct:description': zh(options.description),
      'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': zh(options.publisher) },
      'dct:modified': options.modified.toISOString(),
      'dct:language': { '@id': `${EU}/language/ZHO` },
      'dcat:dataset': resources.map(datasetIri),
    },
  ];
  for (const resource of resources) {
    const distributionIri = `${datasetIri(resource)}#distribution`;
    // Related resources outside this export (a filtered one) are left out: their IRIs would point nowhere in it.
    const related = resource.related.flatMap((code) => byCode.get(code) ?? []);
    graph.push(
      {
        '@id': datasetIri(resource),
        '@type': 'dcat:Dataset',
        'dct:identifier': resource.code,
        'dct:title': zh(resource.name),
        'dct:description': zh(resource.summary),
        'dct:publisher': {
          '@type': 'foaf:Agent',
          'foaf:name': zh(resource.providerName),
          // The credit code is the department's national identifier; the gateway's own department code otherwise.
          'dct:identifier': resource.providerCreditCode ?? resource.providerCode,
        },
        'dcat:keyword': resource.keywords.map(zh),
        'dct:accrualPeriodicity': FREQUENCY[resource.updateCycle],
        'dct:accessRights': accessRights(resource),
        'dct:issued': resource.publishDate,
        'dct:modified': new Date(resource.updatedAt).toISOString(),
        'dcat:distribution': [distributionIri],
        ...(related.length > 0 ? { 'dct:relation': related.map(datasetIri) } : {}),
      },
      {
        '@id': distributionIri,
        '@type': 'dcat:Distribution',
        'dct:title': zh(`${resource.name}（共享交换接口）`),
        'dcat:accessURL': datasetIri(resource),
        'dct:format': `${EU}/file-type/JSON`,
        'dcat:mediaType': `${IANA}/application/json`,
        ...(resource.schemaSubject ? { 'dct:conformsTo': `${base}/registry/subjects/${encodeURIComponent(resource.schemaSubject)}/versions/latest` } : {}),
      },
    );
  }
  return { '@context': DCAT_CONTEXT, '@graph': graph };
}
