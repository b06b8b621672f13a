/**
 * The permission middleware on its own: Bolt's listener arguments built by hand, a fake actor
 * check and a recording Slack client, so each branch (allowed, refused where, late, malformed)
 * is seen with exactly what it sends. The end-to-end proof over every registered admin id is
 * test/authorisation.int.test.ts.
 */
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Context } from '@slack/bolt';
import pino from 'pino';
import type { Actor } from '../../../src/features/members/actor.service';
import type { Member } from '../../../src/features/members/member.types';
import { refusalText, type Permission } from '../../../src/features/members/permissions';
import { ACK_BUDGET_MS, markReceived } from '../../../src/slack/ack-deadline';
import { createPermissionGate, gated, PERMISSION_REFUSED_VIEW, readInteraction } from '../../../src/features/members/require-permission';

const ADMIN: Member = {
  id: 'm-admin',
  name: 'Ada',
  email: 'ada@acme.test',
  emailKey: 'ada@acme.test',
  accountType: 'security_admin',
  status: 'activated',
  groups: [],
  source: 'api',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

type Call = { method: string; args: Record<string, unknown> };

function setUp(options: { allowed: boolean; failViewsUpdate?: boolean; authorise?: () => Promise<{ actor: Actor; allowed: boolean }> }) {
  const calls: Call[] = [];
  const events: string[] = [];
  const refreshed: string[] = [];
  const client = {
    views: {
      update: async (args: Record<string, unknown>) => {
        calls.push({ method: 'views.update', args });
        if (options.failViewsUpdate) throw new Error('not_found');
        return { ok: true };
      },
    },
    chat: { postMessage: async (args: Record<string, unknown>) => (calls.push({ method: 'chat.postMessage', args }), { ok: true }) },
  };
  const gate = createPermissionGate({
    actors: {
      authorise:
        options.authorise ??
        (async (slackUserId: string) => {
          events.push('authorise');
          return { actor: { slackUserId, ...(options.allowed ? { member: ADMIN } : {}) }, allowed: options.allowed };
        }),
    },
    logger: pino({ level: 'silent' }),
    refreshHome: async (_client, userId) => {
      refreshed.push(userId);
    },
    budgetMs: 50,
  });
  const acks: unknown[] = [];
  const context: Context = { isEnterpriseInstall: false };
  let nextCalls = 0;
  async function run(permission: Permission, body: Record<string, unknown>): Promise<void> {
    const args = {
      body,
      context,
      client,
      logger: pino({ level: 'silent' }),
      ack: async (response?: unknown) => {
        events.push('ack');
        acks.push(response);
      },
      next: async () => {
        nextCalls += 1;
      },
    } as unknown as AnyMiddlewareArgs & AllMiddlewareArgs;
    await gate(permission)(args);
  }
  return { run, calls, events, acks, refreshed, context, nextCalls: () => nextCalls };
}

const blockAction = (view?: Record<string, unknown>) => ({
  type: 'block_actions',
  user: { id: 'U0ADA' },
  trigger_id: 'T1',
  actions: [{ action_id: 'mapping.manual.remove.0', value: 'm-bea' }],
  ...(view ? { view } : {}),
});
const submission = {
  type: 'view_submission',
  user: { id: 'U0ADA' },
  view: { id: 'V1', type: 'modal', callback_id: 'x', private_metadata: '{"a":1}', state: { values: { b: {} } } },
};

describe('requirePermission', () => {
  it('acks a block action before checking, then passes the actor and the interaction on', async () => {
    const s = setUp({ allowed: true });
    await s.run('mapping.manage', blockAction({ id: 'V1', type: 'modal', private_metadata: 'meta' }));
    expect(s.events).toEqual(['ack', 'authorise']);
    expect(s.acks).toEqual([undefined]);
    expect(s.nextCalls()).toBe(1);
    expect(gated(s.context)).toEqual({
      actor: { slackUserId: 'U0ADA', member: ADMIN },
      interaction: {
        type: 'block_actions',
        userId: 'U0ADA',
        triggerId: 'T1',
        view: { id: 'V1', type: 'modal', privateMetadata: 'meta', values: undefined },
        action: { actionId: 'mapping.manual.remove.0', value: 'm-bea' },
      },
    });
    expect(s.calls).toEqual([]);
  });

  it('refuses a click in a modal by turning the modal into the refusal, and goes no further', async () => {
    const s = setUp({ allowed: false });
    await s.run('mapping.manage', blockAction({ id: 'V1', type: 'modal' }));
    expect(s.nextCalls()).toBe(0);
    expect(s.calls).toEqual([{ method: 'views.update', args: { view_id: 'V1', view: expect.objectContaining({ callback_id: PERMISSION_REFUSED_VIEW }) } }]);
    expect(JSON.stringify(s.calls[0]!.args)).toContain('You cannot manage connections');
    expect(() => gated(s.context)).toThrow('requirePermission');
  });

  it('falls back to a DM when the modal cannot be updated (closed, or forged)', async () => {
    const s = setUp({ allowed: false, failViewsUpdate: true });
    await s.run('members.manage', blockAction({ id: 'V1', type: 'modal' }));
    expect(s.calls.map((c) => c.method)).toEqual(['views.update', 'chat.postMessage']);
    expect(s.calls[1]!.args).toMatchObject({ channel: 'U0ADA', text: refusalText('members.manage') });
    expect(s.nextCalls()).toBe(0);
  });

  it('refuses a Home click by DM and publishes the Home again', async () => {
    const s = setUp({ allowed: false });
    await s.run('provisioning.manage', blockAction({ id: 'VHOME', type: 'home' }));
    expect(s.calls).toEqual([{ method: 'chat.postMessage', args: expect.objectContaining({ channel: 'U0ADA', text: refusalText('provisioning.manage') }) }]);
    expect(s.refreshed).toEqual(['U0ADA']);
  });

  it('checks a submission before its ack and refuses it in the ack', async () => {
    const s = setUp({ allowed: false });
    await s.run('ashby.manage', submission);
    expect(s.events).toEqual(['authorise', 'ack']);
    expect(s.acks).toEqual([{ response_action: 'update', view: expect.objectContaining({ callback_id: PERMISSION_REFUSED_VIEW }) }]);
    expect(s.nextCalls()).toBe(0);
  });

  it('leaves an allowed submission’s ack to the listener', async () => {
    const s = setUp({ allowed: true });
    await s.run('ashby.manage', submission);
    expect(s.acks).toEqual([]);
    expect(s.nextCalls()).toBe(1);
    expect(gated(s.context).interaction.view).toEqual({ id: 'V1', type: 'modal', privateMetadata: '{"a":1}', values: { b: {} } });
  });

  it('refuses a submission whose check does not finish within the budget, rather than act unchecked', async () => {
    const s = setUp({ allowed: true, authorise: () => new Promise(() => undefined) });
    await s.run('members.manage', submission);
    expect(s.acks).toEqual([{ response_action: 'update', view: expect.objectContaining({ callback_id: PERMISSION_REFUSED_VIEW }) }]);
    expect(JSON.stringify(s.acks)).toContain('could not be checked in time');
    expect(s.nextCalls()).toBe(0);
  });

  it("counts the check's budget from the payload's arrival: a payload that waited has less time", async () => {
    // A check taking 30 ms fits the 50 ms budget, unless the payload arrived 1,990 ms ago:
    // then only 10 ms of Slack's deadline (ACK_BUDGET_MS) are left, and it is refused as late.
    const slowCheck = async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { actor: { slackUserId: 'U0ADMIN001', member: ADMIN }, allowed: true };
    };
    const fresh = setUp({ allowed: true, authorise: slowCheck });
    markReceived(fresh.context);
    await fresh.run('members.manage', submission);
    expect(fresh.nextCalls()).toBe(1);
    const waited = setUp({ allowed: true, authorise: slowCheck });
    markReceived(waited.context, Date.now() - (ACK_BUDGET_MS - 10));
    await waited.run('members.manage', submission);
    expect(waited.nextCalls()).toBe(0);
    expect(JSON.stringify(waited.acks)).toContain('could not be checked in time');
  });

  it('answers a refused typeahead with no options', async () => {
    const s = setUp({ allowed: false });
    await s.run('provisioning.manage', { type: 'block_suggestion', user: { id: 'U0ADA' }, value: 'eng' });
    expect(s.acks).toEqual([{ options: [] }]);
    expect(s.nextCalls()).toBe(0);
  });

  it('acks and drops a payload without a user or an action, checking nothing', async () => {
    const s = setUp({ allowed: true });
    await s.run('mapping.manage', { type: 'block_actions', user: { id: 'U0ADA' }, actions: [] });
    await s.run('mapping.manage', { type: 'view_submission', view: { id: 'V1' } });
    expect(s.events).toEqual(['ack', 'ack']);
    expect(s.nextCalls()).toBe(0);
  });

  it('reads a select’s chosen option as the action’s value and a typeahead’s text as the query', () => {
    expect(
      readInteraction({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'a', selected_option: { value: 'created' } }] })?.action,
    ).toEqual({ actionId: 'a', value: 'created' });
    expect(readInteraction({ type: 'block_suggestion', user: { id: 'U1' }, value: 'eng' })?.query).toBe('eng');
  });
});
