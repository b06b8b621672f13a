/**
 * Registers every feature's Slack listeners. The composition root calls it once; the
 * manifest test calls it on a real Bolt app to list what the code listens to.
 */
import type { App } from '@slack/bolt';
import * as home from './home';

export interface FeatureDeps {
  home: home.HomeDeps;
}

export function registerFeatures(app: App, deps: FeatureDeps): void {
  home.register(app, deps.home);
}
