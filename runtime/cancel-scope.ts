// Cancellation without an AbortController per call. A server call's context is a CancelScope:
// a client call made with `parent: context` links itself into the scope's intrusive list (two
// fields on the call, no allocation) and unlinks when it settles; cancelling the scope settles
// every linked call. An AbortSignal is made only when user code reads `context.signal`: on
// Node 20 one AbortController per call cost the garbage collector far more than its size
// (nodejs/node#55328), which is why this path avoids them.

/** A call that a scope's cancellation settles (a pending client call). */
export interface ScopeLink {
  /** The scope this call is linked into; undefined when not linked. Owned by the scope. */
  scope: CancelScope | undefined;
  scopePrev: ScopeLink | undefined;
  scopeNext: ScopeLink | undefined;
  /** The scope was cancelled: settle with `reason` (the scope has already unlinked it). */
  scopeCancelled(reason: Error): void;
}

/** Something cancellable that calls can link to (a server call's context). */
export class CancelScope {
  /** Why the scope was cancelled; undefined while it is not. */
  cancelReason: Error | undefined = undefined;
  private head: ScopeLink | undefined = undefined;

  /** Links `link` so it is settled when this scope is cancelled. The scope must not be cancelled. */
  link(link: ScopeLink): void {
    link.scope = this;
    link.scopePrev = undefined;
    link.scopeNext = this.head;
    if (this.head !== undefined) this.head.scopePrev = link;
    this.head = link;
  }

  /** Unlinks `link` (a settled call); a no-op when it is not linked here. */
  unlink(link: ScopeLink): void {
    if (link.scope !== this) return;
    const { scopePrev: prev, scopeNext: next } = link;
    if (prev === undefined) this.head = next;
    else prev.scopeNext = next;
    if (next !== undefined) next.scopePrev = prev;
    link.scope = link.scopePrev = link.scopeNext = undefined;
  }

  /** Cancels once: settles every linked call with `reason`, then `cancelled(reason)`. */
  cancel(reason: Error): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    for (let link = this.head; link !== undefined; link = this.head) {
      this.unlink(link);
      link.scopeCancelled(reason);
    }
    this.cancelled(reason);
  }

  /** Runs after the linked calls were settled (a context aborts its signal, if made). */
  protected cancelled(reason: Error): void {
    void reason;
  }
}
