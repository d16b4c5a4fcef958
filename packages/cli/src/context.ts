import type { Command } from 'commander';
import { ApiClient } from './client/apiClient.js';
import { resolveClientSettings } from './client/settings.js';
import type { CliIo } from './io.js';
import { createStyle } from './output/style.js';
import type { Style } from './output/style.js';

/** What every command gets: the process, styling per stream, and a way to reach the API. */
export interface CommandContext {
  readonly io: CliIo;
  /** Styling of stdout (results). */
  readonly style: Style;
  /** Styling of stderr (progress, prompts, errors). */
  readonly errStyle: Style;
  /** An API client for the settings in force for `command` (its `--url`, the environment, `cli.json`). */
  client(command: Command): Promise<ApiClient>;
  /** Writes to stdout. */
  print(text: string): void;
  /** Writes a value as JSON on stdout (two-space indent, one trailing newline). */
  printJson(value: unknown): void;
  /** Waits (polling); tests shorten it through `pollIntervalMs`. */
  sleep(ms: number): Promise<void>;
  /** How often deploy and `logs -f` poll (default 1000 ms, deploy polls at 500 ms). */
  readonly pollIntervalMs: number;
}

/** Options of {@link createContext}. */
export interface ContextOptions {
  readonly fetch?: typeof fetch;
  readonly pollIntervalMs?: number;
}

/** Builds the context of one run. */
export function createContext(io: CliIo, options: ContextOptions = {}): CommandContext {
  return {
    io,
    style: createStyle(io.stdout, io.env),
    errStyle: createStyle(io.stderr, io.env),
    async client(command) {
      const flags = command.optsWithGlobals<{ url?: string }>();
      const settings = await resolveClientSettings(io, { url: flags.url });
      return new ApiClient({ url: settings.url, apiKey: settings.apiKey, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) });
    },
    print: (text) => void io.stdout.write(text),
    printJson: (value) => void io.stdout.write(JSON.stringify(value, null, 2) + '\n'),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pollIntervalMs: options.pollIntervalMs ?? 1000,
  };
}
