import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const script = path.join(repoRoot, 'scripts/check-dependency-rule.mjs');

function runCheck(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, '--root', root], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes a minimal repo tree: `files` maps repo-relative paths to contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'catwalk-deps-'));
  const all: Record<string, string> = {
    'packages/core/package.json': JSON.stringify({ name: '@catwalk/core', dependencies: { zod: '^4' }, peerDependencies: { chai: '>=5' } }),
    'packages/core/src/index.ts': "import { z } from 'zod';\nexport * from './domain/a.js';\nexport const s = z.string();\n",
    'packages/core/src/domain/a.ts': "// import fs from 'node:fs' is only a comment\nexport const text = \"import 'axios'\";\n",
    'packages/core/src/testing/contract.ts': "import { expect } from 'chai';\nimport type { ZodType } from 'zod';\nexport { expect };\nexport type T = ZodType;\n",
    'packages/adapters/package.json': JSON.stringify({ name: '@catwalk/adapters', dependencies: { '@catwalk/core': '0.1.0', axios: '^1' } }),
    'packages/adapters/src/index.ts': "import axios from 'axios';\nimport { s } from '@catwalk/core';\nexport { axios, s };\n",
    'packages/http/package.json': JSON.stringify({ name: '@catwalk/http', dependencies: { '@catwalk/adapters': '0.1.0' } }),
    'packages/http/src/index.ts': "import { axios } from '@catwalk/adapters';\nexport { axios };\n",
    'packages/cli/src/index.ts': "import '@catwalk/http';\n",
    ...files,
  };
  for (const [file, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('dependency rule check (scripts/check-dependency-rule.mjs)', function () {
  this.timeout(120_000);
  const roots: string[] = [];
  const make = (files: Record<string, string> = {}): string => {
    const root = tree(files);
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('passes on the real repository', async () => {
    const result = await runCheck(repoRoot);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('Dependency rule holds');
  });

  it('passes on a clean tree (comments and strings are not imports; chai is allowed in src/testing)', async () => {
    const result = await runCheck(make());
    expect(result.code, result.stderr).to.equal(0);
  });

  const violations: Array<[string, Record<string, string>, string]> = [
    ['a node: import in core', { 'packages/core/src/domain/b1.ts': "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n" }, '"node:fs", a Node.js module'],
    ['a bare Node builtin in core', { 'packages/core/src/domain/b2.ts': "import crypto from 'crypto';\nexport { crypto };\n" }, '"crypto"'],
    ['a vendor SDK in core', { 'packages/core/src/domain/b3.ts': "export { default } from 'axios';\n" }, '"axios", a package other than zod'],
    ['a dynamic import in core', { 'packages/core/src/domain/b4.ts': "export const load = () => import('node:child_process');\n" }, '"node:child_process"'],
    ['a type-only import of adapters in core', { 'packages/core/src/domain/b5.ts': "import type { X } from '@catwalk/adapters';\nexport type Y = X;\n" }, '"@catwalk/adapters"'],
    ['a relative import out of core', { 'packages/core/src/domain/b6.ts': "export * from '../../../adapters/src/index.js';\n" }, 'leaves packages/core/src'],
    ['chai outside src/testing', { 'packages/core/src/domain/b7.ts': "export { expect } from 'chai';\n" }, '"chai"'],
    ['a runtime dependency of core besides zod', { 'packages/core/package.json': JSON.stringify({ dependencies: { zod: '^4', axios: '^1' } }) }, 'dependencies has "axios"'],
    ['adapters importing http', { 'packages/adapters/src/x8.ts': "import { app } from '@catwalk/http';\nexport { app };\n" }, 'adapters may not depend on http'],
    ['adapters importing cli by path', { 'packages/adapters/src/x9.ts': "export * from '../../cli/src/index.js';\n" }, 'adapters may not depend on cli'],
    ['adapters declaring cli', { 'packages/adapters/package.json': JSON.stringify({ dependencies: { '@catwalk/cli': '0.1.0' } }) }, 'dependencies has @catwalk/cli'],
    ['http importing cli', { 'packages/http/src/x10.ts': "import '@catwalk/cli/commands';\n" }, 'http may not depend on cli'],
  ];
  // One tree holding every violation (each check spawns Node and loads TypeScript, so one run covers them all);
  // the clean tree above proves none of the messages appears without its violation.
  it('fails with a clear message for each kind of violation', async () => {
    const files = Object.fromEntries(violations.map(([, file]) => Object.entries(file)).flat());
    files['packages/core/package.json'] = JSON.stringify({ dependencies: { zod: '^4', axios: '^1' } });
    const result = await runCheck(make(files));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('Dependency rule broken');
    for (const [name, , expected] of violations) expect(result.stderr, name).to.include(expected);
  });

  it('exits 2 on a root without packages/core/src', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'catwalk-deps-'));
    roots.push(empty);
    const result = await runCheck(empty);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('does not exist');
  });
});
