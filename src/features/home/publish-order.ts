/**
 * Home publishes for one person run one after another in this process. Slack keeps whichever
 * views.publish lands last, so two publishes under way at once (the Home opened while a button's
 * handler publishes the state it has just changed) could leave the older state on screen: the
 * one that read first may land last. In order, each publish reads what the one before it showed
 * and more. Across processes, the hash of the view the person saw guards the same race
 * (`publishHome`).
 */
export class HomePublishOrder {
  /** The last publish queued per person; removed once it has settled and nothing follows it. */
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, publish: () => Promise<void>): Promise<void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(publish);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** People with a publish queued or under way (for tests: nothing is kept once idle). */
  get size(): number {
    return this.tails.size;
  }
}
