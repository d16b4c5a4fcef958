import type { ToolSpec } from '../domain/mcpConfig.js';
import type { ResolvedPackage } from '../domain/packageRef.js';
import { token } from './token.js';

/** What to run: an exact package, its argv arguments and the credentials as environment. */
export interface DeploySpec {
  readonly deploymentId: string;
  readonly package: ResolvedPackage;
  /** Package arguments, passed as argv after the package (never through a shell). */
  readonly args: readonly string[];
  /** The deployment's credentials, opened in memory for this call only. */
  readonly env: Readonly<Record<string, string>>;
  readonly transport: 'stdio' | 'streamable-http';
  /** Local sandbox: `none` cuts the network (loopback only); absent means `shared`. Remote machines ignore it. */
  readonly network?: 'shared' | 'none';
}

/** A machine the orchestrator started (a local bridge process, a Fly Machine). */
export interface MachineHandle {
  readonly machineId: string;
  /** The bridge's Streamable-HTTP endpoint the gateway proxies to. */
  readonly upstreamUrl: string;
}

/** Observed state of a machine, mapped to the deployment status by Reconcile. */
export type MachineState = 'starting' | 'running' | 'stopped' | 'failed' | 'gone';

export interface MachineStatus {
  readonly machineId: string;
  readonly deploymentId: string;
  readonly state: MachineState;
  /** User-safe detail (last stderr line with secrets masked, a capacity error). */
  readonly detail?: string;
}

/** One log line of a machine. */
export interface LogLine {
  readonly at: Date;
  readonly stream: 'stdout' | 'stderr' | 'system';
  readonly line: string;
}

/**
 * Runs MCP servers. Every process or machine it starts has an owner that reaps it.
 * Vendor errors are translated: `orchestrator_failed` (user-safe message), `runtime_unavailable`.
 */
export interface Orchestrator {
  readonly name: string;
  /** Starts a machine for the spec; returns as soon as it is named (before it is healthy). */
  deploy(spec: DeploySpec): Promise<MachineHandle>;
  /** Resolves when the server answers MCP `initialize` + `ping`; throws `orchestrator_failed` past the deadline. */
  waitUntilHealthy(machineId: string, timeoutMs: number): Promise<void>;
  /** The server's `tools/list`. */
  listTools(machineId: string): Promise<ToolSpec[]>;
  /** Current state; `gone` when the orchestrator does not know the machine. */
  status(machineId: string): Promise<MachineStatus>;
  /** Stops the machine (keeps it for a later start). */
  stop(machineId: string): Promise<void>;
  /** Starts a stopped machine again with the spec (credentials may have changed). */
  start(machineId: string, spec: DeploySpec): Promise<MachineHandle>;
  /** Destroys the machine; idempotent. */
  destroy(machineId: string): Promise<void>;
  /** The last `tail` log lines (bounded ring buffer). */
  logs(machineId: string, options: { tail: number }): Promise<LogLine[]>;
  /** Every machine the orchestrator knows, for reconciliation. */
  list(): Promise<MachineStatus[]>;
}
export const OrchestratorToken = token<Orchestrator>('Orchestrator');
