/**
 * Test data in one place: a valid environment, and values that look like real secrets.
 */
export const TEST_SECRETS = {
  botToken: `xoxb-1111111111-2222222222-${'b'.repeat(24)}`,
  appToken: `xapp-1-A0EMULATOR-3333333333-${'a'.repeat(64)}`,
  apiToken: `api-${'t'.repeat(40)}`,
  /** The app's Signing Secret (SLACK_RECEIVER=http): 32 hex characters, as Slack's. */
  signingSecret: '5c1e9a7d3b2f4e6a8c0d1f2e3a4b5c6d',
  // Fixed, with '+' and '/', so tests see how URL and JSON escaping treat it.
  encryptionKey: 'DIc/RYre9nZ30X1YU+7B7InHjAbCLYVQBB8uJoAfhuU=',
};

/** An environment that passes validation; override or delete keys to test one problem. */
export function validEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    SLACK_BOT_TOKEN: TEST_SECRETS.botToken,
    SLACK_APP_TOKEN: TEST_SECRETS.appToken,
    API_TOKEN: TEST_SECRETS.apiToken,
    PIGMENT_BASE_URL: 'https://acme.pigment.test',
    ENCRYPTION_KEY: TEST_SECRETS.encryptionKey,
    ...overrides,
  };
}
