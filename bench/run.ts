/**
 * `npm run bench`: runs every bench module in this folder once and prints one table. Full runs are written to
 * bench/results/<date>.json; `--smoke` (what CI runs) does a few iterations of each and writes nothing.
 * `--only a,b` limits the run to the named modules (file names without .ts) and writes nothing either, so a
 * partial run never replaces the day's full record.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { BenchModule, BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',').filter(Boolean)) : undefined;

const names = (await readdir(here))
  .filter((file) => file.endsWith('.ts') && !['run.ts', 'types.ts'].includes(file) && !file.endsWith('.d.ts'))
  .map((file) => file.slice(0, -3))
  .filter((name) => only === undefined || only.has(name))
  .sort();

const rows: BenchRow[] = [];
let failures = 0;
for (const name of names) {
  const started = performance.now();
  process.stderr.write(`bench ${name}${smoke ? ' (smoke)' : ''}…\n`);
  try {
    const module = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as BenchModule;
    rows.push(...(await module.run({ smoke })));
  } catch (error) {
    failures++;
    process.stderr.write(`bench ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.stderr.write(`bench ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

console.log(formatTable(rows));
if (!smoke && only === undefined) {
  const file = join(here, 'results', `${new Date().toISOString().slice(0, 10)}.json`);
  await writeFile(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
  console.log(`written ${file}`);
}
if (failures > 0) process.exitCode = 1;

function formatTable(table: readonly BenchRow[]): string {
  const lines = table.map((row) => [row.area, row.metric, formatValue(row.value), row.unit, row.note ?? '']);
  const header = ['area', 'metric', 'value', 'unit', 'note'];
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
