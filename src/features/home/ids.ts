/** Ids of the App Home feature (action_id / callback_id values), prefixed by feature. */
export const HOME_IDS = {
  openInPigment: 'home.open_in_pigment',
} as const;
