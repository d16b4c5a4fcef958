import { expect } from 'chai';
import { defaultName } from '../src/commands/deploy.js';
import { parseEnvPairs, parseEnvText } from '../src/input/envValues.js';
import { renderTable } from '../src/output/table.js';
import { CliError } from '../src/errors.js';
import { StepProgress } from '../src/output/progress.js';
import { createStyle } from '../src/output/style.js';

describe('CLI parsing helpers', () => {
  it('parseEnvPairs keeps = inside values and refuses bad names', () => {
    expect(parseEnvPairs(['A=1', 'B=x=y', 'C='])).to.deep.equal({ A: '1', B: 'x=y', C: '' });
    expect(() => parseEnvPairs(['1A=x'])).to.throw(CliError, /NAME=value/);
    expect(() => parseEnvPairs(['NOVALUE'])).to.throw(CliError);
  });

  it('parseEnvText reads dotenv files without expanding anything', () => {
    const text = ['# c', '', 'export A=1', 'B="two words\\nnext"', "C='$HOME stays'", 'D=plain # comment', 'E=a#b'].join('\n');
    expect(parseEnvText(text)).to.deep.equal({ A: '1', B: 'two words\nnext', C: '$HOME stays', D: 'plain', E: 'a#b' });
    expect(() => parseEnvText('just words', 'x.env')).to.throw(CliError, 'x.env:1: expected NAME=value.');
    expect(() => parseEnvText('A="open', 'x.env')).to.throw(CliError, /unterminated/);
  });

  it('defaultName derives a deployment name from each kind of source', () => {
    expect(defaultName('npm:@modelcontextprotocol/server-memory@1.2.3')).to.equal('server-memory');
    expect(defaultName('pypi:mcp-server-fetch==2025.1.1')).to.equal('mcp-server-fetch');
    expect(defaultName('https://github.com/owner/My.Repo.git')).to.equal('my.repo');
    expect(defaultName('some-package')).to.equal('some-package');
  });

  it('renderTable aligns columns', () => {
    expect(renderTable(['A', 'BB'], [['xxx', 'y']])).to.equal('A    BB\nxxx  y\n');
  });
});

describe('StepProgress', () => {
  const style = (enabled: boolean) => createStyle({ write: () => undefined, isTTY: enabled }, {});

  it('prints only finished lines, without escapes, when not on a terminal', () => {
    let text = '';
    let now = 0;
    const progress = new StepProgress({ write: (chunk: string) => (text += chunk), isTTY: false }, style(false), () => now);
    progress.start('validate');
    now = 1500;
    progress.done('validate', 'ok');
    progress.start('seal');
    progress.fail('seal', 'refused');
    expect(text).to.equal('✓ validate (1.5s) ok\n✗ seal     (0.0s) refused\n');
  });

  it('spins on a terminal, rewriting the line, then prints the finished step', () => {
    let text = '';
    const progress = new StepProgress({ write: (chunk: string) => (text += chunk), isTTY: true }, style(true), () => 0);
    progress.start('deploy', 'installing');
    expect(text).to.contain('\r\u001b[K');
    expect(text).to.contain('installing');
    progress.done('deploy');
    progress.stop();
    expect(text).to.contain('\r\u001b[K\u001b[32m✓\u001b[39m deploy');
  });
});
