/**
 * A platform workspace: the tenant. Registered by the platform (`PUT /api/v1/workspaces/:id`);
 * everything the connector stores belongs to exactly one.
 */
export interface Tenant {
  id: string;
  name: string;
  /** The platform's base URL for this workspace: its notification links start with it. */
  baseUrl: string;
  createdAt: Date;
  updatedAt: Date;
}
