import { validateBlocks, validateView } from '../../../scripts/slack-emulator/block-kit';
import { INVENTORY_IDS } from '../../../src/features/inventory/ids';
import { BILLING_STATUS_NOTE, refusalText, renderAboutColumnsModal, renderInventorySection } from '../../../src/features/inventory/inventory-section.view';
import type { InventorySummary } from '../../../src/features/inventory/inventory.types';

const summary = (fields: Partial<InventorySummary> = {}): InventorySummary => ({
  users: 1234,
  byStatus: { active: 1000, guest: 200, bot: 30, deactivated: 4 },
  adminsAndOwners: 7,
  mapped: 900,
  billing: { available: true, active: 950 },
  lastActivity: { available: true },
  at: new Date('2024-11-21T10:00:00Z'),
  ...fields,
});

const text = (blocks: unknown) => JSON.stringify(blocks);

describe('renderInventorySection', () => {
  it('shows counts by status, admins, mapped and billing, with the billing caveat one click away and the export button', () => {
    const blocks = renderInventorySection({ summary: summary(), counting: false });
    expect(validateBlocks(blocks, 'home')).toEqual([]);
    expect(text(blocks)).toContain('1,234 users');
    expect(text(blocks)).toContain('1,000 active · 200 guests · 30 bots · 4 deactivated');
    expect(text(blocks)).toContain('7 admins or owners · 900 mapped to a member');
    expect(text(blocks)).toContain('950 billing active, per Slack');
    // The caveat is behind "About these columns", not a paragraph in the Home.
    expect(text(blocks)).not.toContain('Fair Billing Policy');
    expect(text(renderAboutColumnsModal())).toContain('not a real-time view');
    expect(text(renderAboutColumnsModal())).toContain('Fair Billing Policy');
    expect(text(blocks)).not.toContain('Not available from Slack');
    expect(text(blocks)).toContain('_Counted <!date^1732183200^{date_short_pretty} at {time}|2024-11-21 10:00 UTC>._');
    expect(blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [
        { action_id: INVENTORY_IDS.exportCsv, text: { text: 'Export inventory (CSV)' } },
        { action_id: INVENTORY_IDS.aboutColumns, text: { text: 'About these columns' } },
      ],
    });
  });

  it('puts the whole billing caveat in a valid modal', () => {
    const modal = renderAboutColumnsModal();
    expect(validateView(modal)).toEqual([]);
    expect(modal.callback_id).toBe(INVENTORY_IDS.aboutColumnsView);
    expect(text(modal)).toContain(JSON.stringify(BILLING_STATUS_NOTE).slice(1, -1));
  });

  it('says which columns Slack refused and why, instead of figures', () => {
    const blocks = renderInventorySection({
      summary: summary({
        billing: { available: false, refusal: { method: 'team.billableInfo', error: 'not_allowed_token_type' } },
        lastActivity: { available: false, refusal: { method: 'team.accessLogs', error: 'paid_only' } },
      }),
      counting: false,
    });
    expect(validateBlocks(blocks, 'home')).toEqual([]);
    expect(text(blocks)).toContain('Not available from Slack');
    expect(text(blocks)).toContain(
      '*Last activity*: not available. Slack answered `paid_only`: `team.accessLogs` is only available to workspaces on a paid plan.',
    );
    expect(text(blocks)).toContain('*Billing status*: not available. Slack answered `not_allowed_token_type`');
    expect(text(blocks)).not.toContain('billing active, per Slack');
    expect(text(blocks)).not.toContain(JSON.stringify(BILLING_STATUS_NOTE).slice(1, -1));
    expect(text(blocks)).toContain(INVENTORY_IDS.aboutColumns);
  });

  it('dates counts from an earlier render, and says when the first count is still running', () => {
    expect(text(renderInventorySection({ summary: summary(), counting: true }))).toContain('a new count is running');
    const counting = renderInventorySection({});
    expect(validateBlocks(counting, 'home')).toEqual([]);
    expect(text(counting)).toContain('Counting the workspace’s users');
    expect(text(counting)).toContain(INVENTORY_IDS.exportCsv);
  });
});

describe('refusalText', () => {
  it('explains the scope and unknown errors', () => {
    expect(refusalText({ method: 'team.billableInfo', error: 'missing_scope', needed: 'admin' })).toBe(
      'Slack answered `missing_scope`: `team.billableInfo` needs the `admin` scope (needed: `admin`), which the token does not have.',
    );
    expect(refusalText({ method: 'team.accessLogs', error: 'team_access_not_granted' })).toBe('Slack answered `team_access_not_granted` to `team.accessLogs`.');
  });
});
