// The stack engine against the moto testbed through real CloudFormation and S3 calls, in-process with a Context built
// like main.ts builds it (no command uses the engine yet). moto runs operations synchronously and emits stack-level
// events only; the in-progress, failure, rollback and Ctrl-C paths are in test/deploy/stacks.test.ts.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import { HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { CloudliftError } from '../../src/errors.js';
import { serviceTemplateBucket } from '../../src/core/naming.js';
import { synthesize } from '../../src/cdk/synthesize.js';
import type { Template, TemplateBlueprint } from '../../src/core/templates/template.js';
import {
  createStack,
  describeStack,
  previewStackUpdate,
  stackOutputs,
  updateStack,
} from '../../src/deploy/stacks.js';
import type { StackRequest } from '../../src/deploy/stacks.js';
import { inlineTemplateLimit } from '../../src/deploy/template-transport.js';
import { makeTestContext, newCapture } from '../support/context.js';
import type { Capture } from '../support/context.js';
import { awsClientConfig, cliEnv, resetTestbed, testbed } from '../support/testbed.js';

let cfn: CloudFormationClient;
let ssm: SSMClient;
let s3: S3Client;

/** A template of SSM parameters (moto creates them for real) with an output per parameter; `padding` makes it big. */
function parametersTemplate(stackName: string, values: Record<string, string>, padding = 0): Template {
  const build: TemplateBlueprint['build'] = (stack, cdk) => {
    new cdk.CfnParameter(stack, 'Environment', { type: 'String' });
    for (const [id, value] of Object.entries(values)) {
      const parameter = new cdk.aws_ssm.CfnParameter(stack, id, {
        name: `/${stackName}/${id}`,
        type: 'String',
        value,
      });
      new cdk.CfnOutput(stack, `${id}Name`, { value: parameter.ref });
    }
    for (let index = 0; index < padding; index += 1) {
      new cdk.aws_ssm.CfnParameter(stack, `Padding${index}`, {
        name: `/${stackName}/padding/${index}`,
        type: 'String',
        value: 'p'.repeat(1_000),
      });
    }
  };
  return synthesize({ stackName, build });
}

function request(stackName: string, template: Template, extra: Partial<StackRequest> = {}): StackRequest {
  return {
    stackName,
    region: testbed().region,
    template,
    parameters: { Environment: 'staging' },
    description: `test stack ${stackName}`,
    commands: { update: `cloudlift update_service --name ${stackName}` },
    ...extra,
  };
}

function context(capture: Capture, options: { yes?: boolean; env?: Record<string, string> } = {}): Context {
  return makeTestContext({ env: cliEnv(options.env), yes: options.yes ?? false, capture });
}

/** Creates a stack for one test (tests run in random order, so each builds what it needs). */
async function existing(stackName: string, values: Record<string, string>, padding = 0): Promise<void> {
  await createStack(
    context(newCapture()),
    request(stackName, parametersTemplate(stackName, values, padding)),
  );
}

async function ssmValue(name: string): Promise<string | undefined> {
  return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
}

async function changeSetsOf(stackName: string): Promise<string[]> {
  // moto's ListChangeSets also returns other stacks' change sets; keep this stack's only
  const answer = await cfn.send(new ListChangeSetsCommand({ StackName: stackName }));
  return (answer.Summaries ?? [])
    .filter((summary) => summary.StackName === stackName)
    .map((summary) => summary.ChangeSetName ?? '');
}

async function statusOf(stackName: string): Promise<string | undefined> {
  const answer = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return answer.Stacks?.[0]?.StackStatus;
}

beforeAll(async () => {
  await resetTestbed();
  cfn = new CloudFormationClient(awsClientConfig());
  ssm = new SSMClient(awsClientConfig());
  s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true });
});

describe('createStack', () => {
  it('creates a small stack with the template inline and returns its outputs', async () => {
    const capture = newCapture();
    const template = parametersTemplate('inline-test', { Greeting: 'hello' });
    const result = await createStack(context(capture), request('inline-test', template));

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.outputs).toEqual({ GreetingName: '/inline-test/Greeting' });
    expect(await ssmValue('/inline-test/Greeting')).toBe('hello');
    const stored = await cfn.send(new GetTemplateCommand({ StackName: 'inline-test' }));
    expect(JSON.parse(stored.TemplateBody ?? '{}')).toEqual(template);
    expect(capture.stderr).toContain('Creating test stack inline-test (stack inline-test in us-east-1)');
    expect(capture.stderr).toContain('inline-test  AWS::CloudFormation::Stack  CREATE_COMPLETE');
    expect(capture.stderr).toMatch(/✔ Created test stack inline-test \(stack inline-test\) in \d+s\./);
    expect(capture.stderr).toContain('Outputs:\n  GreetingName: /inline-test/Greeting\n');
    expect(capture.stderr).not.toContain('s3://');
    expect(
      await describeStack(context(newCapture()), { stackName: 'inline-test', region: testbed().region }),
    ).toMatchObject({ status: 'CREATE_COMPLETE', parameters: { Environment: 'staging' } });
  });

  it('sends a template over 51,200 bytes through S3, creating the bucket, and deletes the object afterwards', async () => {
    const bucket = 'cloudlift-fresh-templates';
    await expect(s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toThrow();
    const capture = newCapture();
    const template = parametersTemplate('large-test', { Greeting: 'hello' }, 60);
    expect(Buffer.byteLength(JSON.stringify(template))).toBeGreaterThan(inlineTemplateLimit);

    const result = await createStack(
      context(capture),
      request('large-test', template, { templateBucket: bucket }),
    );

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(await ssmValue('/large-test/padding/59')).toBe('p'.repeat(1_000));
    expect(capture.stderr).toContain(`Created S3 bucket ${bucket} in us-east-1`);
    expect(capture.stderr).toContain(
      `over CloudFormation's inline limit: sending it through s3://${bucket}/cloudlift/large-test/`,
    );
    await s3.send(new HeadBucketCommand({ Bucket: bucket })); // the bucket stays for next time
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(objects.KeyCount ?? 0).toBe(0);
  });

  it('sends large service templates through the original bucket, cloudlift-service-template, by default', async () => {
    const capture = newCapture();
    const template = parametersTemplate('default-bucket-test', { Greeting: 'hello' }, 60);
    await createStack(context(capture), request('default-bucket-test', template));
    expect(capture.stderr).toContain(
      `sending it through s3://${serviceTemplateBucket}/cloudlift/default-bucket-test/`,
    );
    const objects = await s3.send(
      new ListObjectsV2Command({ Bucket: serviceTemplateBucket, Prefix: 'cloudlift/default-bucket-test/' }),
    );
    expect(objects.KeyCount ?? 0).toBe(0);
  });

  it('uses $CLOUDLIFT_TEMPLATE_BUCKET for large templates when set', async () => {
    const capture = newCapture();
    const template = parametersTemplate('bucket-test', { Greeting: 'hi' }, 60);
    const ctx = context(capture, { env: { CLOUDLIFT_TEMPLATE_BUCKET: 'my-own-templates' } });
    await createStack(ctx, request('bucket-test', template));
    expect(capture.stderr).toContain('sending it through s3://my-own-templates/cloudlift/bucket-test/');
    await s3.send(new HeadBucketCommand({ Bucket: 'my-own-templates' }));
  });

  it('explains a create that CloudFormation refused, naming the leftover stack to delete', async () => {
    // moto raises resource errors from CreateStack itself and leaves the stack CREATE_IN_PROGRESS; AWS reports them
    // as CREATE_FAILED events instead (covered in test/deploy/stacks.test.ts). Either way the user gets the next step.
    const template = synthesize({
      stackName: 'refused-test',
      build: (stack, cdk) => {
        new cdk.CfnParameter(stack, 'Environment', { type: 'String' });
        new cdk.aws_ecs.CfnService(stack, 'Web', { cluster: 'no-such-cluster', desiredCount: 0 });
      },
    });
    const error = await createStack(context(newCapture()), request('refused-test', template)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CloudliftError);
    expect((error as CloudliftError).message).toMatch(
      /^Could not create test stack refused-test: create stack/,
    );
    expect((error as CloudliftError).hint).toBe(
      'Stack refused-test was left in CREATE_IN_PROGRESS; delete it with `aws cloudformation delete-stack --stack-name refused-test --region us-east-1` before trying again.',
    );
  });

  it('refuses a stack that already exists, naming its status and the update command', async () => {
    await existing('exists-test', { Greeting: 'hello' });
    const template = parametersTemplate('exists-test', { Greeting: 'something else' });
    const error = await createStack(context(newCapture()), request('exists-test', template)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CloudliftError);
    expect(error).toMatchObject({
      code: 'StackExists',
      exitCode: 1,
      message:
        'Cannot create test stack exists-test: stack exists-test already exists in us-east-1 (CREATE_COMPLETE)',
      hint: 'Update it instead: `cloudlift update_service --name exists-test`.',
    });
    expect(await ssmValue('/exists-test/Greeting')).toBe('hello');
  });
});

describe('updateStack', () => {
  it('previews the modified resource, applies it with --yes and returns the outputs', async () => {
    await existing('apply-test', { Greeting: 'hello' });
    const capture = newCapture();
    const template = parametersTemplate('apply-test', { Greeting: 'bonjour', Farewell: 'bye' });
    const result = await updateStack(context(capture, { yes: true }), request('apply-test', template));

    expect(result).toMatchObject({
      changed: true,
      status: 'UPDATE_COMPLETE',
      outputs: { GreetingName: '/apply-test/Greeting', FarewellName: '/apply-test/Farewell' },
    });
    expect(await ssmValue('/apply-test/Greeting')).toBe('bonjour');
    expect(await ssmValue('/apply-test/Farewell')).toBe('bye');
    expect(capture.stderr).toContain('Changes to apply-test (test stack apply-test):');
    expect(capture.stderr).toMatch(/~ modify\s+Greeting\s+AWS::SSM::Parameter/);
    expect(capture.stderr).toMatch(/\+ add\s+Farewell\s+AWS::SSM::Parameter/);
    expect(capture.stderr).toContain('changes: Value');
    expect(capture.stderr).toContain('Summary: 1 to add, 1 to modify, 0 to remove');
    expect(capture.stderr).toContain('Apply these changes to apply-test? yes (--yes)');
    expect(capture.stderr).toMatch(/✔ Updated test stack apply-test \(stack apply-test\) in \d+s\./);
    expect(capture.stderr).toContain('apply-test  AWS::CloudFormation::Stack  UPDATE_COMPLETE');
  });

  it('says "No changes" and succeeds without a change set left when nothing differs', async () => {
    await existing('same-test', { Greeting: 'hello' });
    const capture = newCapture();
    const before = await changeSetsOf('same-test');
    const template = parametersTemplate('same-test', { Greeting: 'hello' });
    const result = await updateStack(context(capture), request('same-test', template));

    expect(result).toMatchObject({ changed: false, status: 'CREATE_COMPLETE' });
    expect(result.outputs).toEqual({ GreetingName: '/same-test/Greeting' });
    expect(capture.stderr).toContain('✔ No changes to same-test (test stack same-test): it is up to date.');
    expect(capture.stderr).not.toContain('Apply these changes');
    expect(await changeSetsOf('same-test')).toEqual(before);
  });

  it('without --yes and without a terminal: a clear error, the change set deleted, nothing changed', async () => {
    await existing('decline-test', { Greeting: 'hello' });
    const capture = newCapture();
    const before = await changeSetsOf('decline-test');
    const template = parametersTemplate('decline-test', { Greeting: 'hola' });
    const error = await updateStack(context(capture), request('decline-test', template)).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({
      message:
        'Apply these changes to decline-test? needs an answer, and cloudlift does not ask here (there is no terminal)',
      hint: 'Pass --yes to apply them without asking. Nothing changed in decline-test: the change set was deleted.',
    });
    expect((error as CloudliftError).exitCode).toBe(2); // a usage error: the flag that was missing is named
    expect(capture.stderr).toMatch(/~ modify\s+Greeting\s+AWS::SSM::Parameter/);
    expect(await changeSetsOf('decline-test')).toEqual(before);
    expect(await ssmValue('/decline-test/Greeting')).toBe('hello');
    expect(await statusOf('decline-test')).toBe('CREATE_COMPLETE');
  });

  it('updates a large stack through S3 and deletes the uploaded template', async () => {
    await existing('large-update-test', { Greeting: 'hello' }, 60);
    const capture = newCapture();
    const template = parametersTemplate('large-update-test', { Greeting: 'hello again' }, 60);
    const result = await updateStack(context(capture, { yes: true }), request('large-update-test', template));
    expect(result.changed).toBe(true);
    expect(await ssmValue('/large-update-test/Greeting')).toBe('hello again');
    expect(capture.stderr).toContain(
      `sending it through s3://${serviceTemplateBucket}/cloudlift/large-update-test/`,
    );
    const objects = await s3.send(
      new ListObjectsV2Command({ Bucket: serviceTemplateBucket, Prefix: 'cloudlift/large-update-test/' }),
    );
    expect(objects.KeyCount ?? 0).toBe(0);
  });

  it('refuses to update a stack that does not exist, naming the create command', async () => {
    const template = parametersTemplate('missing-test', { Greeting: 'x' });
    const error = await updateStack(
      context(newCapture(), { yes: true }),
      request('missing-test', template, { commands: { create: 'cloudlift create_service --name missing' } }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'StackNotFound',
      message: 'Cannot update test stack missing-test: stack missing-test does not exist in us-east-1',
      hint: 'Create it first: `cloudlift create_service --name missing`.',
    });
  });
});

describe('previewStackUpdate and stackOutputs', () => {
  it('shows the changes of a dry run, deletes its change set and changes nothing', async () => {
    await existing('preview-test', { Greeting: 'hello', Farewell: 'bye' });
    const capture = newCapture();
    const before = await changeSetsOf('preview-test');
    const template = parametersTemplate('preview-test', { Greeting: 'hello' });
    const preview = await previewStackUpdate(context(capture), request('preview-test', template));

    expect(preview.hasChanges).toBe(true);
    expect(preview.preview?.rows.map((row) => [row.action, row.logicalId])).toEqual([['remove', 'Farewell']]);
    expect(capture.stderr).toMatch(/- remove\s+Farewell\s+AWS::SSM::Parameter/);
    expect(capture.stderr).toContain('Preview only: the change set was deleted and nothing was changed.');
    expect(await changeSetsOf('preview-test')).toEqual(before);
    expect(await ssmValue('/preview-test/Farewell')).toBe('bye');
    expect(await statusOf('preview-test')).toBe('CREATE_COMPLETE');
  });

  it('reads outputs of an existing stack and undefined for a missing one', async () => {
    await existing('outputs-test', { Greeting: 'hello', Farewell: 'bye' });
    const ctx = context(newCapture());
    expect(await stackOutputs(ctx, { stackName: 'outputs-test', region: testbed().region })).toEqual({
      GreetingName: '/outputs-test/Greeting',
      FarewellName: '/outputs-test/Farewell',
    });
    expect(await stackOutputs(ctx, { stackName: 'no-such-stack', region: testbed().region })).toBeUndefined();
  });
});
