/**
 * Starts an emulator's HTTP server (the Slack and Ashby emulators share it): resolves once it
 * listens, with the port it got and the host to put in URLs (a wildcard address is reached
 * through 127.0.0.1).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listen(server: Server, host = '127.0.0.1', port = 0): Promise<{ port: number; urlHost: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, urlHost: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host };
}
