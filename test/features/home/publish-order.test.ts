/** Home publishes for one person run in the order asked, a failed one does not stop the next, and nothing is kept once idle. */
import { HomePublishOrder } from '../../../src/features/home/publish-order';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('HomePublishOrder', () => {
  it("starts a person's next publish only once the one before has settled, failed or not; other people do not wait", async () => {
    const order = new HomePublishOrder();
    const log: string[] = [];
    const first = deferred();
    const a1 = order.run('t:U1', async () => {
      log.push('U1 first starts');
      await first.promise;
    });
    const a2 = order.run('t:U1', async () => {
      log.push('U1 second starts');
    });
    const b1 = order.run('t:U2', async () => {
      log.push('U2 starts');
    });
    await b1;
    expect(log).toEqual(['U1 first starts', 'U2 starts']);
    first.reject(new Error('views.publish failed'));
    await expect(a1).rejects.toThrow('views.publish failed');
    await a2;
    expect(log).toEqual(['U1 first starts', 'U2 starts', 'U1 second starts']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.size).toBe(0);
  });
});
