import { cruise, type IModule } from 'dependency-cruiser';
import { PROJECT_ROOT } from '../../project-root.ts';

/** The application's modules; deploy/, bench/ and tests/ sit above them and may import them. */
export const APPLICATION_FOLDERS = ['gateway', 'connectors', 'schemas', 'catalog'] as const;

/** Every module reachable from the application folders, with its resolved imports (type-only ones too). */
export async function applicationModules(): Promise<IModule[]> {
  const previous = process.cwd();
  process.chdir(PROJECT_ROOT);
  try {
    const { output } = await cruise([...APPLICATION_FOLDERS], {
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: 'node_modules' },
    }, { extensions: ['.ts', '.mjs', '.js', '.json'] });
    if (typeof output === 'string') throw new Error('dependency-cruiser answered text, not a result');
    return output.modules;
  } finally {
    process.chdir(previous);
  }
}

export const inApplication = (source: string): boolean => APPLICATION_FOLDERS.some((folder) => source.startsWith(`${folder}/`));
