/**
 * The Socket Mode client logs incoming envelopes whole at debug level: what people typed in a
 * modal (`view.state`, such as an Ashby API key) is cut out of those lines, the rest is kept.
 */
import { Writable } from 'node:stream';
import { toSlackLogger } from '../../src/slack/bolt-logger';
import { createLogger } from '../../src/platform/logger';

const TYPED = 'typed-secret-0123456789';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const { logger } = createLogger({ level: 'debug', destination });
  return { slack: toSlackLogger(logger, 'socket-mode'), text: () => lines.join('') };
}

const envelope = JSON.stringify({
  envelope_id: 'e-1',
  type: 'interactive',
  payload: {
    type: 'view_submission',
    view: { id: 'V1', callback_id: 'ashby.connections.create_view', state: { values: { b: { a: { type: 'plain_text_input', value: TYPED } } } } },
  },
});

describe('the Slack logger', () => {
  it('cuts view state out of incoming envelopes and keeps the rest', () => {
    const out = capture();
    out.slack.debug(`Received a message on the WebSocket: ${envelope}`);
    expect(out.text()).not.toContain(TYPED);
    expect(out.text()).toContain('ashby.connections.create_view');
    expect(out.text()).toContain('[Redacted]');
  });

  it('drops an unparseable envelope that mentions state', () => {
    const out = capture();
    out.slack.debug(`Unable to parse an incoming WebSocket message (will ignore): SyntaxError, {"state": "${TYPED}"`);
    expect(out.text()).not.toContain(TYPED);
    expect(out.text()).toContain('unparsed envelope redacted');
  });

  it('leaves other lines alone', () => {
    const out = capture();
    out.slack.debug(`Going to retrieve a new WSS URL ... "state" ${TYPED}`);
    expect(out.text()).toContain(TYPED);
  });
});
