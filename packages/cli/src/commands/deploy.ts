import type { Command } from 'commander';
import { Option } from 'commander';
import type { ApiClient } from '../client/apiClient.js';
import type { CreatedDeploymentView, DeploymentView, EventView, FormFieldView, FormView } from '../client/views.js';
import type { CommandContext } from '../context.js';
import { CliError, userError, usageError } from '../errors.js';
import { parseEnvPairs, readEnvFile } from '../input/envValues.js';
import { Prompter } from '../input/prompter.js';
import { connectionText } from '../output/present.js';
import { StepProgress } from '../output/progress.js';
import { deploymentPath } from './deploymentId.js';

interface DeployOptions {
  name?: string;
  env: string[];
  envFile?: string;
  prompt?: boolean;
  wait: boolean;
  timeout: number;
  json?: boolean;
  network?: 'shared' | 'none';
}

/** A deployment name from a source: `npm:@scope/server-x@1.2` → `server-x`, a GitHub URL → its repository. */
export function defaultName(source: string): string {
  let text = source.trim().replace(/^(npm|pypi):/, '');
  if (/^https?:\/\//.test(text)) {
    const parts = new URL(text).pathname.split('/').filter(Boolean);
    text = parts[1] ?? parts[0] ?? 'server';
  } else {
    text = text.replace(/^@[^/]+\//, '').replace(/(@|==|>=|~=).*$/, '');
    text = text.split(/[\\/]/).filter(Boolean).pop() ?? text;
  }
  const cleaned = text.toLowerCase().replace(/\.git$/, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 60) || 'server';
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function questionFor(field: FormFieldView, style: CommandContext['errStyle']): string {
  const label = field.label ?? field.name;
  const bits = [field.required ? style.bold('required') : 'optional', ...(field.secret ? ['hidden'] : [])];
  const extra = field.choices !== undefined && field.choices.length > 0 ? ` one of ${field.choices.join('|')}` : '';
  const fallback = field.default === undefined ? '' : ` [${field.default}]`;
  const help = field.help !== undefined && field.help !== '' ? style.dim(`  ${field.help.split('\n')[0]}\n`) : '';
  return `${help}${label} ${style.dim(`(${field.name}, ${bits.join(', ')}${extra})`)}${fallback}: `;
}

/**
 * Asks on the terminal for the form's values that are missing: the required ones, or all of them with
 * `--prompt`. An empty answer keeps the default; a required field without a default is asked again.
 */
async function askMissing(form: FormView, values: Record<string, string>, prompter: Prompter, all: boolean, ctx: CommandContext): Promise<void> {
  for (const field of form.fields) {
    if (values[field.name] !== undefined) continue;
    const mustAsk = field.required && field.default === undefined;
    if (!mustAsk && !all) continue;
    for (let attempt = 0; ; attempt++) {
      const answer = await prompter.ask(questionFor(field, ctx.errStyle), { secret: field.secret });
      if (answer !== '') {
        values[field.name] = answer;
        break;
      }
      if (!mustAsk) break;
      if (attempt >= 2) throw userError(`${field.name} is required.`, 'invalid_credentials');
      ctx.io.stderr.write(ctx.errStyle.yellow(`${field.name} is required.\n`));
    }
  }
}

const STEPS = ['validate', 'seal', 'deploy', 'healthy', 'tools'] as const;

/** Follows the deployment through its events until running or failed, moving the progress steps along. */
async function follow(ctx: CommandContext, client: ApiClient, id: string, progress: StepProgress, timeoutMs: number): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  const interval = Math.min(ctx.pollIntervalMs, 500);
  const reached = new Set<string>();
  const advance = (to: (typeof STEPS)[number], detail = ''): void => {
    // Finish every step before `to` that is not finished yet, then start `to`.
    for (const step of STEPS.slice(2, STEPS.indexOf(to))) {
      if (!reached.has(step)) {
        reached.add(step);
        progress.done(step);
      }
    }
    if (!reached.has(to)) progress.start(to, detail);
  };
  advance('deploy');
  for (;;) {
    const [d, events] = await Promise.all([
      client.get<DeploymentView>(deploymentPath(id)),
      client.get<{ events: EventView[] }>(deploymentPath(id, '/events'), { limit: 1000 }).then((answer) => answer.events),
    ]);
    const messages = events.filter((e) => e.type === 'progress').map((e) => e.message ?? '');
    if (messages.includes('listing tools')) advance('tools');
    else if (messages.includes('waiting until healthy')) advance('healthy');
    else {
      const deploying = [...messages].reverse().find((m) => m.startsWith('deploying '));
      if (deploying !== undefined) progress.note(deploying.slice('deploying '.length));
    }
    if (d.status === 'running') {
      advance('tools');
      const names = d.tools.map((t) => t.name);
      progress.done('tools', `${names.length} tool${names.length === 1 ? '' : 's'}${names.length > 0 ? `: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}` : ''}`);
      return d;
    }
    if (d.status === 'failed' || d.status === 'stopped') {
      const step = STEPS.find((s) => progress.isCurrent(s)) ?? 'deploy';
      progress.fail(step, d.errorMessage ?? d.status);
      return d;
    }
    if (Date.now() > deadline) {
      progress.stop();
      throw userError(`Still ${d.status} after ${Math.round(timeoutMs / 1000)} s; follow it with: catwalk events ${id}`, 'timeout');
    }
    await ctx.sleep(interval);
  }
}

/** `catwalk deploy <source>`. */
export function registerDeployCommand(program: Command, ctx: CommandContext): void {
  program
    .command('deploy')
    .description('Deploy an MCP server from a GitHub URL, npm:pkg or pypi:pkg, and print its endpoint and token.')
    .argument('<source>', 'GitHub URL, npm:<name>[@version], pypi:<name>[==version]')
    .option('--name <name>', 'deployment name (default: from the source)')
    .option('-e, --env <NAME=value>', 'a credential value (repeatable)', collect, [])
    .option('--env-file <path>', 'read credential values from a dotenv file (--env wins)')
    .option('--prompt', 'ask for every credential, optional ones included (needs a terminal)')
    .option('--no-wait', 'return once created instead of waiting until it runs')
    .addOption(new Option('--network <mode>', 'shared (default) or none: cut a local deployment off the network').choices(['shared', 'none']))
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait until running').default(600).argParser((v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw usageError('--timeout must be a positive whole number of seconds.');
        return n;
      }),
    )
    .option('--json', 'print the API answer (with the final deployment) as JSON')
    .action(async (source: string, options: DeployOptions, command: Command) => {
      const values = { ...(options.envFile === undefined ? {} : await readEnvFile(options.envFile)), ...parseEnvPairs(options.env) };
      const prompter = new Prompter(ctx.io);
      if (options.prompt === true && !prompter.interactive) throw usageError('--prompt needs a terminal; pass values with --env or --env-file.');
      const client = await ctx.client(command);
      const progress = new StepProgress(ctx.io.stderr, ctx.errStyle);
      const name = options.name ?? defaultName(source);
      try {
        if (prompter.interactive) {
          progress.start('validate', 'analysing the source');
          const form = await client.post<FormView>('/api/forms', { source });
          progress.stop();
          await askMissing(form, values, prompter, options.prompt === true, ctx);
        }
        progress.start('validate');
        const checked = await client.post<{ valid: true; names: string[] }>('/api/validate/credentials', { source, credentials: values });
        progress.done('validate', checked.names.length === 0 ? 'no credentials needed' : `credentials: ${checked.names.join(', ')}`);
        progress.start('seal');
        const created = await client.post<CreatedDeploymentView>('/api/deployments', {
          name,
          source,
          credentials: values,
          ...(options.network === undefined ? {} : { network: options.network }),
        });
        progress.done('seal', `${created.deployment.id} (${created.deployment.package.name}@${created.deployment.package.version})`);
        for (const warning of created.warnings ?? []) ctx.io.stderr.write(ctx.errStyle.yellow(`warning: ${warning}\n`));
        let final = created.deployment;
        if (options.wait) final = await follow(ctx, client, created.deployment.id, progress, options.timeout * 1000);
        progress.stop();
        if (options.json === true) ctx.printJson({ ...created, deployment: final });
        else {
          const verb = final.status === 'running' ? ctx.style.green('running') : final.status;
          ctx.print(`\n${ctx.style.bold(final.name)} is ${verb} ${ctx.style.dim(`(${(progress.elapsedMs / 1000).toFixed(1)}s)`)}\n\n` + connectionText(created, ctx.style));
        }
        if (final.status === 'failed' || final.status === 'stopped') {
          throw userError(`The deployment ${final.status}${final.errorMessage === null ? '' : `: ${final.errorMessage.replace(/\.$/, '')}`}. See: catwalk logs ${final.id}`, 'deploy_failed');
        }
      } catch (error) {
        progress.stop();
        if (error instanceof CliError && error.code !== 'deploy_failed' && error.code !== 'timeout') {
          const step = STEPS.find((s) => progress.isCurrent(s));
          if (step !== undefined) progress.fail(step, error.code ?? 'failed');
        }
        throw error;
      }
    });
}
