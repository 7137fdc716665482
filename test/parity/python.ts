// The Python the parity checks use (cfn-lint's resource provider schemas, botocore's parameter validation), found
// the way the testbed finds it: $TESTBED_PYTHON, the pyenv 3.11.7 install, then python3. It must import `modules`.
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The first Python that imports every one of `modules`, or undefined. */
export function findPython(modules: readonly string[]): string | undefined {
  const pyenvRoots = [process.env.PYENV_ROOT, join(homedir(), '.pyenv'), '/root/.pyenv'];
  const candidates = [
    process.env.TESTBED_PYTHON,
    ...pyenvRoots.map((root) =>
      root === undefined ? undefined : join(root, 'versions', '3.11.7', 'bin', 'python'),
    ),
    'python3',
  ];
  const probe = modules.map((name) => `import ${name}`).join('; ');
  return candidates.find(
    (candidate) => candidate !== undefined && spawnSync(candidate, ['-c', probe]).status === 0,
  );
}

/** Runs a Python script with JSON on stdin and returns its JSON stdout; throws with stderr when it fails. */
export function runPythonJson<T>(python: string, script: string, input: unknown): T {
  const run = spawnSync(python, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`${python} failed (${String(run.status)}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as T;
}

const createOnlyScript = `
import json, sys
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
types = json.load(sys.stdin)
print(json.dumps({t: PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", t).schema.get("createOnlyProperties", []) for t in types}))
`;

/**
 * The create-only properties of each resource type (`/properties/FromPort`, ...) from CloudFormation's resource
 * provider schemas as cfn-lint ships them: changing one replaces the resource.
 */
export function createOnlyProperties(python: string, types: readonly string[]): Record<string, string[]> {
  return runPythonJson(python, createOnlyScript, [...new Set(types)].sort());
}
