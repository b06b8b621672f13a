/** `auth.test`: who a token belongs to, in which workspace. */
import type { MethodTable } from './context';

export const authMethods: MethodTable = {
  'auth.test': {
    token: 'bot',
    userToken: true,
    // A bot token answers its workspace's bot user and bot id; a user token its user, without bot_id.
    handler: ({ services: { state, isEnterpriseInstall }, caller }) => {
      const userId = caller.kind === 'user' && caller.userId !== undefined ? caller.userId : state.app.botUserId;
      return {
        url: `https://${state.team.domain}.slack.com/`,
        team: state.team.name,
        user: state.users.get(userId)?.name ?? (userId === state.app.botUserId ? state.app.botName : userId),
        team_id: state.team.id,
        user_id: userId,
        ...(caller.kind === 'user' ? {} : { bot_id: state.app.botId }),
        ...(state.team.enterprise_id ? { enterprise_id: state.team.enterprise_id } : {}),
        is_enterprise_install: isEnterpriseInstall?.() ?? false,
      };
    },
  },
};
