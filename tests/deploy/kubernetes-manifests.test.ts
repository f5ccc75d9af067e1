import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { CONFIG_SCHEMA } from '../../gateway/config.ts';
import { projectPath } from '../../project-root.ts';
import { renderKustomization, type KubernetesObject } from './render-kustomization.ts';

const RENDERINGS = {
  base: renderKustomization(projectPath('deploy', 'kubernetes', 'base')),
  production: renderKustomization(projectPath('deploy', 'kubernetes', 'overlays', 'production')),
};
const SECRET_VARIABLES = ['DATABASE_URL', 'DX_ADMIN_TOKEN', 'DX_SUBSCRIPTION_SECRET', 'KAFKA_SASL_PASSWORD'];
const CONFIG_VARIABLES = new Set(Object.keys(CONFIG_SCHEMA.properties));

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}
interface NetworkPolicyRule {
  to?: unknown[];
  from?: unknown[];
  ports?: { port: number }[];
}

function find(objects: KubernetesObject[], kind: string, name = 'dx-gateway'): KubernetesObject {
  const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
  if (!object) throw new Error(`no ${kind} ${name}`);
  return object;
}
const podSpecOf = (objects: KubernetesObject[]) => (find(objects, 'Deployment').spec as { template: { spec: PodSpec } }).template.spec;
const containersOf = (spec: PodSpec) => [...spec.containers, ...(spec.initContainers ?? [])];
const parseQuantity = (quantity: string) => {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|m)?$/.exec(quantity);
  if (!match) throw new Error(`quantity ${quantity}`);
  const factor = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, m: 0.001 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
};

async function modelOf(object: KubernetesObject): Promise<{ validate(): void }> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [undefined, object.apiVersion];
  const path = group === 'monitoring.coreos.com'
    ? `@kubernetes-models/prometheus-operator/${group}/${version}/${object.kind}`
    : `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  const module = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  return new Model(object);
}

for (const [rendering, objects] of Object.entries(RENDERINGS)) {
  t.test(`every object of the ${rendering} rendering is valid against its Kubernetes or Prometheus Operator schema`, async (t) => {
    t.ok(objects.length >= 9);
    for (const object of objects) {
      const model = await modelOf(object);
      t.doesNotThrow(() => model.validate(), `${object.kind} ${object.metadata.name}`);
    }
  });

  t.test(`the ${rendering} gateway pods probe startup and liveness on /healthz and readiness on /readyz`, async (t) => {
    const [gateway] = podSpecOf(objects).containers;
    t.equal(gateway?.startupProbe?.httpGet?.path, '/healthz');
    t.equal(gateway?.readinessProbe?.httpGet?.path, '/readyz');
    t.equal(gateway?.livenessProbe?.httpGet?.path, '/healthz');
    t.equal(gateway?.readinessProbe?.httpGet?.port, 'http');
  });

  t.test(`the ${rendering} gateway pods run as a non-root user on a read-only root file system without privileges`, async (t) => {
    const spec = podSpecOf(objects);
    t.equal(spec.securityContext?.runAsNonRoot, true);
    t.not(spec.securityContext?.runAsUser, 0);
    for (const container of containersOf(spec)) {
      t.equal(container.securityContext?.runAsNonRoot, true, container.name);
      t.equal(container.securityContext?.readOnlyRootFilesystem, true, container.name);
      t.equal(container.securityContext?.allowPrivilegeEscalation, false, container.name);
      t.same(container.securityContext?.capabilities?.drop, ['ALL'], container.name);
    }
  });

  t.test(`the ${rendering} containers have CPU and memory requests and limits, the memory limit above node's heap cap`, async (t) => {
    const heapCapMb = Number(/--max-old-space-size=(\d+)/.exec(JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).scripts.start)?.[1]);
    t.ok(heapCapMb > 0, 'npm start caps the heap');
    for (const container of containersOf(podSpecOf(objects))) {
      const { requests = {}, limits = {} } = container.resources ?? {};
      for (const resource of ['cpu', 'memory']) {
        t.ok(requests[resource] && limits[resource], `${container.name} ${resource}`);
        t.ok(parseQuantity(requests[resource] ?? '0') <= parseQuantity(limits[resource] ?? '0'), `${container.name} ${resource} request within its limit`);
      }
      t.ok(parseQuantity(limits.memory ?? '0') > heapCapMb * 1024 ** 2, `${container.name} memory limit above ${heapCapMb} MB`);
    }
  });

  t.test(`the ${rendering} rendering inlines no secret: secrets are files of the dx-gateway-secrets Secret`, async (t) => {
    t.notOk(objects.some((object) => object.kind === 'Secret'), 'no Secret object is kept in the manifests');
    const configMap = find(objects, 'ConfigMap').data as Record<string, string>;
    for (const name of Object.keys(configMap)) {
      t.ok(CONFIG_VARIABLES.has(name), `${name} is a variable of the gateway`);
      t.notOk(SECRET_VARIABLES.includes(name), `${name} is not in the ConfigMap`);
    }
    const spec = podSpecOf(objects);
    const secretVolumes = new Set(spec.volumes?.filter((volume) => volume.secret?.secretName === 'dx-gateway-secrets').map((volume) => volume.name));
    for (const container of containersOf(spec)) {
      t.notOk(container.envFrom?.some((source) => source.secretRef), 'no Secret turned into environment variables');
      const secretDirs = container.volumeMounts?.filter((mount) => secretVolumes.has(mount.name)).map((mount) => mount.mountPath) ?? [];
      for (const variable of container.env ?? []) {
        t.notOk(SECRET_VARIABLES.includes(variable.name), `${variable.name} is not set in the manifest`);
        const base = variable.name.replace(/_FILE$/, '');
        t.ok(CONFIG_VARIABLES.has(base), `${variable.name} is a variable of the gateway or its file form`);
        if (variable.name.endsWith('_FILE')) {
          t.ok(secretDirs.some((dir) => variable.value?.startsWith(`${dir}/`)), `${variable.name} names a file of the mounted Secret`);
        }
      }
      const fromFiles = (container.env ?? []).map((variable) => variable.name.replace(/_FILE$/, ''));
      t.ok(['DATABASE_URL', 'DX_ADMIN_TOKEN', 'DX_SUBSCRIPTION_SECRET'].every((name) => fromFiles.includes(name)), 'the database URL, admin token and subscription secret come from files');
    }
  });

  t.test(`the ${rendering} network policies deny by default and let the gateway reach only DNS, Kafka, PostgreSQL, departments and peers`, async (t) => {
    const deny = find(objects, 'NetworkPolicy', 'default-deny').spec as { podSelector: object; policyTypes: string[]; ingress?: unknown[]; egress?: unknown[] };
    t.same(deny.podSelector, {}, 'selects every pod of the namespace');
    t.same([...deny.policyTypes].sort(), ['Egress', 'Ingress']);
    t.notOk(deny.ingress ?? deny.egress, 'allows nothing');

    const gateway = find(objects, 'NetworkPolicy').spec as { policyTypes: string[]; egress: NetworkPolicyRule[]; ingress: NetworkPolicyRule[] };
    t.same([...gateway.policyTypes].sort(), ['Egress', 'Ingress']);
    for (const rule of [...gateway.egress, ...gateway.ingress]) {
      t.ok((rule.to ?? rule.from ?? []).length > 0, 'each rule names its peers');
      t.ok((rule.ports ?? []).length > 0, 'and its ports');
    }
    const ports = new Set(gateway.egress.flatMap((rule) => (rule.ports ?? []).map((port) => port.port)));
    t.same([...ports].sort((a, b) => a - b), [53, 443, 3306, 5432, 9092, 9093]);
  });

  t.test(`the ${rendering} Service, PodDisruptionBudget, autoscaler and ServiceMonitor all reach the gateway's pods`, async (t) => {
    const deployment = find(objects, 'Deployment').spec as { template: { metadata: { labels: Record<string, string> } } };
    const podLabels = deployment.template.metadata.labels;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value);
    const service = find(objects, 'Service');
    t.ok(selects((service.spec as { selector: Record<string, string> }).selector), 'the Service');
    t.ok(selects((find(objects, 'PodDisruptionBudget').spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels), 'the PodDisruptionBudget');
    const hpa = find(objects, 'HorizontalPodAutoscaler').spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number };
    t.same(hpa.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'dx-gateway' }, 'the autoscaler');
    t.notOk('replicas' in (find(objects, 'Deployment').spec as object), 'which alone sets the count, so an apply does not reset it');
    const pdb = find(objects, 'PodDisruptionBudget').spec as { minAvailable: number };
    t.ok(hpa.minReplicas > pdb.minAvailable, 'a drain can always evict one pod');
    const monitor = find(objects, 'ServiceMonitor').spec as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
    const serviceLabels = service.metadata.labels ?? {};
    t.ok(Object.entries(monitor.selector.matchLabels).every(([key, value]) => serviceLabels[key] === value), 'the ServiceMonitor selects the Service');
    t.same(monitor.endpoints.map((endpoint) => [endpoint.port, endpoint.path]), [['http', '/metrics']]);
  });
}

t.test('the production overlay sets a namespace on every namespaced object and takes the image from a registry', async (t) => {
  const objects = RENDERINGS.production;
  for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) t.equal(object.metadata.namespace, 'dx-gateway', `${object.kind} ${object.metadata.name}`);
  t.equal(find(objects, 'Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  t.match(podSpecOf(objects).containers[0]?.image, /^registry\.[^/]+\/dx\/dx-gateway:\d+\.\d+\.\d+$/);
  t.notMatch(JSON.stringify(find(objects, 'NetworkPolicy')), /192\.0\.2\.|198\.51\.100\.|203\.0\.113\./, 'no placeholder address range is left');
});

t.test('the PrometheusRule of the production overlay carries exactly the rules of deploy/prometheus/alerts.yaml', async (t) => {
  const alerts = parse(readFileSync(projectPath('deploy', 'prometheus', 'alerts.yaml'), 'utf8')) as { groups: unknown[] };
  const rule = find(RENDERINGS.production, 'PrometheusRule').spec as { groups: unknown[] };
  t.same(rule.groups, alerts.groups);
});
