import { expect } from 'chai';
import { RESERVED_ENV_NAMES, RESERVED_ENV_PREFIXES, isReservedEnvName, reservedEnvNameReason } from '../../src/credentials/index.js';

describe('isReservedEnvName', () => {
  it('refuses the names that hijack loaders, runtimes, shells and package managers, in any case', () => {
    const refused = [
      'PATH', 'path', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'ld_preload', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'NODE_PATH',
      'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONINSPECT', 'PYTHONWARNINGS',
      'BASH_ENV', 'BASH_FUNC_x%%', 'ENV', 'SHELLOPTS', 'PS4', 'IFS', 'HOME', 'TMPDIR', 'npm_config_registry', 'NPM_CONFIG_USERCONFIG',
      'UV_INDEX_URL', 'PIP_INDEX_URL', 'GIT_SSH_COMMAND', 'XDG_CONFIG_HOME', 'GCONV_PATH', 'GLIBC_TUNABLES', 'SSL_CERT_FILE',
      'CATWALK_SECRET_KEYS', 'COREPACK_NPM_REGISTRY', 'JAVA_TOOL_OPTIONS', 'FLY_MACHINE_ID',
    ];
    for (const name of refused) {
      expect(isReservedEnvName(name), name).to.equal(true);
      expect(reservedEnvNameReason(name), name).to.be.a('string').and.have.length.greaterThan(10);
    }
  });

  it('allows ordinary and harmless names', () => {
    for (const name of ['API_KEY', 'GITHUB_TOKEN', 'DATABASE_URL', 'NODE_ENV', 'PYTHONUNBUFFERED', 'PYTHONIOENCODING', 'HTTPS_PROXY', 'LANG', 'TZ', 'FLY_API_TOKEN', 'GITHUB_API_URL', 'PATHS_ALLOWED', 'HOMEPAGE_URL']) {
      expect(isReservedEnvName(name), name).to.equal(false);
    }
  });

  it('publishes its lists for documentation', () => {
    expect(RESERVED_ENV_NAMES).to.include('PATH');
    expect(RESERVED_ENV_PREFIXES.find((entry) => entry.prefix === 'NODE_')?.except).to.deep.equal(['NODE_ENV']);
    for (const name of RESERVED_ENV_NAMES) expect(isReservedEnvName(name)).to.equal(true);
  });
});
