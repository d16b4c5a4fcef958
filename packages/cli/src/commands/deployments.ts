import type { Command } from 'commander';
import { Option } from 'commander';
import type { CreatedDeploymentView, DeploymentView, EventView, LogLineView } from '../client/views.js';
import type { CommandContext } from '../context.js';
import { userError, usageError } from '../errors.js';
import { Prompter } from '../input/prompter.js';
import { connectionText, deploymentDetails, deploymentTable, eventLines, logLines, statusText } from '../output/present.js';
import { deploymentPath, listAll, resolveDeploymentId } from './deploymentId.js';

interface JsonFlag {
  json?: boolean;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw usageError(`${name} must be a positive whole number.`);
    return n;
  };
}

/** Waits until the deployment leaves pending/deploying; returns its final state. */
export async function waitSettled(ctx: CommandContext, command: Command, id: string, timeoutMs: number): Promise<DeploymentView> {
  const client = await ctx.client(command);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.get<DeploymentView>(deploymentPath(id));
    if (d.status !== 'pending' && d.status !== 'deploying') return d;
    if (Date.now() > deadline) throw userError(`Still ${d.status} after ${Math.round(timeoutMs / 1000)} s; check: catwalk events ${id}`, 'timeout');
    await ctx.sleep(Math.min(ctx.pollIntervalMs, 500));
  }
}

/** `ls`, `status`, `logs`, `events`, `stop`, `start`, `redeploy`, `rm` and `token rotate`. */
export function registerDeploymentCommands(program: Command, ctx: CommandContext): void {
  program
    .command('ls')
    .alias('list')
    .description('List your deployments.')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: JsonFlag, command: Command) => {
      const items = await listAll(await ctx.client(command));
      if (options.json === true) ctx.printJson({ items, nextCursor: null });
      else ctx.print(deploymentTable(items, ctx.style));
    });

  program
    .command('status')
    .description('Show one deployment: status, endpoint, tools, credentials (names only).')
    .argument('<id>', 'deployment id (or its name)')
    .option('--json', 'print the API answer as JSON')
    .action(async (idOrName: string, options: JsonFlag, command: Command) => {
      const client = await ctx.client(command);
      const d = await client.get<DeploymentView>(deploymentPath(await resolveDeploymentId(client, idOrName)));
      if (options.json === true) ctx.printJson(d);
      else ctx.print(deploymentDetails(d, ctx.style));
    });

  program
    .command('logs')
    .description("Print the last log lines of a deployment's server (credential values are masked).")
    .argument('<id>', 'deployment id (or its name)')
    .option('-n, --tail <lines>', 'how many lines', positiveInt('--tail'), 200)
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('--json', 'print the API answer as JSON (not with --follow)')
    .action(async (idOrName: string, options: { tail: number; follow?: boolean; json?: boolean }, command: Command) => {
      if (options.follow === true && options.json === true) throw usageError('--json and --follow do not go together.');
      const client = await ctx.client(command);
      const id = await resolveDeploymentId(client, idOrName);
      const fetchLines = async (tail: number) => (await client.get<{ lines: LogLineView[] }>(deploymentPath(id, '/logs'), { tail })).lines;
      const first = await fetchLines(options.tail);
      if (options.json === true) return ctx.printJson({ lines: first });
      ctx.print(logLines(first, ctx.style));
      if (options.follow !== true) return;
      // The API has no stream of logs: poll the tail and print what was not seen in the previous answer.
      let seen = new Set(first.map(lineKey));
      for (;;) {
        await ctx.sleep(ctx.pollIntervalMs);
        const lines = await fetchLines(Math.max(options.tail, 500));
        ctx.print(logLines(lines.filter((line) => !seen.has(lineKey(line))), ctx.style));
        seen = new Set(lines.map(lineKey));
      }
    });

  program
    .command('events')
    .description('Print the event log of a deployment (created, status changes, progress, token rotations).')
    .argument('<id>', 'deployment id (or its name)')
    .option('--limit <n>', 'at most this many events', positiveInt('--limit'))
    .option('--json', 'print the API answer as JSON')
    .action(async (idOrName: string, options: { limit?: number; json?: boolean }, command: Command) => {
      const client = await ctx.client(command);
      const answer = await client.get<{ events: EventView[] }>(deploymentPath(await resolveDeploymentId(client, idOrName), '/events'), { limit: options.limit });
      if (options.json === true) ctx.printJson(answer);
      else ctx.print(eventLines(answer.events, ctx.style));
    });

  program
    .command('stop')
    .description('Stop a deployment; its endpoint answers 503 until started again.')
    .argument('<id>', 'deployment id (or its name)')
    .option('--json', 'print the API answer as JSON')
    .action(async (idOrName: string, options: JsonFlag, command: Command) => {
      const client = await ctx.client(command);
      const d = await client.post<DeploymentView>(deploymentPath(await resolveDeploymentId(client, idOrName), '/stop'));
      if (options.json === true) ctx.printJson(d);
      else ctx.print(`${d.name} (${d.id}) is ${statusText(d.status, ctx.style)}.\n`);
    });

  for (const [name, description] of [
    ['start', 'Start a stopped deployment, or retry a failed one.'],
    ['redeploy', 'Deploy again on a fresh process or machine.'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<id>', 'deployment id (or its name)')
      .option('--no-wait', 'return at once instead of waiting until it runs')
      .addOption(new Option('--timeout <seconds>', 'how long to wait').argParser(positiveInt('--timeout')).default(300))
      .option('--json', 'print the API answer as JSON')
      .action(async (idOrName: string, options: { wait: boolean; timeout: number; json?: boolean }, command: Command) => {
        const client = await ctx.client(command);
        const id = await resolveDeploymentId(client, idOrName);
        let d = await client.post<DeploymentView>(deploymentPath(id, `/${name}`));
        if (options.wait) d = await waitSettled(ctx, command, id, options.timeout * 1000);
        if (options.json === true) ctx.printJson(d);
        else ctx.print(`${d.name} (${d.id}) is ${statusText(d.status, ctx.style)}${d.errorMessage === null ? '' : `: ${d.errorMessage}`}.\n`);
        if (d.status === 'failed') throw userError(`The deployment failed${d.errorMessage === null ? '' : `: ${d.errorMessage.replace(/\.$/, '')}`}. See: catwalk logs ${id}`, 'deploy_failed');
      });
  }

  program
    .command('rm')
    .alias('delete')
    .description('Delete a deployment: stops its server and erases its credentials and events.')
    .argument('<id>', 'deployment id (or its name)')
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .action(async (idOrName: string, options: { yes?: boolean }, command: Command) => {
      const client = await ctx.client(command);
      const id = await resolveDeploymentId(client, idOrName);
      const prompter = new Prompter(ctx.io);
      if (options.yes !== true && prompter.interactive) {
        const answer = await prompter.ask(`Delete ${idOrName} and its credentials? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) throw userError('Not deleted.', 'cancelled');
      }
      await client.request({ method: 'DELETE', path: deploymentPath(id) });
      ctx.print(`Deleted ${id}.\n`);
    });

  const token = program.command('token').description('Manage the access token of a deployment.');
  token
    .command('rotate')
    .description('Issue a new access token; the old one stops working at once. The new one is shown once.')
    .argument('<id>', 'deployment id (or its name)')
    .option('--json', 'print the API answer as JSON')
    .action(async (idOrName: string, options: JsonFlag, command: Command) => {
      const client = await ctx.client(command);
      const rotated = await client.post<CreatedDeploymentView>(deploymentPath(await resolveDeploymentId(client, idOrName), '/token'));
      if (options.json === true) ctx.printJson(rotated);
      else ctx.print(`New token for ${rotated.deployment.name}; the previous one no longer works.\n\n` + connectionText(rotated, ctx.style));
    });
}

function lineKey(line: LogLineView): string {
  return `${line.at}\u0000${line.stream}\u0000${line.line}`;
}
