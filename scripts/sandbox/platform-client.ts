/** The platform's side of the connector's HTTP API (bearer API_TOKEN), as the sandbox page drives it. */
export interface PlatformReply {
  status: number;
  body: Record<string, unknown>;
}

export interface PlatformClient {
  /** `path` under /api/v1; rejects for a 5xx or a refused connection, answers 4xx as they come. */
  call(method: string, path: string, body?: unknown): Promise<PlatformReply>;
}

export function platformClient(connectorUrl: string, apiToken: string): PlatformClient {
  return {
    async call(method, path, body) {
      const response = await fetch(`${connectorUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed: unknown = text === '' ? {} : JSON.parse(text);
      if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return { status: response.status, body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { value: parsed } };
    },
  };
}
