import { readFileSync, readdirSync } from 'node:fs';

/** The children of each task of `pid` from `/proc/<pid>/task/<tid>/children`; undefined when the kernel lacks it. */
function childrenFromTasks(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // gone already
  }
  const out: number[] = [];
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch (error) {
      // Only kernels built with CONFIG_PROC_CHILDREN have the file; a thread that just ended has none either.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsTask(pid, tid)) return undefined;
      continue;
    }
    for (const item of text.split(' ')) if (/^\d+$/.test(item)) out.push(Number(item));
  }
  return out;
}

function existsTask(pid: number, tid: string): boolean {
  try {
    readdirSync(`/proc/${pid}/task/${tid}`);
    return true;
  } catch {
    return false;
  }
}

/** Parent pid of every process, from `/proc/<pid>/stat` (the fallback when `children` files do not exist). */
function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so parse after the last `)`.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  return children;
}

/** Every descendant of `pid` alive right now (children first, then theirs), without `pid` itself. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  let map: Map<number, number[]> | undefined;
  while (queue.length > 0) {
    const current = queue.shift()!;
    let children = map === undefined ? childrenFromTasks(current) : map.get(current);
    if (children === undefined) {
      map = parentMap();
      children = map.get(current);
    }
    for (const child of children ?? []) {
      if (child === pid || out.includes(child)) continue;
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}
