/**
 * The workspace tokens the emulator has issued: bot tokens (`xoxb-`, one per workspace the
 * app is installed in) and user tokens (`xoxp-`, one per user who granted user scopes). A
 * token names its workspace, so a call is answered from that workspace's state. Tokens
 * revoked by an uninstall stay known and answer `token_revoked`, as Slack's do.
 */
import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  readonly token: string;
  readonly kind: 'bot' | 'user';
  readonly teamId: string;
  /** The bot user of the workspace, or the user who granted the user token. */
  readonly userId: string;
  /** A user token's scopes (a bot token's are its workspace's `state.scopes.bot`, which tests may change). */
  scopes: string[];
  /** Set once the token is revoked for good (uninstall): what calls with it answer. */
  revokedError?: string;
}

export class TokenRegistry {
  private readonly byToken = new Map<string, IssuedToken>();
  private counter = 0;

  /** Registers a token; `token` keeps a configured value (the primary workspace's `botToken` option). */
  issue(input: { kind: 'bot' | 'user'; teamId: string; userId: string; scopes?: string[]; token?: string }): IssuedToken {
    this.counter += 1;
    const prefix = input.kind === 'bot' ? 'xoxb' : 'xoxp';
    const token = input.token ?? `${prefix}-${input.teamId}-${this.counter}-${randomBytes(12).toString('hex')}`;
    if (this.byToken.has(token)) throw new Error(`token ${token} is already issued`);
    const issued: IssuedToken = { token, kind: input.kind, teamId: input.teamId, userId: input.userId, scopes: [...(input.scopes ?? [])] };
    this.byToken.set(token, issued);
    return issued;
  }

  find(token: string): IssuedToken | undefined {
    return this.byToken.get(token);
  }
}
