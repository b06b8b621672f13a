/**
 * The external upload flow end to end with the real WebClient (`files.uploadV2`:
 * getUploadURLExternal, the upload POST, completeUploadExternal), and downloads of
 * `url_private_download`, which need the bot token.
 */
import { botClient, emulatorHarness, MEMBER, slackErrorOf } from './emulator-fixture';

const harness = emulatorHarness();

const CSV = 'email,name\nchloe@example.com,Chloé\n';

describe('file uploads', () => {
  it('uploads a file and shares it in a DM with its initial comment', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const channel = (await bot.conversations.open({ users: MEMBER })).channel?.id as string;
    const result = await bot.filesUploadV2({
      channel_id: channel,
      filename: 'report.csv',
      title: 'Import report',
      content: CSV,
      initial_comment: 'Your import report',
    });
    expect(result.ok).toBe(true);

    const [stored] = [...emulator.state.files.values()];
    expect(stored?.bytes?.toString('utf8')).toBe(CSV);
    expect(stored?.file).toMatchObject({ name: 'report.csv', title: 'Import report', mimetype: 'text/csv', size: Buffer.byteLength(CSV), channels: [channel] });
    const [message] = emulator.messagesTo(MEMBER);
    expect(message).toMatchObject({ text: 'Your import report', upload: true, files: [expect.objectContaining({ id: stored?.file.id })] });
    expect(emulator.callsOf('files.getUploadURLExternal')[0]?.args).toMatchObject({ filename: 'report.csv', length: String(Buffer.byteLength(CSV)) });
  });

  it('refuses to complete an unknown or never uploaded file', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    expect(await slackErrorOf(bot.files.completeUploadExternal({ files: [{ id: 'F0NOWHERE1' }] }))).toBe('file_not_found');
    const pending = await bot.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    expect(pending.upload_url).toBe(`${emulator.baseUrl}/upload/v1/${pending.file_id}`);
    expect(await slackErrorOf(bot.files.completeUploadExternal({ files: [{ id: pending.file_id as string }] }))).toBe('file_not_found');
    expect(await slackErrorOf(bot.files.getUploadURLExternal({ filename: 'a.txt', length: 0 }))).toBe('invalid_arguments');
  });

  it('accepts a raw upload body and completes without sharing', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    const pending = await bot.files.getUploadURLExternal({ filename: 'notes.txt', length: 5 });
    const upload = await fetch(pending.upload_url as string, { method: 'POST', body: 'hello' });
    expect(upload.status).toBe(200);
    expect(await upload.text()).toBe('OK - 5');
    const completed = await bot.files.completeUploadExternal({ files: [{ id: pending.file_id as string, title: 'Notes' }] });
    expect(completed.files?.[0]).toMatchObject({ id: pending.file_id, title: 'Notes', channels: [] });
  });
});

describe('file downloads', () => {
  it('serves url_private_download with the bot token and a sign-in page without it', async () => {
    const emulator = await harness.start();
    const file = emulator.addFile({ name: 'candidates.csv', content: CSV, user: MEMBER });
    const withToken = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${emulator.botToken}` } });
    expect(withToken.headers.get('content-type')).toBe('text/csv');
    expect(await withToken.text()).toBe(CSV);
    // Slack answers 200 with an HTML sign-in page, not an error, when the header is missing.
    const withoutToken = await fetch(file.url_private_download);
    expect(withoutToken.status).toBe(200);
    expect(withoutToken.headers.get('content-type')).toContain('text/html');
  });
});
