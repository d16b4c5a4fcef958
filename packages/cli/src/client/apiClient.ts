import { CliError, EXIT } from '../errors.js';

/** One request to the API. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Milliseconds before giving up (default 120 s: analyses of big repositories are slow). */
  readonly timeoutMs?: number;
}

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly fetch?: typeof fetch;
  readonly userAgent?: string;
}

/** The API's error body. */
interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).error === 'string' && typeof (value as ErrorBody).message === 'string';
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return cause.code;
  if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return 'timed out';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** The details' issues as `path: message` lines (validation errors), when the API sent any. */
function issuesOf(body: ErrorBody): string[] {
  const issues = body.details?.['issues'];
  if (!Array.isArray(issues)) return [];
  return issues
    .filter((issue): issue is { path?: unknown; message?: unknown } => typeof issue === 'object' && issue !== null)
    .map((issue) => (typeof issue.path === 'string' && issue.path !== '' ? `${issue.path}: ${String(issue.message)}` : String(issue.message)));
}

/**
 * A small client of the Catwalk API over fetch. Failures become {@link CliError}s: the service unreachable is
 * exit 3; an answer with the API's error shape is exit 1 with the API's own message.
 */
export class ApiClient {
  readonly url: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #userAgent: string;

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? fetch;
    this.#userAgent = options.userAgent ?? 'catwalk-cli';
  }

  /** Whether an API key is configured. */
  get hasApiKey(): boolean {
    return this.#apiKey !== undefined;
  }

  /** Sends a request and returns the parsed JSON body (undefined for 204). */
  async request<T>(request: ApiRequest): Promise<T> {
    const target = new URL(this.url + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) target.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#userAgent };
    if (this.#apiKey !== undefined) headers['authorization'] = `Bearer ${this.#apiKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(target, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(request.timeoutMs ?? 120_000),
      });
    } catch (error) {
      throw new CliError(
        `Cannot reach Catwalk at ${this.url} (${describeNetworkError(error)}). Start it with "catwalk serve", or point CATWALK_URL at it.`,
        EXIT.unreachable,
        'unreachable',
      );
    }
    const text = await response.text();
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (response.ok) return body as T;
    if (isErrorBody(body)) {
      const issues = issuesOf(body);
      let message = issues.length > 0 ? `${body.message}\n  ${issues.join('\n  ')}` : body.message;
      if (response.status === 401 && !this.hasApiKey) message += ' Set CATWALK_API_KEY, or run "catwalk login".';
      throw new CliError(message, EXIT.userError, body.error);
    }
    throw new CliError(`The service answered HTTP ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`, EXIT.userError, `http_${response.status}`);
  }

  get<T>(path: string, query?: ApiRequest['query']): Promise<T> {
    return this.request<T>({ method: 'GET', path, ...(query === undefined ? {} : { query }) });
  }

  post<T>(path: string, body: unknown = {}, timeoutMs?: number): Promise<T> {
    return this.request<T>({ method: 'POST', path, body, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  }
}
