/**
 * Notification preferences: which notification types reach a member in Slack (all by
 * default). Used by the HTTP API (the platform, for any member), by the App Home (a member,
 * for themselves: `preferences.own`, checked here at the moment of the change), and by the
 * worker (`allowsSlack`). No Bolt here.
 */
import type { Clock } from '../../platform/clock';
import type { Actor } from '../members/actor.service';
import type { MemberDirectory } from '../members/member-directory';
import { isAllowed } from '../members/permissions';
import { isPreferenceType, type MemberPreferences, type OutboxNotificationType, type SlackPreferences } from './notification.types';
import type { PreferencesRepository } from './preferences.repository';

export interface PreferencesServiceDeps {
  preferences: PreferencesRepository;
  members: Pick<MemberDirectory, 'findById'>;
  clock: Clock;
}

export type PreferencesResult =
  | { ok: true; preferences: MemberPreferences }
  | { ok: false; reason: 'member_not_found' }
  /** The actor is not a member of the directory, is deactivated, or lacks `preferences.own`. */
  | { ok: false; reason: 'not_allowed' };

export class PreferencesService {
  constructor(private readonly deps: PreferencesServiceDeps) {}

  /** A member's preferences; `member_not_found` for an id the directory does not know. */
  async getForMember(memberId: string): Promise<PreferencesResult> {
    if (!(await this.deps.members.findById(memberId))) return { ok: false, reason: 'member_not_found' };
    return { ok: true, preferences: await this.deps.preferences.get(memberId) };
  }

  /** Changes the switches in `patch` (the others are kept) for a member the directory knows. */
  async setForMember(memberId: string, patch: Partial<SlackPreferences>): Promise<PreferencesResult> {
    if (!(await this.deps.members.findById(memberId))) return { ok: false, reason: 'member_not_found' };
    return { ok: true, preferences: await this.deps.preferences.set(memberId, patch, this.deps.clock.now()) };
  }

  /** The actor's own preferences (App Home). */
  async getForActor(actor: Actor): Promise<PreferencesResult> {
    if (!actor.member || !isAllowed(actor.member, 'preferences.own')) return { ok: false, reason: 'not_allowed' };
    return { ok: true, preferences: await this.deps.preferences.get(actor.member.id) };
  }

  /**
   * Changes the actor's own preferences (App Home), allowed for every active member
   * (`preferences.own`); never anybody else's.
   */
  async setForActor(actor: Actor, patch: Partial<SlackPreferences>): Promise<PreferencesResult> {
    if (!actor.member || !isAllowed(actor.member, 'preferences.own')) return { ok: false, reason: 'not_allowed' };
    return { ok: true, preferences: await this.deps.preferences.set(actor.member.id, patch, this.deps.clock.now()) };
  }

  /**
   * Whether notifications of `type` reach this member in Slack (the worker's check before
   * sending). The connector's own types (the welcome) are not a preference: always yes.
   */
  async allowsSlack(memberId: string, type: OutboxNotificationType): Promise<boolean> {
    if (!isPreferenceType(type)) return true;
    return (await this.deps.preferences.get(memberId)).slack[type];
  }
}
