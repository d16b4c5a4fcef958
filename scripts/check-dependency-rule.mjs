#!/usr/bin/env node
// Enforces the dependency rule of the hexagon (docs/architecture.md):
//   - packages/core/src imports only relative paths inside core/src and `zod` (src/testing may also import
//     `chai`, core's optional peer dependency for the contract suites); no `node:` modules, no vendor SDKs, no
//     other Catwalk package;
//   - packages/core/package.json has no runtime dependency but zod;
//   - packages/adapters imports neither @catwalk/http nor @catwalk/cli; packages/http does not import @catwalk/cli.
// Imports are read with TypeScript's own pre-processor (static, type-only, dynamic `import()` and `require`), so
// comments and strings are not mistaken for imports.
//
// Usage: node scripts/check-dependency-rule.mjs [--root <repo root>]   (exit 0: clean, 1: violations, 2: usage)
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'];

function parseArgs(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root' && argv[i + 1] !== undefined) root = path.resolve(argv[++i]);
    else {
      console.error(`check-dependency-rule: unknown argument ${JSON.stringify(argv[i])}. Usage: [--root <dir>]`);
      process.exit(2);
    }
  }
  return { root };
}

function listSources(dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') files.push(...listSources(full));
    } else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files;
}

/** Every module specifier a file imports, with its line. */
let ts;
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos) => text.slice(0, pos).split('\n').length;
  return info.importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) }));
}

function isRelative(specifier) {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function checkCore(root, violations) {
  const src = path.join(root, 'packages/core/src');
  const testing = path.join(src, 'testing');
  for (const file of listSources(src)) {
    const allowed = file.startsWith(testing + path.sep) ? new Set(['zod', 'chai']) : new Set(['zod']);
    for (const { specifier, line } of importsOf(file)) {
      const where = `${path.relative(root, file)}:${line}`;
      if (isRelative(specifier)) {
        const target = path.resolve(path.dirname(file), specifier);
        if (target !== src && !target.startsWith(src + path.sep)) {
          violations.push(`${where}: imports ${JSON.stringify(specifier)}, which leaves packages/core/src (core imports only its own files and zod)`);
        }
      } else if (!allowed.has(packageName(specifier))) {
        const why = specifier.startsWith('node:') ? 'a Node.js module' : 'a package other than zod';
        violations.push(`${where}: imports ${JSON.stringify(specifier)}, ${why}; core may import only relative paths and zod${allowed.has('chai') ? ' (and chai in src/testing)' : ''}`);
      }
    }
  }
  const manifestPath = path.join(root, 'packages/core/package.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const field of ['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
      const deps = manifest[field] ?? {};
      const names = Array.isArray(deps) ? deps : Object.keys(deps);
      for (const name of names) {
        if (name !== 'zod') violations.push(`packages/core/package.json: ${field} has ${JSON.stringify(name)}; zod is core's only runtime dependency`);
      }
    }
  }
}

/** `pkg` may not import any of `forbidden` (by package name or by a relative path into their folders). */
function checkShell(root, pkg, forbidden, violations) {
  const src = path.join(root, 'packages', pkg, 'src');
  for (const file of listSources(src)) {
    for (const { specifier, line } of importsOf(file)) {
      const where = `${path.relative(root, file)}:${line}`;
      for (const other of forbidden) {
        const otherDir = path.join(root, 'packages', other);
        const hitsPackage = !isRelative(specifier) && packageName(specifier) === `@catwalk/${other}`;
        const target = isRelative(specifier) ? path.resolve(path.dirname(file), specifier) : '';
        const hitsPath = target === otherDir || target.startsWith(otherDir + path.sep);
        if (hitsPackage || hitsPath) {
          violations.push(`${where}: imports ${JSON.stringify(specifier)}; ${pkg} may not depend on ${other}`);
        }
      }
    }
  }
  const manifestPath = path.join(root, 'packages', pkg, 'package.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const other of forbidden) {
        if (Object.hasOwn(manifest[field] ?? {}, `@catwalk/${other}`)) {
          violations.push(`packages/${pkg}/package.json: ${field} has @catwalk/${other}; ${pkg} may not depend on ${other}`);
        }
      }
    }
  }
}

const { root } = parseArgs(process.argv.slice(2));
if (!existsSync(path.join(root, 'packages/core/src')) || !statSync(path.join(root, 'packages/core/src')).isDirectory()) {
  console.error(`check-dependency-rule: ${path.join(root, 'packages/core/src')} does not exist; pass --root <repo root>`);
  process.exit(2);
}
// Loaded only once the arguments are known good: TypeScript is large.
ts = (await import('typescript')).default;
const violations = [];
checkCore(root, violations);
checkShell(root, 'adapters', ['http', 'cli'], violations);
checkShell(root, 'http', ['cli'], violations);
if (violations.length > 0) {
  console.error(`Dependency rule broken (${violations.length}):`);
  for (const violation of violations) console.error(`  ${violation}`);
  console.error('core → zod only; adapters → core; http → core, adapters; cli → core, adapters, http.');
  process.exit(1);
}
console.log('Dependency rule holds: core imports only zod and itself; adapters do not import http or cli; http does not import cli.');
