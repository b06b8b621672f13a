/**
 * The member import modal: open it, send the template to the admin's DM, read the submitted
 * file (fetched from Slack with the bot token), show the preview, and apply it once confirmed.
 * Authorised on the server at each step; slow work happens after the 3-second ack.
 */
import type { App } from '@slack/bolt';
import { publishHome } from '../../home';
import { memberCsvTemplate, MEMBER_CSV_DEFAULT_MAX_BYTES } from '../member-csv.parser';
import { userText } from './block-text';
import { MEMBERS_HOME_IDS } from './ids';
import { gated, renderRefusal } from '../require-permission';
import { managerAction, modalOf, withFailureView, type MembersHomeContext } from './listener-support';
import {
  decodePreviewMetadata,
  renderImportingView,
  renderPreviewView,
  renderReadingView,
  renderResultView,
  renderUploadView,
  submittedFile,
  TEMPLATE_FILE_NAME,
} from './member-import.view';
import { downloadSlackFile, uploadFileToDm } from './slack-files.client';

const TITLE = 'Import members';

export function registerImportListeners(app: App, ctx: MembersHomeContext): void {
  const { deps } = ctx;
  const manage = deps.requirePermission('members.manage');

  app.action(MEMBERS_HOME_IDS.importOpen, manage, async ({ context, client }) => {
    const { action } = managerAction(context);
    await client.views.open({ trigger_id: action.triggerId, view: renderUploadView() });
  });

  app.action(MEMBERS_HOME_IDS.importTemplate, manage, async ({ context, client }) => {
    const { action } = managerAction(context);
    const view = modalOf(action);
    await uploadFileToDm(client, {
      userId: action.userId,
      filename: TEMPLATE_FILE_NAME,
      title: 'Pigment member import template',
      content: Buffer.from(memberCsvTemplate(), 'utf8'),
      initialComment:
        'Here is the member import template: fill in one member per row (Name, Email, Account Type), save it as CSV UTF-8 and upload it in the Import members window.',
    });
    await client.views.update({
      view_id: view.id,
      view: renderUploadView({ notice: { kind: 'info', text: `The template, *${TEMPLATE_FILE_NAME}*, is in your direct messages with Pigment.` } }),
    });
  });

  app.view(MEMBERS_HOME_IDS.importUploadView, manage, async ({ ack, context, view, client }) => {
    const { actor } = gated(context);
    const file = submittedFile(view.state.values);
    if (!file) {
      await ack({ response_action: 'errors', errors: { [MEMBERS_HOME_IDS.importFileBlock]: 'Choose a CSV file to import.' } });
      return;
    }
    // Downloading and comparing a large file takes longer than Slack waits for the ack.
    await ack({ response_action: 'update', view: renderReadingView(file.name) });
    const userId = actor.slackUserId;
    await withFailureView(client, view.id, TITLE, async () => {
      const fileError = (message: string) =>
        client.views.update({
          view_id: view.id,
          view: renderUploadView({
            notice: { kind: 'error', text: `*${userText(file.name, 200)}* could not be read, so nothing was imported. ${userText(message, 1500)}` },
          }),
        });

      const download = await downloadSlackFile(file.url, {
        botToken: String(context.botToken),
        apiUrl: deps.config.slack.apiUrl,
        maxBytes: MEMBER_CSV_DEFAULT_MAX_BYTES,
      });
      if (!download.ok) {
        ctx.logger.info({ userId, reason: download.reason }, 'import file refused');
        await fileError(download.message);
        return;
      }
      const result = await ctx.services.imports.preview(download.bytes, actor);
      if (!result.ok) {
        ctx.logger.info({ userId, reason: result.error.reason }, 'import file refused');
        await fileError(result.error.message);
        return;
      }
      const previewId = await ctx.previews().save({ preview: result.preview, slackUserId: userId, fileName: file.name }, deps.clock.now());
      await client.views.update({ view_id: view.id, view: renderPreviewView({ previewId, fileName: file.name, preview: result.preview }) });
    });
  });

  app.view(MEMBERS_HOME_IDS.importPreviewView, manage, async ({ ack, context, view, client }) => {
    const { actor } = gated(context);
    const metadata = decodePreviewMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'update',
        view: renderUploadView({ notice: { kind: 'error', text: 'This preview cannot be read any more. Choose the file again.' } }),
      });
      return;
    }
    await ack({ response_action: 'update', view: renderImportingView() });
    const userId = actor.slackUserId;
    await withFailureView(client, view.id, TITLE, async () => {
      const stored = await ctx.previews().claim(metadata.previewId, userId, deps.clock.now());
      if (!stored) {
        await client.views.update({
          view_id: view.id,
          view: renderUploadView({
            notice: { kind: 'error', text: 'This preview expired or was already imported, so nothing was written. Choose the file again.' },
          }),
        });
        return;
      }
      const result = await ctx.services.imports.apply(stored.preview, actor);
      if (!result.ok) {
        await client.views.update({ view_id: view.id, view: renderRefusal('members.manage') });
        return;
      }
      await client.views.update({ view_id: view.id, view: renderResultView({ fileName: stored.fileName, counts: result.counts, failures: result.failures }) });
      await publishHome(client, deps.home, userId);
    });
  });
}
