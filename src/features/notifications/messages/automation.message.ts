/**
 * Automation notifications: an automation on the platform completed, failed, or has something
 * else to say. Pure.
 */
import { composeMessage } from './compose-message';
import type { MessageOptions, MessagePresentation, NotificationForMessage, NotificationMessage } from './message.types';

const setUpBy = (actor: string) => `Set up by ${actor}`;

const PRESENTATIONS: Readonly<Record<string, MessagePresentation>> = {
  completed: { emoji: ':robot_face:', label: 'Automation completed', byline: setUpBy },
  failed: { emoji: ':warning:', label: 'Automation failed', byline: setUpBy },
};

const OTHER: MessagePresentation = { emoji: ':robot_face:', label: 'Automation', byline: setUpBy };

/** How an automation notification of `subtype` reads; other subtypes get a generic label. */
export function automationPresentation(subtype: string): MessagePresentation {
  return PRESENTATIONS[subtype] ?? OTHER;
}

export function buildAutomationMessage(n: NotificationForMessage, options: MessageOptions): NotificationMessage {
  return composeMessage(n, automationPresentation(n.subtype), options);
}
