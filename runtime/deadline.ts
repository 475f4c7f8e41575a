// Deadlines without a timer per call: one scheduler per channel (or server) keeps the calls
// that have a deadline in a binary min-heap and one timer armed for the earliest. Adding a call
// whose deadline is not the earliest costs a heap insert and no timer work; a call that settles
// leaves the heap and the timer stays as it is (when it fires early it finds nothing expired
// and re-arms for the new earliest).

/** Something with a deadline the scheduler tracks (a pending call, a handler's context). */
export interface Deadlined {
  /** Absolute deadline, epoch milliseconds. */
  readonly expiresAt: number;
  /** Position in the scheduler's heap; -1 when not scheduled. Owned by the scheduler. */
  heapIndex: number;
  /** Called once when the deadline has passed (and the entry has left the heap). */
  expire(now: number): void;
}

/** A min-heap of deadlines served by a single timer. */
export class DeadlineScheduler {
  private readonly heap: Deadlined[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private readonly fire = (): void => this.expireDue();

  /** Entries currently scheduled. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `entry` (its `expiresAt` must not change while scheduled). */
  add(entry: Deadlined): void {
    const heap = this.heap;
    entry.heapIndex = heap.length;
    heap.push(entry);
    this.siftUp(entry.heapIndex);
    if (entry.expiresAt < this.timerAt) this.arm(entry.expiresAt);
  }

  /** Unschedules `entry` if it is scheduled. */
  remove(entry: Deadlined): void {
    const index = entry.heapIndex;
    if (index < 0) return;
    entry.heapIndex = -1;
    const heap = this.heap;
    const last = heap.pop()!;
    if (index === heap.length) return;
    heap[index] = last;
    last.heapIndex = index;
    this.siftDown(index);
    this.siftUp(last.heapIndex);
  }

  /** Stops the timer and forgets every entry (they do not expire). */
  close(): void {
    for (const entry of this.heap) entry.heapIndex = -1;
    this.heap.length = 0;
    this.disarm();
  }

  private arm(at: number): void {
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(this.fire, Math.max(0, at - Date.now()));
    // The scheduler alone must not keep a process alive: pending work holds its own handles.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private expireDue(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.expiresAt <= now) {
      const entry = heap[0]!;
      this.remove(entry);
      entry.expire(now);
    }
    if (heap.length > 0) this.arm(heap[0]!.expiresAt);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.expiresAt <= entry.expiresAt) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const entry = heap[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right]!.expiresAt < heap[left]!.expiresAt ? right : left;
      const smallest = heap[child]!;
      if (smallest.expiresAt >= entry.expiresAt) break;
      heap[index] = smallest;
      smallest.heapIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }
}

/**
 * The absolute deadline (epoch ms) of a call: the earliest of `now + timeoutMs`, `deadline` and
 * the parent's deadline; undefined when none applies.
 */
export function resolveDeadline(
  now: number,
  timeoutMs: number | undefined,
  deadline: number | undefined,
  parentDeadline: number | undefined,
): number | undefined {
  let at = timeoutMs === undefined ? Infinity : now + timeoutMs;
  if (deadline !== undefined && deadline < at) at = deadline;
  if (parentDeadline !== undefined && parentDeadline < at) at = parentDeadline;
  return at === Infinity ? undefined : at;
}
