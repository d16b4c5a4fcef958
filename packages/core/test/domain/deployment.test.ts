import { expect } from 'chai';
import { DEPLOYMENT_STATUSES, Deployment, TRANSITIONS, canTransition } from '../../src/domain/deployment.js';
import type { DeploymentState, DeploymentStatus } from '../../src/domain/deployment.js';
import type { McpConfig } from '../../src/domain/mcpConfig.js';
import { expectThrows } from './expectThrows.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-01T00:01:00Z');

const config: McpConfig = {
  name: 'memory',
  description: '',
  package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '1.0.0' },
  transport: 'stdio',
  envVars: [],
  args: [],
  tools: [],
  resources: [],
  prompts: [],
  evidence: [],
  analyzers: [],
};

function stateIn(status: DeploymentStatus): DeploymentState {
  return {
    id: 'd-1',
    ownerId: 'u-1',
    name: 'memory',
    source: 'npm:@modelcontextprotocol/server-memory',
    package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '1.0.0' },
    status,
    machineId: null,
    config,
    upstreamUrl: null,
    accessTokenHash: 'a'.repeat(64),
    errorMessage: status === 'failed' ? 'old failure' : null,
    tools: [],
    createdAt: T0,
    updatedAt: T0,
    version: 3,
  };
}

/** Calls the guarded method that moves a deployment to `to`. */
function moveTo(deployment: Deployment, to: DeploymentStatus): void {
  switch (to) {
    case 'deploying':
      return deployment.startDeploying(T1);
    case 'running':
      return deployment.markRunning(T1, { machineId: 'm-1', upstreamUrl: 'http://127.0.0.1:9000/mcp', tools: [{ name: 'read_graph' }] });
    case 'failed':
      return deployment.markFailed(T1, 'the server exited');
    case 'stopped':
      return deployment.markStopped(T1);
    case 'pending':
      throw new Error('no method moves a deployment back to pending');
  }
}

describe('Deployment state machine', () => {
  it('matches the design: pending→deploying; deploying→running|failed; running→stopped|failed|deploying; stopped|failed→deploying', () => {
    expect(TRANSITIONS).to.deep.equal({
      pending: ['deploying'],
      deploying: ['running', 'failed'],
      running: ['stopped', 'failed', 'deploying'],
      stopped: ['deploying'],
      failed: ['deploying'],
    });
    for (const from of DEPLOYMENT_STATUSES) expect(canTransition(from, 'pending')).to.equal(false);
  });

  for (const from of DEPLOYMENT_STATUSES) {
    for (const to of DEPLOYMENT_STATUSES.filter((status) => status !== 'pending')) {
      const allowed = TRANSITIONS[from].includes(to);
      it(`${allowed ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        const deployment = Deployment.fromState(stateIn(from));
        expect(canTransition(from, to)).to.equal(allowed);
        if (allowed) {
          moveTo(deployment, to);
          expect(deployment.status).to.equal(to);
          expect(deployment.state.updatedAt).to.equal(T1);
          const events = deployment.pullEvents();
          expect(events).to.have.length(1);
          expect(events[0]).to.deep.include({ deploymentId: 'd-1', type: 'status_changed', at: T1, from, to });
          expect(deployment.pullEvents()).to.deep.equal([]);
        } else {
          const before = deployment.state;
          const error = expectThrows(() => moveTo(deployment, to), 'invalid_transition');
          expect(error.details).to.deep.equal({ from, to, allowed: TRANSITIONS[from] });
          expect(error.message).to.equal(`A ${from} deployment cannot become ${to}.`);
          expect(deployment.state).to.equal(before);
          expect(deployment.pullEvents()).to.deep.equal([]);
        }
      });
    }
  }

  it('creates a pending deployment with its created event', () => {
    const { status: _s, machineId: _m, upstreamUrl: _u, errorMessage: _e, tools: _t, updatedAt: _d, version: _v, ...input } = stateIn('pending');
    const deployment = Deployment.create(input);
    expect(deployment.status).to.equal('pending');
    expect(deployment.version).to.equal(0);
    expect(deployment.id).to.equal('d-1');
    expect(deployment.state).to.include({ machineId: null, upstreamUrl: null, errorMessage: null, updatedAt: T0 });
    expect(deployment.pullEvents()).to.deep.equal([{ deploymentId: 'd-1', type: 'created', at: T0, to: 'pending' }]);
  });

  it('records the failure reason (bounded), and clears it on the next deploy', () => {
    const deployment = Deployment.fromState(stateIn('deploying'));
    deployment.markFailed(T1, 'x'.repeat(5000));
    expect(deployment.state.errorMessage).to.have.length(2000);
    expect(deployment.pullEvents()[0]?.message).to.have.length(2000);
    deployment.startDeploying(T1);
    expect(deployment.state.errorMessage).to.equal(null);
  });

  it('keeps the machine, upstream and tools of a running deployment', () => {
    const deployment = Deployment.fromState(stateIn('deploying'));
    moveTo(deployment, 'running');
    expect(deployment.state).to.deep.include({ machineId: 'm-1', upstreamUrl: 'http://127.0.0.1:9000/mcp', tools: [{ name: 'read_graph' }] });
  });

  it('records token rotation, credential updates and progress without changing status', () => {
    const deployment = Deployment.fromState(stateIn('running'));
    deployment.attachMachine(T1, 'm-2', null);
    deployment.rotateAccessToken(T1, 'b'.repeat(64));
    deployment.noteCredentialsUpdated(T1);
    deployment.noteProgress(T1, 'healthy');
    expect(deployment.status).to.equal('running');
    expect(deployment.state).to.include({ machineId: 'm-2', upstreamUrl: null, accessTokenHash: 'b'.repeat(64) });
    expect(deployment.pullEvents().map((event) => [event.type, event.message])).to.deep.equal([
      ['token_rotated', undefined],
      ['credentials_updated', undefined],
      ['progress', 'healthy'],
    ]);
  });

  it('bumps the version only through nextVersion/markSaved', () => {
    const deployment = Deployment.fromState(stateIn('stopped'));
    expect(deployment.nextVersion().version).to.equal(4);
    expect(deployment.version).to.equal(3);
    deployment.markSaved(4);
    expect(deployment.version).to.equal(4);
    expect(deployment.pullEvents()).to.deep.equal([]);
  });
});
