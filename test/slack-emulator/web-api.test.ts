/**
 * The emulator's Web API through the real @slack/web-api WebClient: auth, users, user groups,
 * conversations, messages with metadata, team methods, request encodings and the call log.
 */
import type { SlackMessage } from '../../scripts/slack-emulator';
import { botClient, clientFor, emulatorHarness, MEMBER, OTHER_MEMBER, rawPost, rejectionOf, slackErrorOf } from './emulator-fixture';

const harness = emulatorHarness();

describe('auth', () => {
  it('answers not_authed without a token and invalid_auth with an unknown one', async () => {
    const emulator = await harness.start();
    expect(await slackErrorOf(clientFor(emulator, undefined).auth.test())).toBe('not_authed');
    expect(await slackErrorOf(clientFor(emulator, 'xoxb-not-ours').auth.test())).toBe('invalid_auth');
  });

  it('refuses the app token on bot methods and the bot token on apps.connections.open', async () => {
    const emulator = await harness.start();
    const app = clientFor(emulator, emulator.appToken);
    expect(await slackErrorOf(app.users.list({}))).toBe('not_allowed_token_type');
    expect(await slackErrorOf(botClient(emulator).apps.connections.open())).toBe('not_allowed_token_type');
    const opened = await app.apps.connections.open();
    expect(opened.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${emulator.port}/link/`));
  });

  it('describes the bot with auth.test', async () => {
    const emulator = await harness.start();
    const result = await botClient(emulator).auth.test();
    expect(result).toMatchObject({
      ok: true,
      url: 'https://test-ws.slack.com/',
      team: 'Test Workspace',
      team_id: 'T0TEST0001',
      user_id: emulator.state.app.botUserId,
      bot_id: emulator.state.app.botId,
    });
  });

  it('answers token_revoked after revokeTokens and account_inactive for an inactive workspace', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    emulator.revokeTokens();
    expect(await slackErrorOf(bot.auth.test())).toBe('token_revoked');
    expect(await slackErrorOf(clientFor(emulator, emulator.appToken).apps.connections.open())).toBe('token_revoked');
    emulator.revokeTokens({ app: false, error: 'invalid_auth' });
    expect(await slackErrorOf(bot.auth.test())).toBe('invalid_auth');
    emulator.restoreTokens();
    emulator.setAccountInactive(true);
    expect(await slackErrorOf(bot.auth.test())).toBe('account_inactive');
    emulator.setAccountInactive(false);
    expect((await bot.auth.test()).ok).toBe(true);
  });

  it('answers unknown_method for a method it does not know', async () => {
    const emulator = await harness.start();
    expect(await slackErrorOf(botClient(emulator).apiCall('chat.fly'))).toBe('unknown_method');
  });
});

describe('users', () => {
  it('pages users.list with cursors, deleted users and bots included', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await bot.users.list({ limit: 3, cursor });
      pages.push((page.members ?? []).map((member) => member.id as string));
      cursor = page.response_metadata?.next_cursor;
    } while (cursor);
    // 7 seeded users and the app's own bot user.
    expect(pages.map((ids) => ids.length)).toEqual([3, 3, 2]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(8);
    expect(ids).toEqual(expect.arrayContaining(['U0DELETED1', 'U0OTHERBOT', emulator.state.app.botUserId]));
  });

  it('ends users.list with an empty next_cursor and rejects a forged cursor', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const all = await bot.users.list({});
    expect(all.members).toHaveLength(8);
    expect(all.response_metadata?.next_cursor).toBe('');
    expect(await slackErrorOf(bot.users.list({ cursor: 'bm9wZQ==' }))).toBe('invalid_cursor');
  });

  it('fills Slack defaults for partial seed users', async () => {
    const emulator = await harness.start();
    const { user } = await botClient(emulator).users.info({ user: 'U0GUEST001' });
    expect(user).toMatchObject({ id: 'U0GUEST001', team_id: 'T0TEST0001', deleted: false, is_bot: false, is_restricted: true, is_ultra_restricted: true });
    expect(user?.profile?.email).toBe('farid@partner.example.org');
    expect(await slackErrorOf(botClient(emulator).users.info({ user: 'U0NOBODY01' }))).toBe('user_not_found');
  });

  it('looks users up by email, case-insensitively, never finding deleted users', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    expect((await bot.users.lookupByEmail({ email: 'chloe@example.com' })).user?.id).toBe(MEMBER);
    expect(await slackErrorOf(bot.users.lookupByEmail({ email: 'gina@example.com' }))).toBe('users_not_found');
    expect(await slackErrorOf(bot.users.lookupByEmail({ email: 'nobody@example.com' }))).toBe('users_not_found');
  });

  it('sees users added and changed at runtime', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    emulator.addUser({ id: 'U0NEWHIRE1', name: 'hugo', profile: { email: 'hugo@example.com' } });
    expect((await bot.users.lookupByEmail({ email: 'hugo@example.com' })).user?.id).toBe('U0NEWHIRE1');
    emulator.updateUser('U0NEWHIRE1', { deleted: true });
    expect(await slackErrorOf(bot.users.lookupByEmail({ email: 'hugo@example.com' }))).toBe('users_not_found');
  });
});

describe('user groups', () => {
  it('lists groups with users and counts, disabled ones only on request', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const plain = await bot.usergroups.list({});
    expect(plain.usergroups?.map((group) => group.id)).toEqual(['S0FINANCE1']);
    expect(plain.usergroups?.[0]?.users).toBeUndefined();
    const full = await bot.usergroups.list({ include_users: true, include_count: true, include_disabled: true });
    expect(full.usergroups?.map((group) => [group.id, group.users, group.user_count])).toEqual([
      ['S0FINANCE1', ['U0ADMIN001', MEMBER], 2],
      ['S0OLDGROUP', [OTHER_MEMBER], 1],
    ]);
  });

  it('lists a group members and answers no_such_subteam for an unknown group', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    expect((await bot.usergroups.users.list({ usergroup: 'S0FINANCE1' })).users).toEqual(['U0ADMIN001', MEMBER]);
    expect(await slackErrorOf(bot.usergroups.users.list({ usergroup: 'S0UNKNOWN1' }))).toBe('no_such_subteam');
  });
});

describe('conversations.open', () => {
  it('gives the same DM channel for a user every time', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const first = await bot.conversations.open({ users: MEMBER });
    const second = await bot.conversations.open({ users: MEMBER });
    const other = await bot.conversations.open({ users: OTHER_MEMBER });
    expect(first.channel?.id).toMatch(/^D/);
    expect(second.channel?.id).toBe(first.channel?.id);
    expect(second.already_open).toBe(true);
    expect(other.channel?.id).not.toBe(first.channel?.id);
  });

  it('refuses bots, deactivated and unknown users with the errors Slack documents for conversations.open', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    // Another app's bot user is not one the app may DM; its own user is the caller, whom Slack adds itself (so no one is left).
    expect(await slackErrorOf(bot.conversations.open({ users: 'U0OTHERBOT' }))).toBe('user_not_visible');
    expect(await slackErrorOf(bot.conversations.open({ users: emulator.state.app.botUserId }))).toBe('not_enough_users');
    expect(await slackErrorOf(bot.conversations.open({ users: 'U0DELETED1' }))).toBe('user_disabled');
    expect(await slackErrorOf(bot.conversations.open({ users: 'U0NOBODY01' }))).toBe('user_not_found');
  });
});

describe('chat.postMessage and conversations.history', () => {
  const metadata = { event_type: 'pigment_notification', event_payload: { notification_id: 'n-1' } };

  it('stores metadata and returns it from history only with include_all_metadata', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const channel = (await bot.conversations.open({ users: MEMBER })).channel?.id as string;
    const posted = await bot.chat.postMessage({ channel, text: 'You were mentioned', metadata });
    expect(posted.channel).toBe(channel);
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({ text: 'You were mentioned', bot_id: emulator.state.app.botId });

    const without = await bot.conversations.history({ channel });
    expect(without.messages?.[0]?.ts).toBe(posted.ts);
    expect(without.messages?.[0]).not.toHaveProperty('metadata');
    const withMetadata = await bot.conversations.history({ channel, include_all_metadata: true });
    expect(withMetadata.messages?.[0]?.metadata).toEqual(metadata);
    expect(emulator.messagesTo(MEMBER)[0]?.metadata).toEqual(metadata);
  });

  it('posts to a user id through the DM and pages history newest first', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const timestamps: string[] = [];
    for (const text of ['one', 'two', 'three']) timestamps.push((await bot.chat.postMessage({ channel: MEMBER, text })).ts as string);
    expect(new Set(timestamps).size).toBe(3);
    expect([...timestamps].sort()).toEqual(timestamps);

    const channel = emulator.state.dmChannelOf(MEMBER) as string;
    const first = await bot.conversations.history({ channel, limit: 2 });
    expect(first.messages?.map((message) => message.text)).toEqual(['three', 'two']);
    expect(first.has_more).toBe(true);
    const second = await bot.conversations.history({ channel, limit: 2, cursor: first.response_metadata?.next_cursor });
    expect(second.messages?.map((message) => message.text)).toEqual(['one']);
    expect(second.has_more).toBe(false);
    const bounded = await bot.conversations.history({ channel, oldest: timestamps[0], latest: timestamps[2], inclusive: true });
    expect(bounded.messages).toHaveLength(3);
    const exclusive = await bot.conversations.history({ channel, oldest: timestamps[0], latest: timestamps[2] });
    expect(exclusive.messages?.map((message) => message.text)).toEqual(['two']);
  });

  it('answers Slack errors for bad messages', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    expect(await slackErrorOf(bot.chat.postMessage({ channel: 'C0NOWHERE1', text: 'hi' }))).toBe('channel_not_found');
    expect(await slackErrorOf(bot.apiCall('chat.postMessage', { text: 'hi' }))).toBe('channel_not_found');
    expect(await slackErrorOf(bot.apiCall('chat.postMessage', { channel: MEMBER }))).toBe('no_text');
    expect(await slackErrorOf(bot.chat.postMessage({ channel: MEMBER, text: 'x'.repeat(40_001) }))).toBe('msg_too_long');
    expect(await slackErrorOf(bot.apiCall('chat.postMessage', { channel: MEMBER, text: 'hi', metadata: { event_type: 'x' } }))).toBe('invalid_metadata_format');
    expect(await slackErrorOf(bot.apiCall('chat.postMessage', { channel: MEMBER, text: 'hi', metadata: '{not json' }))).toBe('invalid_metadata_format');
    expect(await slackErrorOf(bot.conversations.history({ channel: 'D0NOWHERE1' }))).toBe('channel_not_found');
    expect(emulator.messagesTo(MEMBER)).toEqual([]);
  });

  it('posts a message whose metadata event_type breaks Slack’s rule without the metadata, with the invalid_metadata_schema warning', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    for (const eventType of ['pigment notification', 'pigment.notification', 'notificación']) {
      const posted = await bot.chat.postMessage({ channel: MEMBER, text: eventType, metadata: { event_type: eventType, event_payload: { n: 1 } } });
      expect(posted).toMatchObject({ ok: true, warning: 'invalid_metadata_schema', response_metadata: { warnings: ['invalid_metadata_schema'] } });
    }
    const valid = await bot.chat.postMessage({ channel: MEMBER, text: 'valid', metadata: { event_type: 'Pigment-notification_2', event_payload: {} } });
    expect(valid).not.toHaveProperty('warning');
    expect(emulator.messagesTo(MEMBER).map((message) => [message.text, message.metadata?.event_type])).toEqual([
      ['pigment notification', undefined],
      ['pigment.notification', undefined],
      ['notificación', undefined],
      ['valid', 'Pigment-notification_2'],
    ]);
  });

  it('refuses invalid blocks with the problems in response_metadata.messages', async () => {
    const emulator = await harness.start();
    const error = await rejectionOf(
      botClient(emulator).chat.postMessage({
        channel: MEMBER,
        text: 'fallback',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
      }),
    );
    const data = error.data;
    expect(data?.error).toBe('invalid_blocks');
    expect(data?.response_metadata?.messages).toEqual([expect.stringMatching(/^\[ERROR\] .*3001.*\[json-pointer:\/blocks\/0\/text\/text\]$/)]);
  });

  it('refuses blocks holding more than 11,000 characters altogether with msg_blocks_too_long, in chat.postMessage and chat.update', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    // Four valid sections of 2,750: 11,000 in all is taken, one character more is not.
    const sections = (extra: number) =>
      [2_750, 2_750, 2_750, 2_750 + extra].map((n, i) => ({ type: 'section', text: { type: 'mrkdwn', text: String(i).repeat(n) } }));
    const posted = await bot.chat.postMessage({ channel: MEMBER, text: 'fallback', blocks: sections(0) });
    expect(posted.ok).toBe(true);
    expect(await slackErrorOf(bot.chat.postMessage({ channel: MEMBER, text: 'fallback', blocks: sections(1) }))).toBe('msg_blocks_too_long');
    // A button's url counts too (the stricter reading of Slack's undocumented total).
    const withButton = [
      ...sections(0).slice(0, 3),
      { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(2_000) } },
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, url: `https://x.test/${'p'.repeat(735)}` }] },
    ];
    expect(await slackErrorOf(bot.chat.postMessage({ channel: MEMBER, text: 'fallback', blocks: withButton }))).toBe('msg_blocks_too_long');
    const channel = posted.channel as string;
    expect(await slackErrorOf(bot.chat.update({ channel, ts: posted.ts as string, text: 'fallback', blocks: sections(1) }))).toBe('msg_blocks_too_long');
    expect(emulator.messagesTo(MEMBER)).toHaveLength(1);
    expect(emulator.messagesTo(MEMBER)[0]?.edited).toBeUndefined();
  });

  it('updates its own messages only', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const posted = await bot.chat.postMessage({ channel: MEMBER, text: 'before', metadata });
    const channel = posted.channel as string;
    const updated = await bot.chat.update({ channel, ts: posted.ts as string, text: 'after' });
    expect(updated.message?.text).toBe('after');
    expect(emulator.messagesTo(MEMBER)[0]).toMatchObject({ text: 'after', metadata, edited: { user: emulator.state.app.botUserId } });
    expect(await slackErrorOf(bot.chat.update({ channel, ts: '1.000001', text: 'x' }))).toBe('message_not_found');

    const fromMember: SlackMessage = { type: 'message', ts: emulator.state.nextTs(), text: 'hello bot', user: MEMBER };
    emulator.state.appendMessage(channel, fromMember);
    expect(await slackErrorOf(bot.chat.update({ channel, ts: fromMember.ts, text: 'x' }))).toBe('cant_update_message');
  });
});

describe('team', () => {
  it('answers team.info', async () => {
    // The app no longer requests team:read (nothing calls team.info), so the test grants it.
    const emulator = await harness.start({ scopes: { bot: ['team:read'] } });
    expect((await botClient(emulator).team.info()).team).toMatchObject({ id: 'T0TEST0001', name: 'Test Workspace', domain: 'test-ws' });
  });

  // On Slack only an admin's user token can hold `admin`; a bot token never does (see scopes.test.ts).
  const ADMIN_GRANTED = { scopes: { bot: ['admin'] } };

  it('reports billing_active per user', async () => {
    const emulator = await harness.start(ADMIN_GRANTED);
    const { billable_info: info } = await botClient(emulator).team.billableInfo({});
    expect(info?.[MEMBER]).toEqual({ billing_active: true });
    expect(info?.U0DELETED1).toEqual({ billing_active: false });
    expect(info?.U0GUEST001).toEqual({ billing_active: false });
    expect(info).not.toHaveProperty('U0OTHERBOT');
  });

  it('pages access logs, newest sign-in first', async () => {
    const emulator = await harness.start(ADMIN_GRANTED);
    const bot = botClient(emulator);
    emulator.recordLogin('U0MEMBER02');
    const first = await bot.team.accessLogs({ count: 2, page: 1 });
    expect(first.logins?.[0]).toMatchObject({ user_id: OTHER_MEMBER, count: expect.any(Number) });
    expect(first.logins?.[0]?.date_last).toBeGreaterThanOrEqual(first.logins?.[1]?.date_last ?? Infinity);
    // Five active people: the deleted user and the bots have no sign-ins.
    expect(first.paging).toEqual({ count: 2, total: 5, page: 1, pages: 3 });
    const last = await bot.team.accessLogs({ count: 2, page: 3 });
    expect(last.logins).toHaveLength(1);
    expect(await slackErrorOf(bot.team.accessLogs({ count: 1001 }))).toBe('over_pagination_limit');
  });
});

describe('requests', () => {
  it('accepts JSON bodies with the token in the header, and query-string GETs', async () => {
    const emulator = await harness.start();
    const json = await rawPost(`${emulator.apiUrl}users.info`, JSON.stringify({ user: MEMBER }), {
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer ${emulator.botToken}`,
    });
    expect(json).toMatchObject({ status: 200, json: { ok: true, user: { id: MEMBER } } });
    const get = await fetch(`${emulator.apiUrl}users.info?user=${MEMBER}&token=${emulator.botToken}`);
    expect(await get.json()).toMatchObject({ ok: true, user: { id: MEMBER } });
  });

  it('answers invalid_json for a malformed JSON body and keeps serving', async () => {
    const emulator = await harness.start();
    const broken = await rawPost(`${emulator.apiUrl}chat.postMessage`, '{"channel": ', {
      'content-type': 'application/json',
      authorization: `Bearer ${emulator.botToken}`,
    });
    expect(broken).toMatchObject({ status: 200, json: { ok: false, error: 'invalid_json' } });
    expect((await botClient(emulator).auth.test()).ok).toBe(true);
  });

  it('answers malformed arguments of every method with a Slack error, never a crash', async () => {
    const emulator = await harness.start();
    const garbage = {
      channel: '{',
      users: ',,',
      user: '[]',
      limit: 'ten',
      cursor: '%%%',
      blocks: '{"not":"an array"}',
      view: '[1]',
      files: 'x',
      metadata: '[]',
      ts: 'yesterday',
      oldest: 'dawn',
      trigger_id: {},
      length: '-1',
    };
    const methods = [
      'users.list',
      'users.info',
      'conversations.open',
      'conversations.history',
      'chat.postMessage',
      'chat.update',
      'views.open',
      'views.publish',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
      'team.accessLogs',
    ];
    for (const method of methods) {
      const { status, json } = await rawPost(`${emulator.apiUrl}${method}`, JSON.stringify(garbage), {
        'content-type': 'application/json',
        authorization: `Bearer ${emulator.botToken}`,
      });
      expect({ method, status, ok: json.ok, error: typeof json.error }).toEqual({ method, status: 200, ok: false, error: 'string' });
    }
    const badPath = await fetch(`${emulator.apiUrl}%E0%A4%A`, { method: 'POST', headers: { authorization: `Bearer ${emulator.botToken}` } });
    expect(await badPath.json()).toMatchObject({ ok: false, error: 'unknown_method' });
    expect((await botClient(emulator).auth.test()).ok).toBe(true);
  });

  it('records every call with parsed args, token kind, status and response', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Hello*' } }];
    await bot.chat.postMessage({ channel: MEMBER, text: 'Hello', blocks });
    await slackErrorOf(clientFor(emulator, emulator.appToken).auth.test());
    expect(emulator.calls).toEqual([
      expect.objectContaining({ method: 'chat.postMessage', tokenKind: 'bot', status: 200, args: expect.objectContaining({ channel: MEMBER, blocks }) }),
      expect.objectContaining({ method: 'auth.test', tokenKind: 'app', status: 200, response: { ok: false, error: 'not_allowed_token_type' } }),
    ]);
    expect(emulator.calls[0]?.args).not.toHaveProperty('token');
    expect(emulator.callsOf('chat.postMessage')[0]?.response).toMatchObject({ ok: true, channel: emulator.state.dmChannelOf(MEMBER) });
  });

  it('exposes state and calls on the control routes', async () => {
    const emulator = await harness.start();
    await botClient(emulator).chat.postMessage({ channel: MEMBER, text: 'hi' });
    const state = (await (await fetch(`${emulator.baseUrl}/_emulator/state`)).json()) as { team: { id: string }; messages: Record<string, unknown[]> };
    expect(state.team.id).toBe('T0TEST0001');
    expect(Object.values(state.messages).flat()).toHaveLength(1);
    const calls = (await (await fetch(`${emulator.baseUrl}/_emulator/calls?method=chat.postMessage`)).json()) as { calls: unknown[] };
    expect(calls.calls).toHaveLength(1);
  });
});
