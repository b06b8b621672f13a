/**
 * `/_emulator/*`: routes to drive the emulator by hand (curl) while the connector runs against
 * it. They use only the emulator's public API, so they do nothing a test could not.
 */
import type { IncomingMessage } from 'node:http';
import type { SlackEmulator, SlackTeamEmulator } from './emulator';
import { FaultSpecSchema } from './faults';
import { LatencySchema } from './latency';
import { readBody } from './methods/request';
import { AckTimeoutError } from './socket-mode';
import type { SocketModeAck } from './types';

export interface ControlReply {
  status: number;
  body: Record<string, unknown>;
}

/** `/_emulator/*`: drive the emulator by hand (curl) while the connector runs against it. */
export async function answerControl(req: IncomingMessage, route: string, emulator: SlackEmulator): Promise<ControlReply> {
  const { baseUrl, socket, calls, teams: handles } = emulator;
  const primaryHandle = handles[0] as SlackTeamEmulator;
  const input = req.method === 'POST' ? await readJson(req) : {};
  if (input === undefined) return { status: 400, body: { ok: false, error: 'invalid_json' } };
  const query = new URL(req.url ?? '/', baseUrl).searchParams;
  // `team_id` (body) or `team` (query) picks a workspace; the primary by default.
  const teamId = typeof input.team_id === 'string' ? input.team_id : (query.get('team') ?? undefined);
  const handle = teamId === undefined ? primaryHandle : handles.find((candidate) => candidate.teamId === teamId);
  if (!handle) return { status: 404, body: { ok: false, error: 'team_not_found', team_id: teamId } };
  const key = `${req.method ?? 'GET'} ${route}`;
  switch (key) {
    case 'GET state':
      return { status: 200, body: { ok: true, ...handle.state.snapshot() } };
    case 'GET teams':
      return {
        status: 200,
        body: {
          ok: true,
          teams: handles.map((team) => ({ id: team.teamId, name: team.state.team.name, installed: team.installed, bot_token: team.botToken ?? null })),
        },
      };
    case 'GET calls': {
      const method = query.get('method');
      const listed = method ? emulator.callsOf(method) : calls;
      return { status: 200, body: { ok: true, calls: teamId === undefined ? listed : listed.filter((call) => call.teamId === teamId) } };
    }
    case 'POST events':
      if (!isObject(input.event)) return badRequest('body must be {"event": {...}, "team_id"?: "T…"}');
      if (!handle.installed) return { status: 409, body: { ok: false, error: 'not_installed', team_id: handle.teamId } };
      return deliver(handle.socket.sendEvent(input.event));
    case 'POST interactive':
      if (!isObject(input.payload)) return badRequest('body must be {"payload": {...}}');
      return deliver(socket.sendInteractive(input.payload));
    case 'POST install':
      return { status: 200, body: { ok: true, team_id: handle.teamId, bot_token: handle.install() } };
    case 'POST uninstall':
      await handle.uninstall();
      return { status: 200, body: { ok: true, team_id: handle.teamId } };
    case 'POST faults': {
      const { method, team_id: _team, ...fault } = input;
      const spec = FaultSpecSchema.safeParse(fault);
      if (typeof method !== 'string' || !spec.success) {
        return badRequest(
          'body must be {"method": "chat.postMessage", "times"?: 1, "error"?: "internal_error", "status"?: 503, "retryAfter"?: 5, "delayMs"?: 100, "team_id"?: "T…"}',
        );
      }
      if (teamId === undefined) emulator.injectFault(method, spec.data);
      else handle.injectFault(method, spec.data);
      return { status: 200, body: { ok: true } };
    }
    case 'DELETE faults':
      emulator.clearFaults();
      return { status: 200, body: { ok: true } };
    case 'POST latency': {
      const latency = LatencySchema.safeParse(input);
      if (!latency.success) return badRequest('body must be {"eachWayMs": 300, "jitterMs"?: 100}');
      emulator.setLatency(latency.data.eachWayMs === 0 && !latency.data.jitterMs ? undefined : latency.data);
      return { status: 200, body: { ok: true } };
    }
    case 'POST rate-limit-scale':
      if (typeof input.scale !== 'number' || input.scale <= 0) return badRequest('body must be {"scale": 1}');
      emulator.setRateLimitScale(input.scale);
      return { status: 200, body: { ok: true } };
    default:
      return {
        status: 404,
        body: {
          ok: false,
          error: 'not_found',
          routes: [
            'GET state?team=',
            'GET teams',
            'GET calls?method=&team=',
            'POST events',
            'POST interactive',
            'POST install',
            'POST uninstall',
            'POST faults',
            'DELETE faults',
            'POST rate-limit-scale',
            'POST latency',
          ],
        },
      };
  }
}

/** Waits for the app's ack of a pushed envelope; a missing ack is an answer, not a crash. */
async function deliver(sending: Promise<SocketModeAck>): Promise<ControlReply> {
  try {
    return { status: 200, body: { ok: true, ack: await sending } };
  } catch (error) {
    if (error instanceof AckTimeoutError) return { status: 504, body: { ok: false, error: 'no_ack', message: error.message } };
    throw error;
  }
}

function badRequest(message: string): ControlReply {
  return { status: 400, body: { ok: false, error: 'invalid_arguments', message } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object body; undefined when it is not one. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
