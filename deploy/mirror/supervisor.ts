import type { Logger } from 'pino';
import { mirrorProperties, startMirrorMaker, type MirrorConfig, type SupervisedMirror } from './mirror-maker.ts';
import type { MirrorPlan } from './plan.ts';

export interface MirrorSupervisorOptions {
  /** Reads the owner's plan (readMirrorPlan against the gateway). */
  plan: () => Promise<MirrorPlan>;
  /** Folder of mm2.properties and MirrorMaker's log. */
  dir: string;
  intervalMs: number;
  log: Logger;
  heap?: string;
  /** Pause before MirrorMaker is started again after it exited on its own. */
  restartDelayMs?: number;
}

export interface MirrorSupervisor {
  /** The running MirrorMaker, while the plan has something to mirror. */
  readonly mirror: SupervisedMirror | undefined;
  /** How often a changed plan was applied (a start, a restart with a new configuration, or a stop). */
  readonly applied: number;
  /** Reads the plan once and applies it if it changed. Answers whether it changed. */
  poll(): Promise<boolean>;
  /** Polls every intervalMs, one poll at a time, until stop. */
  start(): void;
  /** Stops polling, then MirrorMaker. */
  stop(): Promise<void>;
}

const hasTopics = (config: MirrorConfig) => config.flows.some((flow) => flow.topics.length > 0);

/**
 * Keeps a dedicated MirrorMaker 2 in step with the owner's mirror plan: it rewrites mm2.properties and restarts
 * MirrorMaker only when the plan changed, runs none while nothing is to be mirrored, and leaves the running one as
 * it is while the plan cannot be read (a revoked topic gets nothing new anyway: the owner's projector stopped).
 * MirrorMaker itself is restarted after a crash by startMirrorMaker's own supervision.
 */
export function createMirrorSupervisor(options: MirrorSupervisorOptions): MirrorSupervisor {
  let mirror: SupervisedMirror | undefined;
  let applied = 0;
  let current = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function apply(config: MirrorConfig): Promise<void> {
    if (!hasTopics(config)) {
      await mirror?.stop();
      mirror = undefined;
    } else if (mirror) {
      await mirror.reconfigure(config);
    } else {
      mirror = await startMirrorMaker(options.dir, config, { ...(options.heap ? { heap: options.heap } : {}), ...(options.restartDelayMs !== undefined ? { restartDelayMs: options.restartDelayMs } : {}) });
    }
    applied += 1;
  }

  async function poll(): Promise<boolean> {
    const { config, unknownClusters } = await options.plan();
    if (unknownClusters.length > 0) options.log.warn({ peers: unknownClusters }, 'peers with topics to mirror have no cluster in the clusters file');
    const next = hasTopics(config) ? mirrorProperties(config) : '';
    if (next === current || stopped) return false;
    await apply(config);
    current = next;
    options.log.info({ flows: config.flows.map((flow) => ({ target: flow.target, topics: flow.topics.length })), pid: mirror?.pid }, 'mirror plan applied');
    return true;
  }

  function tick(): void {
    running = poll()
      .catch((err: unknown) => options.log.warn({ err }, 'mirror plan not read; MirrorMaker keeps its configuration'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  }

  return {
    get mirror() {
      return mirror;
    },
    get applied() {
      return applied;
    },
    poll() {
      const next = running.then(poll);
      running = next.catch(() => undefined);
      return next;
    },
    start: tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await mirror?.stop();
      mirror = undefined;
    },
  };
}
