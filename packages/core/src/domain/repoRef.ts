import { CatwalkError } from '../errors/index.js';
import { hasControlCharacter, quoteForMessage } from './text.js';

/** A GitHub repository, optionally a subfolder at a ref (`/tree/{ref}/{path}`), parsed from a URL. */
export interface RepoRef {
  readonly kind: 'github';
  readonly owner: string;
  readonly repo: string;
  /** Branch, tag or commit from a `/tree/{ref}` URL; absent means the default branch. */
  readonly ref?: string;
  /** Subfolder inside the repository (no leading or trailing slash); absent means the root. */
  readonly path?: string;
  /** `https://github.com/{owner}/{repo}[/tree/{ref}/{path}]`, as given but normalised. */
  readonly url: string;
  /** Lower-cased `github:{owner}/{repo}[#{ref}[:{path}]]`: the cache key. */
  readonly key: string;
}

const ALLOWED =
  'a GitHub repository URL: https://github.com/{owner}/{repo}, optionally ending in .git or /tree/{ref}/{path}';
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
// No name, ref or path segment may start with '-': these reach git and CLI tools as arguments, where a leading
// '-' reads as an option.
const REPO = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,99}$/;
const REF = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;
const SEGMENT = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]{0,254}$/;
const PREFIX = 'https://github.com/';
const MAX_URL_LENGTH = 2048;

function invalid(input: string, reason: string): CatwalkError {
  return new CatwalkError(
    'invalid_repo_url',
    `Not a supported repository URL (${reason}). Expected ${ALLOWED}.`,
    { input: quoteForMessage(input), reason },
  );
}

/** Parses a GitHub URL. Other hosts, schemes, userinfo, ports, queries, fragments and `..` are refused. */
export function parseRepoUrl(input: string): RepoRef {
  if (typeof input !== 'string' || input.length === 0) throw invalid(String(input), 'empty');
  if (input.length > MAX_URL_LENGTH) throw invalid(input, 'too long');
  if (hasControlCharacter(input) || /\s/.test(input)) throw invalid(input, 'contains whitespace or control characters');
  if (!/^[\x21-\x7e]+$/.test(input)) throw invalid(input, 'contains non-ASCII characters');
  if (input.slice(0, PREFIX.length).toLowerCase() !== PREFIX) throw invalid(input, 'only https://github.com/ is allowed');
  let rest = input.slice(PREFIX.length);
  if (/[?#%\\@:]/.test(rest)) throw invalid(input, 'queries, fragments, escapes, userinfo and ports are not allowed');
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  const parts = rest.split('/');
  const [owner, rawRepo, tree, ref, ...pathParts] = parts;
  if (owner === undefined || rawRepo === undefined || !OWNER.test(owner)) throw invalid(input, 'bad owner');
  const repo = rawRepo.toLowerCase().endsWith('.git') ? rawRepo.slice(0, -4) : rawRepo;
  if (!REPO.test(repo) || repo === '.' || repo === '..' || /^\.+$/.test(repo)) throw invalid(input, 'bad repository name');
  if (tree === undefined) return build(owner, repo);
  if (repo !== rawRepo) throw invalid(input, '.git must end the URL');
  if (tree !== 'tree' || ref === undefined) throw invalid(input, 'only /tree/{ref}/{path} may follow the repository');
  if (!REF.test(ref) || ref.includes('..')) throw invalid(input, 'bad ref');
  for (const segment of pathParts) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..' || segment.includes('..')) {
      throw invalid(input, 'bad path');
    }
  }
  return build(owner, repo, ref, pathParts.length > 0 ? pathParts.join('/') : undefined);
}

function build(owner: string, repo: string, ref?: string, path?: string): RepoRef {
  const base = `${PREFIX}${owner}/${repo}`;
  const url = ref === undefined ? base : `${base}/tree/${ref}${path === undefined ? '' : `/${path}`}`;
  const key =
    `github:${owner.toLowerCase()}/${repo.toLowerCase()}` +
    (ref === undefined ? '' : `#${ref}${path === undefined ? '' : `:${path}`}`);
  return {
    kind: 'github',
    owner,
    repo,
    url,
    key,
    ...(ref === undefined ? {} : { ref }),
    ...(path === undefined ? {} : { path }),
  };
}
