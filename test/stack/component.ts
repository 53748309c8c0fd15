import type { UserIds } from './process-helper';

/** How to launch a component's server process. */
export interface LaunchSpec {
  cmd: string;
  args: string[];
  /** System user to run as (set when we are root; the servers refuse root). */
  user?: UserIds;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** One server of the local stack, started and stopped by the launcher through its pid file. */
export interface Component {
  /** Short name used in progress lines, status and endpoints.json. */
  readonly name: string;
  /** The component's own folder under the stack folder. */
  readonly dir: string;
  /** Where the server's output goes. */
  readonly logFile: string;
  readonly pidFile: string;
  /** Text in the server's command line that ties a pid to this stack (guards against pid reuse). */
  readonly marker: string;
  /** Loopback address shown by `status` and used to detect port clashes. */
  readonly address: { host: string; port: number };
  /** Signal for a clean, quick shutdown. */
  readonly stopSignal: NodeJS.Signals;
  readonly readyTimeoutMs: number;
  /** One-time setup that a second `up` skips: folders, generated config, initdb, builds. */
  prepare(): Promise<void>;
  launch(): LaunchSpec;
  /** True once the server answers its readiness probe. */
  isReady(): Promise<boolean>;
  /** Idempotent work once ready (e.g. create the database); runs on every `up`. */
  afterReady?(): Promise<void>;
}
