import { ColloquyError, errorText } from '../../src/index.ts';

/** Slack's answers that mean a token is wrong, revoked or of the wrong kind. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'no_permission', 'missing_scope']);

/**
 * A failure while connecting, as the person starting the bot should read it:
 * which setting Slack refused, or why Slack could not be reached.
 */
export function startError(err: unknown, variable: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN', apiUrl: string): ColloquyError {
  const code = errorText(err);
  if (TOKEN_ERRORS.has(code)) {
    const hint =
      variable === 'SLACK_BOT_TOKEN'
        ? 'Copy the Bot User OAuth Token (xoxb-…) from your Slack app’s "OAuth & Permissions" page, and reinstall the app after changing scopes.'
        : 'Create an app-level token (xapp-…) with the connections:write scope under "Basic Information → App-Level Tokens", and enable Socket Mode.';
    return new ColloquyError('slack_token_rejected', `Slack rejected ${variable} (${code})`, hint);
  }
  return new ColloquyError('slack_unreachable', `Could not connect to Slack at ${apiUrl} to check ${variable}: ${code}`, 'Check the network connection (and a proxy, if any), then start again.');
}
