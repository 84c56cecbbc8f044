import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, type Logger as BoltLogger } from '@slack/bolt';

/** Slack's rule: a request whose timestamp is further than this from our clock, either way, is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * Bolt's HTTP receiver (signature checked by bolt), with one more check in
 * front: bolt only refuses requests dated more than five minutes in the past,
 * so a captured request dated in the future could be replayed for as long as
 * that future lasts. Here a `x-slack-request-timestamp` more than five minutes
 * away in either direction gets 401 before anything else happens.
 */
export function createSlackReceiver({ signingSecret, logger, now = Date.now }: { signingSecret: string; logger: BoltLogger; now?: () => number }): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, logger, endpoints: '/slack/events' });
  const verified = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.headers['x-slack-request-timestamp'];
    const timestamp = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw !== undefined && Number.isFinite(timestamp) && Math.abs(now() / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
      logger.warn(`Refused a Slack request dated ${Math.round(timestamp - now() / 1000)} s from now (more than ${MAX_CLOCK_SKEW_SECONDS} s either way)`);
      req.resume();
      res.writeHead(401).end();
      return;
    }
    verified(req, res);
  };
  return receiver;
}
