/**
 * The sandbox: the real connector against the Slack emulator (several workspaces, Socket
 * Mode, OAuth pages) and the Ashby emulator, on the embedded store (or MONGODB_URI), with
 * secrets kept in DATA_DIR, demo data, and the page at `<emulator>/sandbox`.
 *
 * Each start is fresh: Slack's and Ashby's sides live in the emulators' memory, so the
 * sandbox's own database (MONGODB_DB, `pigment_sandbox` by default) is emptied first; tokens
 * kept from a previous run would name installs this emulator never made.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { startConnector, type Connector } from '../../src/app';
import { parseConfig, secretsOf } from '../../src/config';
import { openStore } from '../../src/db/store';
import { createLogger, type LoggerHandle } from '../../src/platform/logger';
import { createAshbyEmulator, type AshbyEmulator } from '../ashby-emulator';
import { createSlackEmulator, type SlackEmulator } from '../slack-emulator';
import { DEMO_ASHBY_KEY, demoSlackSeeds, demoWorkspaces, registerDemoWorkspaces, seedAshby, type DemoWorkspace } from './demo-data';
import { createSandboxPages, type SandboxPages } from './page/routes';
import { platformClient, type PlatformClient } from './platform-client';
import { sandboxSecrets } from './secrets';

/** The app's Client ID in the emulator; Slack's are digits.digits, which the connector checks. */
export const SANDBOX_CLIENT_ID = '1000000001.2000000002';
const DEFAULT_PAGE_PORT = 3100;
const DEFAULT_CONNECTOR_PORT = 3000;

export interface SandboxOptions {
  /** Where DATA_DIR, HTTP_PORT, SANDBOX_PORT, MONGODB_URI, MONGODB_DB and LOG_LEVEL are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** A ready logger (tests capture it). */
  logging?: LoggerHandle;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT/sandbox`. */
  readonly pageUrl: string;
  readonly emulator: SlackEmulator;
  readonly ashby: AshbyEmulator;
  readonly connector: Connector;
  readonly platform: PlatformClient;
  readonly workspaces: readonly DemoWorkspace[];
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  const secrets = sandboxSecrets(dataDir);
  const connectorPort = await portOf(env.HTTP_PORT, DEFAULT_CONNECTOR_PORT);
  const pagePort = env.SANDBOX_PORT?.trim() ? Number(env.SANDBOX_PORT) : DEFAULT_PAGE_PORT;
  const stack: Array<() => Promise<void>> = [];
  const unwind = async () => {
    while (stack.length > 0) await stack.pop()!().catch(() => undefined);
  };
  try {
    const ashby = await createAshbyEmulator();
    stack.push(() => ashby.close());
    seedAshby(ashby);

    let pages: SandboxPages | undefined;
    const [seed, ...teams] = demoSlackSeeds();
    const emulator = await createSlackEmulator({
      port: pagePort,
      seed,
      teams,
      oauth: { clientId: SANDBOX_CLIENT_ID, clientSecret: secrets.clientSecret },
      pages: async (req, res, url) => (pages ? pages.answer(req, res, url) : false),
    });
    stack.push(() => emulator.close());

    const baseUrlOf = (workspaceId: string) => `${emulator.baseUrl}/pigment/${workspaceId}`;
    const defaultWorkspaceId = 'default';
    const config = parseConfig({
      SLACK_API_URL: emulator.apiUrl,
      SLACK_BOT_TOKEN: emulator.botToken,
      SLACK_APP_TOKEN: emulator.appToken,
      SLACK_CLIENT_ID: SANDBOX_CLIENT_ID,
      SLACK_CLIENT_SECRET: secrets.clientSecret,
      SLACK_STATE_SECRET: secrets.stateSecret,
      DEFAULT_WORKSPACE_ID: defaultWorkspaceId,
      PIGMENT_BASE_URL: baseUrlOf(defaultWorkspaceId),
      ASHBY_API_URL: ashby.url,
      API_TOKEN: secrets.apiToken,
      ENCRYPTION_KEY: secrets.encryptionKey,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(connectorPort),
      DATA_DIR: dataDir,
      MONGODB_URI: env.MONGODB_URI,
      MONGODB_DB: env.MONGODB_DB?.trim() || 'pigment_sandbox',
      LOG_LEVEL: env.LOG_LEVEL?.trim() || 'warn',
    });
    const logging = options.logging ?? createLogger({ level: config.logLevel, secrets: secretsOf(config, {}) });

    const previous = await openStore({ uri: config.mongo.uri, dbName: config.mongo.dbName, dataDir: config.dataDir, logger: logging.logger });
    await previous.db.dropDatabase();
    await previous.close();

    const connector = await startConnector({ config, logging });
    stack.push(() => connector.stop());
    const platform = platformClient(connector.http.url, secrets.apiToken);
    const workspaces = demoWorkspaces(defaultWorkspaceId);
    await registerDemoWorkspaces(platform, workspaces, baseUrlOf);
    pages = createSandboxPages({ emulator, platform, workspaces, connectorUrl: connector.http.url, ashbyKey: DEMO_ASHBY_KEY });

    let stopping: Promise<void> | undefined;
    return {
      pageUrl: `${emulator.baseUrl}/sandbox`,
      emulator,
      ashby,
      connector,
      platform,
      workspaces,
      stop: () => {
        stopping ??= unwind();
        return stopping;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** HTTP_PORT as given; `0` is a free port picked now, since install links need the real one. */
async function portOf(value: string | undefined, fallback: number): Promise<number> {
  const given = value?.trim() ? Number(value) : fallback;
  if (given !== 0) return given;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : fallback));
    });
  });
}
