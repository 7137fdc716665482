// Finds the Python that has moto (the testbed scripts' PATH trap: a clean PATH has only Debian's python3).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TestbedError, log } from './common.mjs';

const MOTO_VERSION = '5.2.1';

function pythonCandidates() {
  const candidates = [process.env.TESTBED_PYTHON];
  const roots = [process.env.PYENV_ROOT, join(homedir(), '.pyenv'), '/root/.pyenv'];
  for (const root of roots.filter(Boolean)) {
    candidates.push(join(root, 'versions', '3.11.7', 'bin', 'python'));
    try {
      const versions = readdirSync(join(root, 'versions')).sort().reverse();
      candidates.push(...versions.map((v) => join(root, 'versions', v, 'bin', 'python')));
    } catch {
      // no such pyenv root
    }
  }
  candidates.push('python3', '/usr/bin/python3');
  return [...new Set(candidates.filter(Boolean))];
}

const PY_PROBE =
  'import importlib.util as u, importlib.metadata as m\n' +
  "missing = [n for n in ('moto', 'cfnlint', 'werkzeug', 'flask') if u.find_spec(n) is None]\n" +
  "print('missing=' + ','.join(missing) if missing else 'moto=' + m.version('moto'))";

/** Finds a Python that can import moto and cfn-lint (the PATH trap: a clean PATH has only Debian's python3). */
export function findPython() {
  const tried = [];
  for (const candidate of pythonCandidates()) {
    const result = spawnSync(candidate, ['-c', PY_PROBE], { encoding: 'utf8', timeout: 20_000 });
    const out = (result.stdout ?? '').trim();
    if (result.status === 0 && out.startsWith('moto=')) {
      const version = out.slice('moto='.length);
      if (version !== MOTO_VERSION) {
        log(`warning: ${candidate} has moto ${version}; the patches were written for moto ${MOTO_VERSION}`);
      }
      return candidate;
    }
    tried.push(
      `  ${candidate}: ${result.error ? 'not found' : out || (result.stderr ?? '').trim().split('\n').pop()}`,
    );
  }
  throw new TestbedError(
    `no Python with moto and cfn-lint found. Tried:\n${tried.join('\n')}\n` +
      `Install them into one of these (pip install 'moto[server]==${MOTO_VERSION}' cfn-lint) or point ` +
      'TESTBED_PYTHON at a python that has them.',
  );
}
