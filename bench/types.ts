/** One measured figure, as printed in the `npm run bench` table and written to bench/results/<date>.json. */
export interface BenchRow {
  readonly area: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

/** Every bench module exports `run`; `smoke` asks for a few iterations only (CI). */
export type BenchModule = { run(options: { smoke: boolean }): Promise<BenchRow[]> };
