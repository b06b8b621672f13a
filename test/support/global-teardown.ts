import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__EMBEDDED_STORE__;
  if (!running) return;
  await running.store.stop();
  fs.rmSync(running.dataDir, { recursive: true, force: true });
}
