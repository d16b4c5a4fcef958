import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Whether a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes whose process group is `pgid` (from the process table). */
export function processesInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Linux's numbers for the SCHED_NORMAL and SCHED_BATCH policies. */
export const SCHED_NORMAL = 0;
export const SCHED_BATCH = 3;

/** The scheduling policy in the text of a /proc/<pid>/stat file (`policy`, field 41). */
export function policyInStat(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

/** The scheduling policy of a live process. */
export function policyOf(pid: number): number {
  return policyInStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
