/** Ids of the workspace feature. */
export const WORKSPACE_IDS = {
  acknowledge: 'workspace.acknowledge',
} as const;
