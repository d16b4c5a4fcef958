import { CatwalkError } from '../../errors/index.js';
import type { ToolSpec } from '../../domain/mcpConfig.js';
import type { DeploySpec, LogLine, MachineHandle, MachineState, MachineStatus, Orchestrator } from '../../ports/index.js';
import { FaultPlan } from './faults.js';

/** The operations of the fake orchestrator that can be failed or held. */
export type OrchestratorOp = 'deploy' | 'waitUntilHealthy' | 'listTools' | 'status' | 'stop' | 'start' | 'destroy' | 'logs' | 'list';

/** A machine of the fake orchestrator. */
export interface FakeMachine {
  readonly machineId: string;
  readonly deploymentId: string;
  state: MachineState;
  spec: DeploySpec | null;
  readonly upstreamUrl: string;
  readonly logs: LogLine[];
  detail?: string;
}

/**
 * An orchestrator that keeps machines in a map. Every call is logged; each step can be failed (`faults.failOn`)
 * or held (`faults.hold`) so tests reach every branch of the worker and of reconciliation.
 */
export class FakeOrchestrator implements Orchestrator {
  readonly name = 'fake';
  readonly machines = new Map<string, FakeMachine>();
  readonly calls: { op: OrchestratorOp; id: string }[] = [];
  readonly faults = new FaultPlan<OrchestratorOp>();
  /** What `listTools` answers. */
  tools: ToolSpec[] = [{ name: 'echo', description: 'Echoes its input' }];
  #next = 1;

  /** Calls of one operation. */
  callsOf(op: OrchestratorOp): { op: OrchestratorOp; id: string }[] {
    return this.calls.filter((call) => call.op === op);
  }

  /** Adds a machine nobody deployed through this fake (an orphan for reconciliation). */
  addMachine(deploymentId: string, state: MachineState = 'running'): FakeMachine {
    const machine = this.#create(deploymentId, null);
    machine.state = state;
    return machine;
  }

  /** Changes the observed state of a machine (`gone` removes it). */
  setState(machineId: string, state: MachineState, detail?: string): void {
    const machine = this.machines.get(machineId);
    if (machine === undefined) return;
    if (state === 'gone') {
      this.machines.delete(machineId);
      return;
    }
    machine.state = state;
    if (detail !== undefined) machine.detail = detail;
  }

  async deploy(spec: DeploySpec): Promise<MachineHandle> {
    this.calls.push({ op: 'deploy', id: spec.deploymentId });
    await this.faults.check('deploy');
    const machine = this.#create(spec.deploymentId, spec);
    machine.logs.push({ at: new Date(0), stream: 'system', line: `starting ${spec.package.name}@${spec.package.version}` });
    return { machineId: machine.machineId, upstreamUrl: machine.upstreamUrl };
  }

  async waitUntilHealthy(machineId: string, timeoutMs: number): Promise<void> {
    this.calls.push({ op: 'waitUntilHealthy', id: machineId });
    await this.faults.check('waitUntilHealthy');
    const machine = this.#require(machineId);
    if (timeoutMs <= 0) throw new CatwalkError('orchestrator_failed', 'The server did not become healthy in time.', { machineId });
    if (machine.state === 'starting') machine.state = 'running';
    if (machine.state !== 'running') throw new CatwalkError('orchestrator_failed', 'The server exited before it became healthy.', { machineId });
  }

  async listTools(machineId: string): Promise<ToolSpec[]> {
    this.calls.push({ op: 'listTools', id: machineId });
    await this.faults.check('listTools');
    this.#require(machineId);
    return [...this.tools];
  }

  async status(machineId: string): Promise<MachineStatus> {
    this.calls.push({ op: 'status', id: machineId });
    await this.faults.check('status');
    const machine = this.machines.get(machineId);
    if (machine === undefined) return { machineId, deploymentId: '', state: 'gone' };
    return toStatus(machine);
  }

  async stop(machineId: string): Promise<void> {
    this.calls.push({ op: 'stop', id: machineId });
    await this.faults.check('stop');
    this.#require(machineId).state = 'stopped';
  }

  async start(machineId: string, spec: DeploySpec): Promise<MachineHandle> {
    this.calls.push({ op: 'start', id: machineId });
    await this.faults.check('start');
    const machine = this.#require(machineId);
    machine.spec = spec;
    machine.state = 'starting';
    return { machineId, upstreamUrl: machine.upstreamUrl };
  }

  async destroy(machineId: string): Promise<void> {
    this.calls.push({ op: 'destroy', id: machineId });
    await this.faults.check('destroy');
    this.machines.delete(machineId);
  }

  async logs(machineId: string, options: { tail: number }): Promise<LogLine[]> {
    this.calls.push({ op: 'logs', id: machineId });
    await this.faults.check('logs');
    return this.#require(machineId).logs.slice(-options.tail);
  }

  async list(): Promise<MachineStatus[]> {
    this.calls.push({ op: 'list', id: '*' });
    await this.faults.check('list');
    return [...this.machines.values()].map(toStatus);
  }

  #create(deploymentId: string, spec: DeploySpec | null): FakeMachine {
    const machineId = `machine-${this.#next++}`;
    const machine: FakeMachine = { machineId, deploymentId, state: 'starting', spec, upstreamUrl: `http://127.0.0.1:9/${machineId}/mcp`, logs: [] };
    this.machines.set(machineId, machine);
    return machine;
  }

  #require(machineId: string): FakeMachine {
    const machine = this.machines.get(machineId);
    if (machine === undefined) throw new CatwalkError('orchestrator_failed', 'The machine no longer exists.', { machineId });
    return machine;
  }
}

function toStatus(machine: FakeMachine): MachineStatus {
  return {
    machineId: machine.machineId,
    deploymentId: machine.deploymentId,
    state: machine.state,
    ...(machine.detail === undefined ? {} : { detail: machine.detail }),
  };
}
