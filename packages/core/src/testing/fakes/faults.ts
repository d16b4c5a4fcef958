/** A promise a test controls: operations held on it wait until `release()` (or fail on `fail(error)`). */
export class Gate {
  readonly promise: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  /** How many operations are currently waiting on this gate. */
  waiting = 0;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A gate failed before anyone waits must not be an unhandled rejection.
    this.promise.catch(() => undefined);
  }

  /** Lets every waiting (and future) operation go on. */
  release(): void {
    this.#resolve();
  }

  /** Makes every waiting (and future) operation fail with `error`. */
  fail(error: unknown): void {
    this.#reject(error);
  }
}

interface Fault {
  readonly error: () => unknown;
  remaining: number;
  /** Calls still to let through before this fault starts firing. */
  skip: number;
}

/**
 * Faults and delays injected per named operation (`deploy`, `lookup`, `credentials.put`, …). Fakes call
 * `await faults.check(op)` at the start of each operation.
 */
export class FaultPlan<Op extends string = string> {
  readonly #faults = new Map<Op, Fault[]>();
  readonly #gates = new Map<Op, Gate>();

  /**
   * Makes calls of `op` throw: after letting `after` calls through, the next `times` calls (every later call when
   * `times` is omitted). `error` may be a factory so each call gets a fresh error.
   */
  failOn(op: Op, error: unknown, times = Number.POSITIVE_INFINITY, after = 0): void {
    const make = typeof error === 'function' ? (error as () => unknown) : () => error;
    const list = this.#faults.get(op) ?? [];
    list.push({ error: make, remaining: times, skip: after });
    this.#faults.set(op, list);
  }

  /** Holds every call of `op` until the returned gate is released. */
  hold(op: Op): Gate {
    const gate = new Gate();
    this.#gates.set(op, gate);
    return gate;
  }

  /** Removes every fault and gate. */
  clear(): void {
    this.#faults.clear();
    this.#gates.clear();
  }

  /** Waits on a held gate, then throws an injected fault if one is armed for `op`. */
  async check(op: Op): Promise<void> {
    const gate = this.#gates.get(op);
    if (gate !== undefined) {
      gate.waiting++;
      try {
        await gate.promise;
      } finally {
        gate.waiting--;
      }
    }
    this.throwIfArmed(op);
  }

  /** The synchronous half of `check` (for fakes whose operation must not yield). */
  throwIfArmed(op: Op): void {
    const list = this.#faults.get(op);
    const fault = list?.find((candidate) => candidate.remaining > 0);
    if (fault === undefined) return;
    if (fault.skip > 0) {
      fault.skip--;
      return;
    }
    fault.remaining--;
    throw fault.error();
  }
}
