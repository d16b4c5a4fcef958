import type { Command } from 'commander';
import type { AnalysisView } from '../client/views.js';
import type { CommandContext } from '../context.js';
import { analyzeLocally } from '../local/analyzeLocal.js';
import { analysisText } from '../output/present.js';
import { configFromEnvironment } from './config.js';

/** `catwalk analyze <source> [--json] [--local]`. */
export function registerAnalyzeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('analyze')
    .description('Analyse a source into its MCP config (package, runtime, env vars, tools, evidence) and credential form.')
    .argument('<source>', 'GitHub URL, npm:<name>[@version], pypi:<name>[==version], or ./dir (with --local)')
    .option('--json', 'print exactly what POST /api/analyze answers')
    .option('--local', 'analyse in this process, without a server (local directories allowed)')
    .action(async (source: string, options: { json?: boolean; local?: boolean }, command: Command) => {
      const analysis: AnalysisView =
        options.local === true
          ? ((await analyzeLocally(configFromEnvironment(), source)) as unknown as AnalysisView)
          : await (await ctx.client(command)).post<AnalysisView>('/api/analyze', { source });
      if (options.json === true) ctx.printJson(analysis);
      else ctx.print(analysisText(analysis, ctx.style));
    });
}
