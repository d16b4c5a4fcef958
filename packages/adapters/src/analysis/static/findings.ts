import type { Confidence, EnvVarFormat, Runtime } from '@catwalk/core';

/** Where a finding was read. */
export interface Place {
  readonly file: string;
  readonly line?: number;
  readonly snippet?: string;
}

/** A package a manifest (or a README command) names. */
export interface PackageFinding extends Place {
  readonly runtime: Runtime;
  readonly name: string;
  /** Whether the manifest declares something runnable (npm `bin`, Python console scripts). */
  readonly runnable: boolean;
  /** Whether the manifest itself says this is an MCP server (SDK dependency, `mcpName`). */
  readonly mcp: boolean;
  /** Lower = preferred: root manifests before nested ones before README commands. */
  readonly priority: number;
  readonly confidence: Confidence;
}

/**
 * One observation about an env var. `requirement` carries a strength so that the strongest evidence decides:
 * an explicit manifest beats a code default, which beats a code check, which beats README wording, which beats
 * mere presence in an example file.
 */
export interface EnvFinding extends Place {
  readonly name: string;
  readonly kind: 'manifest' | 'code' | 'docs' | 'config-block' | 'env-example';
  readonly requirement?: { readonly required: boolean; readonly strength: number };
  readonly default?: string;
  readonly description?: string;
  /** The wording around the name says it is a secret (API key, token, password). */
  readonly secretHint?: boolean;
  readonly format?: EnvVarFormat;
  readonly choices?: readonly string[];
  readonly confidence: Confidence;
}

/** One tool a server registers. */
export interface ToolFinding extends Place {
  readonly name: string;
  readonly description?: string;
  readonly confidence: Confidence;
}

/** Something that shows the source is (or wants to be) an MCP server. */
export interface McpSignal extends Place {
  readonly what: string;
}

/** Requirement strengths (see {@link EnvFinding}). */
export const STRENGTH = {
  manifest: 100,
  codeDefault: 80,
  codeRequired: 70,
  codeConditional: 60,
  docsWording: 50,
  codeOptionalRead: 40,
  envExampleCommented: 30,
  envExampleValue: 25,
  envExampleEmpty: 20,
  configBlock: 15,
} as const;
