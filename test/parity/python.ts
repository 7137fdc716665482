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
def lists(t):
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", t).schema
    return {"always": schema.get("createOnlyProperties", []), "conditional": schema.get("conditionalCreateOnlyProperties", [])}
print(json.dumps({t: lists(t) for t in types}))
`;

/** A resource type's create-only property paths (`/properties/FromPort`): always, or only under some conditions. */
export interface CreateOnly {
  always: string[];
  /** E.g. an Auto Scaling group's MixedInstancesPolicy: replaced only under an AutoScalingReplacingUpdate policy. */
  conditional: string[];
}

/**
 * The create-only properties of each resource type from CloudFormation's resource provider schemas as cfn-lint ships
 * them: changing one replaces the resource (a conditional one: DescribeChangeSet says `Replacement: Conditional`).
 */
export function createOnlyProperties(python: string, types: readonly string[]): Record<string, CreateOnly> {
  return runPythonJson(python, createOnlyScript, [...new Set(types)].sort());
}

const reRegisterScript = `
import json, sys
import boto3
from botocore.validate import ParamValidator
request = json.load(sys.stdin)
ecs = boto3.client("ecs", endpoint_url=request["endpoint"], region_name=request["region"],
                   aws_access_key_id="testing", aws_secret_access_key="testing")
shape = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape
problems = {}
for label, arn in request["taskDefinitions"].items():
    td = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    # What the original's deploy_service (2.1.1) passes to RegisterTaskDefinition for the task definition it describes.
    params = {
        "family": td["family"],
        "containerDefinitions": td["containerDefinitions"],
        "volumes": td.get("volumes", []),
        "executionRoleArn": td.get("executionRoleArn") or "",
        "taskRoleArn": td.get("taskRoleArn") or "",
        "networkMode": td.get("networkMode") or "bridge",
    }
    if "FARGATE" in (td.get("requiresCompatibilities") or []):
        params.update(requiresCompatibilities=td["requiresCompatibilities"], cpu=td["cpu"], memory=td["memory"])
    report = ParamValidator().validate(params, shape)
    problems[label] = report.generate_report() if report.has_errors() else ""
print(json.dumps(problems))
`;

/**
 * Describes each task definition with boto3 (as the original's deploy_service does) and checks what that command
 * would register again with botocore's own parameter validation (booleans as booleans, numbers as numbers). Returns
 * the validation report per label ('' when it passes).
 */
export function reRegisterProblems(
  python: string,
  input: { endpoint: string; region: string; taskDefinitions: Record<string, string> },
): Record<string, string> {
  return runPythonJson(python, reRegisterScript, input);
}
