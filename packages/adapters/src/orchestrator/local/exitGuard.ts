/** Something that can kill its processes synchronously. */
export interface Killable {
  killNow(): void;
}

const owners = new Set<Killable>();
let installed = false;

function killAll(): void {
  for (const owner of owners) {
    try {
      owner.killNow();
    } catch {
      /* keep killing the others */
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // When nobody else handles the signal, keep its default meaning: exit with it.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

/**
 * Registers an owner of child processes so that none is orphaned when the control plane exits: on `exit`
 * (normal or `process.exit`), SIGINT, SIGTERM and SIGHUP every registered owner kills its process groups.
 * (SIGKILL cannot be caught: the children then see their stdin close, and the next start's reconciliation
 * restarts what should run.)
 */
export function guardChildren(owner: Killable): () => void {
  owners.add(owner);
  if (!installed) {
    installed = true;
    process.on('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  }
  return () => owners.delete(owner);
}
