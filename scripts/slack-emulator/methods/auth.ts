/** `auth.test`: who the bot token belongs to. */
import type { MethodTable } from './context';

export const authMethods: MethodTable = {
  'auth.test': {
    token: 'bot',
    handler: ({ services: { state } }) => ({
      url: `https://${state.team.domain}.slack.com/`,
      team: state.team.name,
      user: state.users.get(state.app.botUserId)?.name ?? state.app.botName,
      team_id: state.team.id,
      user_id: state.app.botUserId,
      bot_id: state.app.botId,
      ...(state.team.enterprise_id ? { enterprise_id: state.team.enterprise_id } : {}),
      is_enterprise_install: false,
    }),
  },
};
