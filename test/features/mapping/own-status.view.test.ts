import { validateBlocks } from '../../../scripts/slack-emulator/block-kit';
import { renderOwnStatus } from '../../../src/features/mapping/own-status.view';
import type { Member } from '../../../src/features/members/member.types';

const member: Member = {
  id: 'm-1',
  name: 'Ada <Lovelace>',
  email: 'ada@acme.test',
  emailKey: 'ada@acme.test',
  accountType: 'standard_member',
  status: 'activated',
  groups: [],
  source: 'api',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

const text = (blocks: ReturnType<typeof renderOwnStatus>) => JSON.stringify(blocks);

describe('renderOwnStatus', () => {
  it('says who the viewer is connected as, escaping mrkdwn', () => {
    const blocks = renderOwnStatus({ member, connection: { active: true, source: 'auto' }, admins: [] });
    expect(text(blocks)).toContain('connected to Pigment as *Ada &lt;Lovelace&gt;* (ada@acme.test)');
    expect(validateBlocks(blocks, 'home')).toEqual([]);
  });

  it('says when the Slack account is deactivated', () => {
    expect(text(renderOwnStatus({ member, connection: { active: false, source: 'auto' }, admins: [] }))).toContain('deactivated: nothing is delivered');
  });

  it('names the admins to ask when not connected, at most five', () => {
    const admins = Array.from({ length: 7 }, (_, i) => ({ name: `Admin ${i}`, slackUserId: i % 2 === 0 ? `U0ADMIN00${i}` : undefined }));
    const out = text(renderOwnStatus({ admins }));
    expect(out).toContain('<@U0ADMIN000>, Admin 1, <@U0ADMIN002>, Admin 3, <@U0ADMIN004> or another of 7 admins');
    expect(out).not.toContain('Admin 5');
  });

  it('tells a member who is not connected yet how it will happen', () => {
    const out = text(renderOwnStatus({ member, admins: [{ name: 'Bea', slackUserId: 'U0BEA00001' }] }));
    expect(out).toContain('connected automatically within the hour');
    expect(out).toContain('ask <@U0BEA00001> to connect you');
  });

  it('has a fallback when there is no admin to name', () => {
    expect(text(renderOwnStatus({ admins: [] }))).toContain('ask your Pigment administrator');
  });
});
