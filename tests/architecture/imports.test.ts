import t from 'tap';
import { applicationModules, inApplication } from './modules.ts';

/** Known cycles, each as its files in order from the alphabetically first: none left. */
const KNOWN_CYCLES = new Set<string>();

/** Known imports into deploy/: none left (the local broker's launcher lives in gateway/kafka/local-broker/). */
const KNOWN_DEPLOY_IMPORTS = new Set<string>();

const modules = await applicationModules();

/** Each cycle once, rotated to start at its alphabetically first file. */
function cycles(): Set<string> {
  const found = new Set<string>();
  for (const module of modules) {
    if (!inApplication(module.source)) continue;
    for (const dependency of module.dependencies) {
      if (!dependency.circular || !dependency.cycle) continue;
      const path = [module.source, ...dependency.cycle.map((step) => step.name)];
      path.pop();
      const first = path.indexOf([...path].sort()[0] as string);
      found.add([...path.slice(first), ...path.slice(0, first)].join(' > '));
    }
  }
  return found;
}

t.test('gateway/, connectors/, schemas/ and catalog/ have no import cycle beyond the known ones', async (t) => {
  t.ok(modules.length > 200, `the application's modules were read (${modules.length})`);
  const found = cycles();
  t.same([...found].filter((cycle) => !KNOWN_CYCLES.has(cycle)), [], 'import cycles (break them: the shared types go in a file both sides import)');
  t.same([...KNOWN_CYCLES].filter((cycle) => !found.has(cycle)), [], 'known cycles that are gone: take them off KNOWN_CYCLES');
});

t.test('no file of gateway/, connectors/, schemas/ or catalog/ imports from deploy/', async (t) => {
  const found = modules.flatMap((module) =>
    inApplication(module.source) ? module.dependencies.filter((dependency) => dependency.resolved.startsWith('deploy/')).map((dependency) => `${module.source} -> ${dependency.resolved}`) : [],
  );
  t.same(found.filter((edge) => !KNOWN_DEPLOY_IMPORTS.has(edge)), [], 'imports into deploy/ (application code belongs in the application folders; project-root.ts is at the top)');
  t.same([...KNOWN_DEPLOY_IMPORTS].filter((edge) => !found.includes(edge)), [], 'known imports that are gone: take them off KNOWN_DEPLOY_IMPORTS');
});
