// One "abort" listener per AbortSignal, however many calls share it: a signal passed to many
// concurrent calls (a request's signal fanned out to 50 downstream calls) would otherwise get
// one listener per call and trip Node's MaxListenersExceededWarning beyond 10. The watch is
// made with the signal's first call and removed with its last, so a long-lived signal holds no
// listener (and no call) once its calls have settled.

/** Something that a signal's abort settles (a pending call). */
export interface AbortWatcher {
  /** The signal aborted: settle at once (the watcher is then unwatched by its owner). */
  aborted(signal: AbortSignal): void;
}

/** The calls listening to one signal; itself the signal's one listener (`handleEvent`). */
class SignalWatch {
  readonly signal: AbortSignal;
  readonly watchers = new Set<AbortWatcher>();

  constructor(signal: AbortSignal) {
    this.signal = signal;
  }

  handleEvent(): void {
    // Settling a watcher unwatches it, changing the set: iterate over a copy.
    for (const watcher of [...this.watchers]) watcher.aborted(this.signal);
  }
}

const watches = new WeakMap<AbortSignal, SignalWatch>();

/** Calls `watcher.aborted(signal)` when `signal` aborts, until `unwatchAbort`. */
export function watchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    watch = new SignalWatch(signal);
    watches.set(signal, watch);
    signal.addEventListener("abort", watch);
  }
  watch.watchers.add(watcher);
}

/** Stops watching; the signal loses its listener with its last watcher. */
export function unwatchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  const watch = watches.get(signal);
  if (watch === undefined || !watch.watchers.delete(watcher)) return;
  if (watch.watchers.size > 0) return;
  watches.delete(signal);
  signal.removeEventListener("abort", watch);
}
