import type { z } from 'zod';
import { CatwalkError } from '../errors/index.js';
import type { ErrorCode } from '../errors/index.js';

/** One problem found in an input: where (a path like `credentials.API_KEY`) and what. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** Turns zod issues into user-safe `{ path, message }` pairs (no regex sources, no values). */
export function toInputIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses `input` with `schema`; on failure throws a CatwalkError (`invalid_input` by default) with `details.issues`. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, code: ErrorCode = 'invalid_input', what = 'input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toInputIssues(result.error);
  const first = issues[0];
  const where = first === undefined || first.path === '' ? '' : ` at ${first.path}`;
  throw new CatwalkError(code, `Invalid ${what}${where}: ${first?.message ?? 'malformed'}.`, { issues });
}
