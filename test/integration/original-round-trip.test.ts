// Zero migration, end to end: both environments and all twelve service variants created from the original Cloudlift
// 2.1.1's own templates, with its own records, are updated by the real cloudlift CLI with no change in their
// configuration. What DescribeChangeSet reports must replace nothing but task definitions, add nothing and remove no
// logical id; the same is checked independently against CloudFormation's create-only properties, and every other
// resource must keep its physical id through the update. The task definitions cloudlift leaves on those stacks must pass the
// type checks the original's SDK applies when its deploy_service registers them again (botocore's ParamValidator).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  oracleEnvironments,
  oracleServices,
  originalEnvironmentTemplate,
  originalServiceTemplate,
} from '../parity/oracle.js';
import { createOnlyProperties, findPython, reRegisterProblems } from '../parity/python.js';
import type { CreateOnly } from '../parity/python.js';
import { runCli } from '../support/cli.js';
import { awsClientConfig, cliEnv, resetTestbed, testbed } from '../support/testbed.js';
import {
  createOriginalEnvironment,
  createOriginalService,
  createStackFromText,
  newestChangeSet,
} from './original-fixture.js';
import type { OriginalEnvironment, ReportedChange } from './original-fixture.js';

const environment = 'refboth';
let original: OriginalEnvironment;
let python: string;
let createOnly: Record<string, CreateOnly>;

/**
 * Everything in a change set that would break the promise: replacements other than task definitions, adds, removes.
 * `conditional` names the resources a deliberate difference lets DescribeChangeSet mark `Replacement: Conditional`.
 */
function problemsOf(changes: readonly ReportedChange[], conditional: readonly string[] = []): string[] {
  return changes.flatMap((change) => {
    const where = `${change.action} ${change.logicalId} (${change.type})`;
    if (change.action !== 'Modify') {
      return [`${where}: the configuration did not change, so nothing may be added or removed`];
    }
    if (change.type === 'AWS::ECS::TaskDefinition') {
      return [];
    }
    const problems: string[] = [];
    if (
      change.replacement === 'True' ||
      (change.replacement === 'Conditional' && !conditional.includes(change.logicalId))
    ) {
      problems.push(`${where}: DescribeChangeSet says Replacement ${change.replacement}`);
    }
    const replacing = change.properties.filter((name) =>
      (createOnly[change.type]?.always ?? []).includes(`/properties/${name}`),
    );
    if (replacing.length > 0) {
      problems.push(`${where}: changes create-only ${replacing.join(', ')}, which replaces it`);
    }
    return problems;
  });
}

/**
 * Types whose physical id changes on any update in the testbed though AWS updates them in place: moto 5.2.1 updates
 * an `AWS::Events::Rule` by deleting it and creating one under a new generated name (an EventPattern change, which
 * `oom-rule` makes, is not create-only in CloudFormation).
 */
const recreatedByTestbed = new Set(['AWS::Events::Rule']);

/** The physical id of every resource of a stack but its task definitions (those are replaced on purpose). */
async function physicalIds(
  stackName: string,
  except: readonly string[] = [],
): Promise<Record<string, string>> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(awsClientConfig());
  const ids: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await client.send(
      new cfn.ListStackResourcesCommand({ StackName: stackName, NextToken: token }),
    );
    for (const resource of page.StackResourceSummaries ?? []) {
      const type = resource.ResourceType ?? '';
      const id = resource.LogicalResourceId ?? '';
      if (type !== 'AWS::ECS::TaskDefinition' && !recreatedByTestbed.has(type) && !except.includes(id)) {
        ids[id] = resource.PhysicalResourceId ?? '';
      }
    }
    token = page.NextToken;
  } while (token !== undefined);
  return ids;
}

/** The task definitions the ECS services of a stack run now, by service output name. */
async function runningTaskDefinitions(stackName: string): Promise<Record<string, string>> {
  const [cfn, ecs] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-ecs'),
  ]);
  const stack = (
    await new cfn.CloudFormationClient(awsClientConfig()).send(
      new cfn.DescribeStacksCommand({ StackName: stackName }),
    )
  ).Stacks?.[0];
  const names = (stack?.Outputs ?? []).filter((output) => output.OutputKey?.endsWith('EcsServiceName'));
  const answer = await new ecs.ECSClient(awsClientConfig()).send(
    new ecs.DescribeServicesCommand({
      cluster: `cluster-${environment}`,
      services: names.map((output) => output.OutputValue ?? ''),
    }),
  );
  return Object.fromEntries(
    (answer.services ?? []).map((service) => [service.serviceName ?? '', service.taskDefinition ?? '']),
  );
}

/**
 * The variants whose task definitions cloudlift renders differently from the original (deliberate differences
 * `sidecar-start-period` and `firelens-router-only`); the others keep running the revision the original registered.
 */
const newRevision = new Set(['sidecar-app', 'firelens-with-sidecar']);

const reRegister = (taskDefinitions: Record<string, string>) =>
  reRegisterProblems(python, { endpoint: testbed().endpoint, region: testbed().region, taskDefinitions });

describe('stacks the original Cloudlift 2.1.1 created, updated by cloudlift', () => {
  beforeAll(async () => {
    await resetTestbed();
    const found = findPython(['cfnlint', 'boto3']);
    if (found === undefined) {
      throw new Error('no Python with cfn-lint and boto3 (the testbed Python has both; set TESTBED_PYTHON)');
    }
    python = found;
    const templates = [
      ...oracleEnvironments.map(originalEnvironmentTemplate),
      ...oracleServices().map(originalServiceTemplate),
    ];
    createOnly = createOnlyProperties(
      python,
      templates.flatMap((template) => Object.values(template.Resources).map((resource) => resource.Type)),
    );
    original = await createOriginalEnvironment(environment);
  });

  it.each([
    ['refboth', [], []],
    // The record asks for price-capacity-optimized, which the original ignored (deliberate difference #3): a
    // conditionally create-only property, replaced only under an AutoScalingReplacingUpdate policy, which it lacks.
    [
      'refspot',
      ['AutoScalingGroupSpot MixedInstancesPolicy'],
      ['AutoScalingGroupSpot', 'AutoScalingPolicySpot'],
    ],
  ])(
    'update_environment of %s, which it created, replaces and removes nothing',
    async (name, modified, conditional) => {
      expect(testbed().region).toBe('us-east-1'); // the original's templates name us-east-1 zones
      if (name !== environment) {
        await createOriginalEnvironment(name);
      }
      // A conditional replacement is the testbed's call to execute (it replaces): compare the others' ids.
      const before = await physicalIds(`cluster-${name}`, conditional);
      const result = await runCli(['update_environment', '-e', name, '--yes'], { env: cliEnv() });
      expect(result.code, result.stderr).toBe(0);
      const changeSet = await newestChangeSet(`cluster-${name}`);
      expect(changeSet.name).not.toBe('');
      expect(problemsOf(changeSet.changes, conditional)).toEqual([]);
      // Beyond that, only launch-template metadata changes (the cfn-hup.conf mode).
      const properties = changeSet.changes.flatMap((change) =>
        change.properties.map((property) => `${change.logicalId} ${property}`),
      );
      expect(properties).toEqual(modified);
      expect(await physicalIds(`cluster-${name}`, conditional)).toEqual(before);
    },
  );

  it.each(oracleServices())(
    'update_service of %s replaces nothing but task definitions, which the original can register again',
    async (app) => {
      const folder = await createOriginalService(original, app);
      const stackName = `${app}-${environment}`;
      const before = await runningTaskDefinitions(stackName);
      const resources = await physicalIds(stackName);
      expect(Object.values(reRegister(before)).filter((report) => report !== '')).toEqual([]);
      const result = await runCli(['update_service', '-e', environment, '--name', app, '--yes'], {
        cwd: folder,
        env: cliEnv({ VISUAL: 'true', EDITOR: 'true' }),
      });
      expect(result.code, result.stderr).toBe(0);
      const changeSet = await newestChangeSet(stackName);
      expect(changeSet.name).not.toBe('');
      expect(problemsOf(changeSet.changes)).toEqual([]);
      expect(await physicalIds(stackName)).toEqual(resources);
      const after = await runningTaskDefinitions(stackName);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      // A new revision (and a rolling deployment) only where a listed difference is in the task definition.
      if (newRevision.has(app)) {
        expect(after).not.toEqual(before);
      } else {
        expect(after).toEqual(before);
      }
      expect(reRegister(after)).toEqual(Object.fromEntries(Object.keys(after).map((name) => [name, ''])));
    },
  );

  it('the type check catches the string "true" that cloudlift used to write for Essential', async () => {
    const template = {
      Resources: {
        LegacyTaskDefinition: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: {
            Family: 'LegacyEssentialFamily',
            ContainerDefinitions: [
              { Name: 'LegacyContainer', Image: 'busybox', Memory: 64, Essential: 'true' },
            ],
          },
        },
      },
      Outputs: { Arn: { Value: { Ref: 'LegacyTaskDefinition' } } },
    };
    const created = await createStackFromText('legacy-essential-check', JSON.stringify(template), {});
    expect(created.status, created.reasons.join(' | ')).toBe('CREATE_COMPLETE');
    const report = reRegister({ legacy: created.outputs.Arn ?? '' }).legacy ?? '';
    expect(report).toContain('Invalid type for parameter containerDefinitions[0].essential');
  });
});
