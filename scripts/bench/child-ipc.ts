/**
 * Request and answer over a forked child's IPC channel, for benchmarks that run the Slack
 * emulator in its own process (so it does not share the measured process's event loop).
 */
import { fork, type ChildProcess } from 'node:child_process';

/** Sends `message` and resolves with the child's first reply of type `expected`. */
export function requestChild<Reply extends { type: string }, T extends Reply['type']>(
  child: ChildProcess,
  message: { type: string } & Record<string, unknown>,
  expected: T,
): Promise<Extract<Reply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Reply) => {
      if (reply.type !== expected) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply as Extract<Reply, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the emulator process exited (${code}) before answering ${message.type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** Asks the child to stop and waits for its exit. */
export async function stopChild(child: ChildProcess, message: { type: string } = { type: 'stop' }): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send(message);
  await exited;
}

/** A forked benchmark helper process (e.g. the Slack emulator) spoken to by typed requests. */
export class BenchChild<Request extends { type: string }, Reply extends { type: string }> {
  private constructor(private readonly child: ChildProcess) {}

  /** Forks `file` with `flag`; it inherits this process's execArgv, so it runs under tsx as well. */
  static fork<Request extends { type: string }, Reply extends { type: string }>(file: string, flag: string): BenchChild<Request, Reply> {
    return new BenchChild<Request, Reply>(fork(file, [flag], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  request<T extends Reply['type']>(message: Request, expected: T): Promise<Extract<Reply, { type: T }>> {
    return requestChild<Reply, T>(this.child, message as Request & Record<string, unknown>, expected);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
