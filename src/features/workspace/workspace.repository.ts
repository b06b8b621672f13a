/**
 * The workspace connection: a single document (`_id: 'workspace'`).
 */
import type { Collection } from 'mongodb';
import type { CollectionIndexes } from '../../db/indexes';
import type { Workspace, WorkspaceStatus } from './workspace.types';
import type { CollectionSource } from '../../db/tenant-collection';

const WORKSPACE_ID = 'workspace';

interface WorkspaceDocument extends Workspace {
  _id: typeof WORKSPACE_ID;
}

export const WORKSPACE_INDEXES: CollectionIndexes = { collection: 'workspace', indexes: [] };

export class WorkspaceRepository {
  private readonly workspace: Collection<WorkspaceDocument>;

  constructor(db: CollectionSource) {
    this.workspace = db.collection<WorkspaceDocument>(WORKSPACE_INDEXES.collection);
  }

  async get(): Promise<Workspace | undefined> {
    const doc = await this.workspace.findOne({ _id: WORKSPACE_ID });
    return doc ? toWorkspace(doc) : undefined;
  }

  /** Stores the first workspace; returns the stored one (which may be another, if one existed). */
  async createIfAbsent(workspace: Workspace): Promise<Workspace> {
    await this.workspace.updateOne({ _id: WORKSPACE_ID }, { $setOnInsert: { ...workspace } }, { upsert: true });
    return (await this.get())!;
  }

  /** Applies a change to the stored workspace of `teamId`; undefined when it is not that one. */
  async update(teamId: string, set: Partial<Workspace>, unset: Array<keyof Workspace> = []): Promise<Workspace | undefined> {
    const doc = await this.workspace.findOneAndUpdate(
      { _id: WORKSPACE_ID, teamId },
      { $set: set, ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}) },
      { returnDocument: 'after' },
    );
    return doc ? toWorkspace(doc) : undefined;
  }

  /** Moves from one of `from` to `to` atomically; undefined when the status was not one of them. */
  async transition(teamId: string, from: WorkspaceStatus[], to: WorkspaceStatus, set: Partial<Workspace> = {}): Promise<Workspace | undefined> {
    const doc = await this.workspace.findOneAndUpdate(
      { _id: WORKSPACE_ID, teamId, status: { $in: from } },
      { $set: { ...set, status: to } },
      { returnDocument: 'after' },
    );
    return doc ? toWorkspace(doc) : undefined;
  }
}

function toWorkspace(doc: WorkspaceDocument): Workspace {
  const { _id, ...rest } = doc;
  return rest;
}
