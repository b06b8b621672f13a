/**
 * The member import from the App Home, end to end: the real connector, the Slack emulator and
 * the embedded store. A CSV uploaded through the modal's file input is fetched from Slack with
 * the bot token, previewed, and written only when the admin confirms.
 */
import { openHomeArea } from '../../../support/home-areas';
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { MEMBERS_HOME_IDS } from '../../../../src/features/members/home/ids';
import { MEMBER_IMPORT_PREVIEW_INDEXES } from '../../../../src/features/members/home/member-import-preview.repository';
import { TEMPLATE_FILE_NAME } from '../../../../src/features/members/home/member-import.view';
import { memberCsvTemplate } from '../../../../src/features/members/member-csv.parser';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { ADMIN, modalWith, press, SEED, seedMembers, settle, STANDARD, submit, textOf, wirePreviews } from './harness';
import { connectorView, storeRepos } from '../../../support/store-repos';
import { PERMISSION_REFUSED_VIEW } from '../../../../src/features/members/require-permission';

const CSV = [
  'name , EMAIL,Account type',
  'New Person,new.person@acme.test,',
  'Second New,Second@Acme.test,Workspace admin',
  'Ada Byron,ada@acme.test,Standard member',
  'Bruno,bruno@acme.test,standard_member',
  'Bad Row,not-an-email,',
].join('\n');

const fileValues = (file: Record<string, unknown>) => ({
  [MEMBERS_HOME_IDS.importFileBlock]: { [MEMBERS_HOME_IDS.importFile]: { type: 'file_input', files: [file] } },
});

describe('member import in the App Home', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: SEED }, label: 'members_import' });
    wirePreviews(t);
    await seedMembers(connectorView(t.connector));
  });
  afterEach(async () => {
    await t.stop();
  });

  const members = () => storeRepos(t.connector.store.db).members;
  const previewDocs = () => t.connector.store.db.collection(MEMBER_IMPORT_PREVIEW_INDEXES.collection).countDocuments();

  async function openUpload(userId = ADMIN) {
    await press(t, userId, MEMBERS_HOME_IDS.importOpen, { value: 'import' });
    return modalWith(t, userId, MEMBERS_HOME_IDS.importUploadView);
  }

  it('shows the member section with counts to admins only', async () => {
    // The directory is in the admin's Members area.
    await openHomeArea(t, ADMIN, 'members');
    const home = await eventually(() => t.emulator.homeViewOf(ADMIN), 5_000, 'the admin home');
    expect(validateView(home)).toEqual([]);
    expect(textOf(home)).toContain('5 members: 5 activated · 0 pending · 0 deactivated');
    expect(textOf(home)).toContain(MEMBERS_HOME_IDS.importOpen);
    expect(textOf(home)).toContain(MEMBERS_HOME_IDS.detailsOpen);

    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user: STANDARD, channel: 'D0STAND001', tab: 'home' });
    const standard = await eventually(() => t.emulator.homeViewOf(STANDARD), 5_000, 'the standard home');
    expect(textOf(standard)).not.toContain(MEMBERS_HOME_IDS.importOpen);
    expect(textOf(standard)).not.toContain('Member directory');
  });

  it('previews an uploaded CSV, then writes it once confirmed', async () => {
    await openHomeArea(t, ADMIN, 'members');
    const upload = await openUpload();
    expect(validateView(upload)).toEqual([]);
    const file = t.emulator.addFile({ name: 'members.csv', content: CSV, user: ADMIN });

    const ack = await submit(t, ADMIN, upload, fileValues(file));
    expect(ack.payload).toMatchObject({ response_action: 'update', view: { title: { text: 'Import members' } } });
    expect(textOf(ack.payload)).toContain('Reading');

    const preview = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importPreviewView);
    expect(validateView(preview)).toEqual([]);
    expect(preview.id).toBe(upload.id);
    const summary = preview.blocks[0] as { fields: Array<{ text: string }> };
    expect(summary.fields.map((f) => f.text)).toEqual(['*New*\n2', '*Updated*\n1', '*Unchanged*\n1', '*Errors*\n1']);
    expect(textOf(preview)).toContain('Line 6: “not-an-email” is not a valid email address.');
    expect(textOf(preview)).toContain('name Ada Lovelace → *Ada Byron*');
    // Fetched with the bot token; nothing written yet.
    expect(await members().findByEmailKey('new.person@acme.test')).toBeUndefined();
    expect(preview.private_metadata.length).toBeLessThan(200);

    const confirm = await submit(t, ADMIN, preview);
    expect(confirm.payload).toMatchObject({ response_action: 'update' });
    const result = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importInfoView, (view) => textOf(view).includes('Created'), 'the import result');
    expect(validateView(result)).toEqual([]);
    const fields = (result.blocks[0] as { fields: Array<{ text: string }> }).fields.map((f) => f.text);
    expect(fields).toEqual(['*Created*\n2', '*Updated*\n1', '*Unchanged*\n1', '*Skipped (errors)*\n1']);

    expect(await members().findByEmailKey('new.person@acme.test')).toMatchObject({
      name: 'New Person',
      status: 'pending',
      accountType: 'standard_member',
      source: 'csv',
    });
    expect(await members().findByEmailKey('second@acme.test')).toMatchObject({ status: 'pending', accountType: 'workspace_admin', email: 'Second@Acme.test' });
    expect(await members().findById('m-ada')).toMatchObject({ name: 'Ada Byron', status: 'activated' });
    const audit = await storeRepos(t.connector.store.db).audit.listRecent(10);
    expect(audit.find((entry) => entry.action === 'member.import')).toMatchObject({
      actor: { slackUserId: ADMIN, memberId: 'm-wanda' },
      after: { created: 2, updated: 1 },
    });
    // The preview is gone once applied; the admin's Home shows the new counts.
    expect(await previewDocs()).toBe(0);
    await eventually(() => (textOf(t.emulator.homeViewOf(ADMIN)).includes('2 pending') ? true : undefined), 5_000, 'the republished home');

    // Confirming the same preview again writes nothing twice.
    await submit(t, ADMIN, preview);
    await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importUploadView, (view) => textOf(view).includes('already imported'), 'the expired notice');
    expect(await members().countByStatus()).toEqual({ pending: 2, activated: 5, deactivated: 0 });
  });

  it('shows why an unreadable file is refused and writes nothing', async () => {
    const upload = await openUpload();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name,Email\r\nAda,ada2@acme.test\r\n', 'utf16le')]);
    const file = t.emulator.addFile({ name: 'export.csv', content: utf16, user: ADMIN });
    await submit(t, ADMIN, upload, fileValues(file));
    const refused = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importUploadView, (view) => textOf(view).includes('could not be read'), 'the file error');
    expect(validateView(refused)).toEqual([]);
    expect(textOf(refused)).toContain('UTF-16');
    expect(textOf(refused)).toContain('nothing was imported');

    const headerless = t.emulator.addFile({ name: 'no-headers.csv', content: 'Ada,ada3@acme.test\n', user: ADMIN });
    await submit(t, ADMIN, refused, fileValues(headerless));
    await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importUploadView, (view) => textOf(view).includes('no-headers.csv'), 'the second file error');

    expect(await members().countByStatus()).toEqual({ pending: 0, activated: 5, deactivated: 0 });
    expect(await previewDocs()).toBe(0);
  });

  it('asks for a file when the submission has none', async () => {
    const upload = await openUpload();
    const ack = await submit(t, ADMIN, upload, { [MEMBERS_HOME_IDS.importFileBlock]: { [MEMBERS_HOME_IDS.importFile]: { type: 'file_input', files: [] } } });
    expect(ack.payload).toEqual({ response_action: 'errors', errors: { [MEMBERS_HOME_IDS.importFileBlock]: 'Choose a CSV file to import.' } });
  });

  it('sends the template CSV to the admin’s DM with the external upload flow', async () => {
    const upload = await openUpload();
    await press(t, ADMIN, MEMBERS_HOME_IDS.importTemplate, { value: 'template', view: upload });
    const message = await eventually(() => t.emulator.messagesTo(ADMIN).find((m) => (m.files ?? []).length > 0), 5_000, 'the template in the DM');
    const file = message.files![0]!;
    expect(file.name).toBe(TEMPLATE_FILE_NAME);
    const download = await fetch(file.url_private_download, { headers: { Authorization: `Bearer ${t.emulator.botToken}` } });
    expect(await download.text()).toBe(memberCsvTemplate());
    expect(t.emulator.calls.map((c) => c.method).filter((m) => m.startsWith('files.') || m === 'conversations.open')).toEqual([
      'conversations.open',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(t.emulator.callsOf('files.completeUploadExternal')[0]!.args).toMatchObject({ channel_id: expect.stringMatching(/^D/) });
    const updated = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importUploadView, (view) => textOf(view).includes('direct messages'), 'the template notice');
    expect(validateView(updated)).toEqual([]);
  });

  it('refuses forged import payloads from a standard member, with nothing changed', async () => {
    // The Home button: a DM says no, no modal opens.
    await press(t, STANDARD, MEMBERS_HOME_IDS.importOpen, { value: 'import' });
    await eventually(() => t.emulator.messagesTo(STANDARD).find((m) => m.text.includes('You cannot manage members')), 5_000, 'the refusal DM');
    expect(t.emulator.callsOf('views.open')).toHaveLength(0);

    // A modal of the standard member's own (as if they had one), for the forged payloads.
    const forged = (await (await t.connector.deps.slack.current()).client.views.open({ trigger_id: t.emulator.issueTriggerId(STANDARD), view: uploadLike() }))
      .view!;
    const view = t.emulator.modalStackOf(STANDARD)[0]!;
    expect(view.id).toBe(forged.id);

    await press(t, STANDARD, MEMBERS_HOME_IDS.importTemplate, { value: 'template', view });
    await modalWith(t, STANDARD, PERMISSION_REFUSED_VIEW, (v) => textOf(v).includes('You cannot manage members'), 'the refusal in the modal');
    expect(t.emulator.callsOf('files.getUploadURLExternal')).toHaveLength(0);

    const file = t.emulator.addFile({ name: 'members.csv', content: CSV, user: STANDARD });
    // Submissions are checked before the ack, which carries the refusal.
    const refusedUpload = await submit(t, STANDARD, { ...view, callback_id: MEMBERS_HOME_IDS.importUploadView }, fileValues(file));
    await settle();
    expect(refusedUpload.payload).toMatchObject({ response_action: 'update', view: { callback_id: PERMISSION_REFUSED_VIEW } });
    expect(textOf((refusedUpload.payload as { view: unknown }).view)).toContain('You cannot manage members');
    expect(await previewDocs()).toBe(0);

    // A preview the admin made, confirmed by the standard member with a forged payload.
    const upload = await openUpload();
    await submit(t, ADMIN, upload, fileValues(t.emulator.addFile({ name: 'members.csv', content: CSV, user: ADMIN })));
    const preview = await modalWith(t, ADMIN, MEMBERS_HOME_IDS.importPreviewView);
    const before = await previewDocs();
    const confirm = await submit(t, STANDARD, { ...view, callback_id: MEMBERS_HOME_IDS.importPreviewView, private_metadata: preview.private_metadata });
    await settle();
    expect(confirm.payload).toMatchObject({ response_action: 'update', view: { callback_id: PERMISSION_REFUSED_VIEW } });
    expect(textOf((confirm.payload as { view: unknown }).view)).toContain('You cannot manage members');
    expect(await previewDocs()).toBe(before);
    expect(await members().countByStatus()).toEqual({ pending: 0, activated: 5, deactivated: 0 });
    expect((await storeRepos(t.connector.store.db).audit.listRecent(10)).filter((e) => e.action === 'member.import')).toEqual([]);
  });
});

function uploadLike() {
  return {
    type: 'modal' as const,
    callback_id: 'forged',
    title: { type: 'plain_text' as const, text: 'Forged' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'forged' } }],
  };
}
