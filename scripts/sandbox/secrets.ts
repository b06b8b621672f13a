/**
 * The sandbox's secrets (API token, encryption key, OAuth client secret and state secret):
 * generated on first start and kept in DATA_DIR/sandbox-secrets.json (mode 0600), so a
 * restart keeps them and nothing needs copying into `.env`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const SecretsSchema = z.object({
  apiToken: z.string().min(32),
  encryptionKey: z.string().min(40),
  clientSecret: z.string().min(16),
  stateSecret: z.string().min(32),
});

export type SandboxSecrets = z.infer<typeof SecretsSchema>;

export const SECRETS_FILE = 'sandbox-secrets.json';

/** Reads the secrets kept in `dataDir`, or makes and keeps new ones. */
export function sandboxSecrets(dataDir: string): SandboxSecrets {
  const file = path.join(dataDir, SECRETS_FILE);
  if (fs.existsSync(file)) {
    const kept = SecretsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (kept.success) return kept.data;
  }
  const secrets: SandboxSecrets = {
    apiToken: randomBytes(32).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
    clientSecret: randomBytes(16).toString('hex'),
    stateSecret: randomBytes(32).toString('base64url'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
