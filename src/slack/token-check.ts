/**
 * Start-up checks of the two Slack tokens. Slack answers some errors that no retry can fix;
 * the Socket Mode client would otherwise retry some of them for ever, so the connector stops
 * with a message that names the token to fix.
 */
import type { WebClient } from '@slack/web-api';
import { SlackAuthError } from '../platform/errors';
import { slackErrorCode, TOKEN_ERRORS } from './slack-error';

/**
 * Slack errors that mean the token itself is bad, revoked or its workspace gone; at start also
 * `not_allowed_token_type` (a bot token given as the app-level token, or the other way round).
 */
export const UNRECOVERABLE_AUTH_ERRORS: ReadonlySet<string> = new Set([...TOKEN_ERRORS, 'not_allowed_token_type']);

export interface BotIdentity {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appUrl: string;
}

/** Calls auth.test with the bot token; throws SlackAuthError naming SLACK_BOT_TOKEN when Slack refuses it. */
export async function verifyBotToken(client: WebClient): Promise<BotIdentity> {
  try {
    const result = await client.auth.test();
    return {
      teamId: String(result.team_id),
      teamName: String(result.team ?? ''),
      botUserId: String(result.user_id),
      botId: String(result.bot_id ?? ''),
      appUrl: String(result.url ?? ''),
    };
  } catch (error) {
    const slackError = slackErrorCode(error);
    if (slackError && UNRECOVERABLE_AUTH_ERRORS.has(slackError)) {
      throw new SlackAuthError(
        'bot_token_refused',
        `Slack refused SLACK_BOT_TOKEN (${slackError}). Copy the "Bot User OAuth Token" (xoxb-…) from your app's "OAuth & Permissions" page, and reinstall the app to the workspace if it was uninstalled.`,
        { slackError },
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Turns a failure of the Socket Mode start into a SlackAuthError naming SLACK_APP_TOKEN
 * when the app-level token is at fault; returns other errors unchanged.
 */
export function explainSocketStartError(error: unknown): unknown {
  const slackError = slackErrorCode(error);
  if (slackError && UNRECOVERABLE_AUTH_ERRORS.has(slackError)) {
    return new SlackAuthError(
      'app_token_refused',
      `Slack refused SLACK_APP_TOKEN (${slackError}). Generate an app-level token with the connections:write scope under "Basic Information" → "App-Level Tokens", and check that Socket Mode is enabled.`,
      { slackError },
      { cause: error },
    );
  }
  return error;
}
