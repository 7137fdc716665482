// The stack engine's paths the emulator cannot produce, with recorded CloudFormation answers (aws-sdk-client-mock).
// moto runs every operation synchronously (no *_IN_PROGRESS state is ever observable), emits only stack-level events,
// never fails a resource asynchronously (errors come back from CreateStack itself), never rolls back, and its change
// sets carry no Replacement. So in-progress sequences, per-resource failures, rollbacks, Ctrl-C during an operation,
// blocked stack states and replacement previews are tested here; everything moto can do is in
// test/integration/stacks.test.ts.
import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import type {
  DescribeStacksCommandOutput,
  ResourceStatus,
  StackEvent as SdkEvent,
  StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudliftError } from '../../../src/errors.js';
import { createStack, describeStack, stackOutputs, updateStack } from '../../../src/deploy/stacks/stacks.js';
import type { StackRequest } from '../../../src/deploy/stacks/stacks.js';
import { FakeClock } from '../../support/clock.js';
import { makeTestContext, newCapture } from '../../support/context.js';
import type { Capture } from '../../support/context.js';

const cfn = mockClient(CloudFormationClient);
const stackId = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cluster-staging/abc';
const start = Date.UTC(2025, 0, 1);

const request: StackRequest = {
  stackName: 'cluster-staging',
  region: 'eu-west-1',
  template: {
    Parameters: { Environment: { Type: 'String' } },
    Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
  },
  parameters: { Environment: 'staging' },
  description: 'environment staging',
  commands: {
    create: 'cloudlift create_environment -e staging',
    update: 'cloudlift update_environment -e staging',
  },
};

function missing(): Error {
  return Object.assign(new Error(`Stack with id cluster-staging does not exist`), {
    name: 'ValidationError',
  });
}

function sdkEvent(id: number, logicalId: string, status: string, reason?: string): SdkEvent {
  return {
    EventId: `ev-${id}`,
    StackId: stackId,
    StackName: 'cluster-staging',
    LogicalResourceId: logicalId,
    ResourceType: logicalId === 'cluster-staging' ? 'AWS::CloudFormation::Stack' : 'AWS::EC2::VPC',
    ResourceStatus: status as ResourceStatus,
    ...(reason === undefined ? {} : { ResourceStatusReason: reason }),
    Timestamp: new Date(start + id * 1000),
  };
}

function stack(status: string, outputs: Record<string, string> = {}): DescribeStacksCommandOutput {
  return {
    $metadata: {},
    Stacks: [
      {
        StackId: stackId,
        StackName: 'cluster-staging',
        StackStatus: status as StackStatus,
        CreationTime: new Date(start),
        Parameters: [{ ParameterKey: 'Environment', ParameterValue: 'staging' }],
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

/** How the scripted stack looks before the operation starts. */
interface Before {
  /** The first DescribeStacks answer: no stack (create) or an updatable one (update). */
  stack: 'missing' | 'exists';
  /** The first DescribeStackEvents answer (update: the boundary read before executing). */
  events?: SdkEvent[];
}

/**
 * A scripted stack: after the `before` answers, each DescribeStacks call moves one step along `steps`;
 * DescribeStackEvents returns the events up to the current step, newest first, two per page (so paging is exercised).
 */
function script(
  before: Before,
  steps: { status: string; events?: SdkEvent[]; outputs?: Record<string, string> }[],
): void {
  let stackCalls = 0;
  let eventCalls = 0;
  let step = -1;
  cfn.on(DescribeStacksCommand).callsFake(() => {
    stackCalls += 1;
    if (stackCalls === 1) {
      if (before.stack === 'missing') {
        throw missing();
      }
      return stack('UPDATE_COMPLETE');
    }
    step = Math.min(step + 1, steps.length - 1);
    const current = steps[step];
    return stack(current?.status ?? 'UNKNOWN', current?.outputs);
  });
  cfn.on(DescribeStackEventsCommand).callsFake((input: { NextToken?: string }) => {
    eventCalls += 1;
    if (eventCalls === 1 && before.events !== undefined) {
      return { StackEvents: before.events };
    }
    const all = steps
      .slice(0, Math.max(step, 0) + 1)
      .flatMap((entry) => entry.events ?? [])
      .reverse();
    const offset = Number(input.NextToken ?? '0');
    const page = all.slice(offset, offset + 2);
    return { StackEvents: page, ...(offset + 2 < all.length ? { NextToken: String(offset + 2) } : {}) };
  });
}

let capture: Capture;
let clock: FakeClock;

beforeEach(() => {
  cfn.reset();
  capture = newCapture();
  clock = new FakeClock(new Date(start));
});

afterEach(() => {
  cfn.reset();
});

describe('createStack', () => {
  it('follows IN_PROGRESS to CREATE_COMPLETE, reads every event page, prints and returns the outputs', async () => {
    cfn.on(CreateStackCommand).resolves({ StackId: stackId });
    script({ stack: 'missing' }, [
      {
        status: 'CREATE_IN_PROGRESS',
        events: [sdkEvent(1, 'cluster-staging', 'CREATE_IN_PROGRESS', 'User Initiated')],
      },
      { status: 'CREATE_IN_PROGRESS', events: [sdkEvent(2, 'stagingVpc', 'CREATE_IN_PROGRESS')] },
      {
        status: 'CREATE_IN_PROGRESS',
        events: [
          sdkEvent(3, 'stagingVpc', 'CREATE_COMPLETE'),
          sdkEvent(4, 'stagingSubnet', 'CREATE_IN_PROGRESS'),
        ],
      },
      {
        status: 'CREATE_COMPLETE',
        outputs: { VPC: 'vpc-123', Subnet: 'subnet-1' },
        events: [
          sdkEvent(5, 'stagingSubnet', 'CREATE_COMPLETE'),
          sdkEvent(6, 'cluster-staging', 'CREATE_COMPLETE'),
        ],
      },
    ]);
    const ctx = makeTestContext({ capture, clock });
    const result = await createStack(ctx, request);
    expect(result).toEqual({
      stackId,
      stackName: 'cluster-staging',
      status: 'CREATE_COMPLETE',
      outputs: { VPC: 'vpc-123', Subnet: 'subnet-1' },
    });
    const input = cfn.commandCalls(CreateStackCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      StackName: 'cluster-staging',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      OnFailure: 'ROLLBACK',
      Parameters: [{ ParameterKey: 'Environment', ParameterValue: 'staging' }],
    });
    expect(JSON.parse(input?.TemplateBody ?? '{}')).toEqual(request.template);
    const lines = capture.stderr.split('\n');
    expect(lines.filter((line) => line.includes('stagingVpc') || line.includes('stagingSubnet'))).toEqual([
      '  [    1s]  stagingVpc  AWS::EC2::VPC  CREATE_IN_PROGRESS',
      '  [    2s]  stagingVpc  AWS::EC2::VPC  CREATE_COMPLETE',
      '  [    3s]  stagingSubnet  AWS::EC2::VPC  CREATE_IN_PROGRESS',
      '  [    4s]  stagingSubnet  AWS::EC2::VPC  CREATE_COMPLETE',
    ]);
    expect(capture.stderr).toMatch(/✔ Created environment staging \(stack cluster-staging\) in \d+s\./);
    expect(capture.stderr).toContain('Outputs:\n  Subnet: subnet-1\n  VPC: vpc-123\n');
  });

  it('reports the failed resources, the final state and the delete-stack command after a rolled-back create', async () => {
    cfn.on(CreateStackCommand).resolves({ StackId: stackId });
    script({ stack: 'missing' }, [
      {
        status: 'CREATE_IN_PROGRESS',
        events: [
          sdkEvent(1, 'cluster-staging', 'CREATE_IN_PROGRESS', 'User Initiated'),
          sdkEvent(2, 'stagingVpc', 'CREATE_IN_PROGRESS'),
          sdkEvent(3, 'stagingSubnet', 'CREATE_IN_PROGRESS'),
        ],
      },
      {
        status: 'ROLLBACK_IN_PROGRESS',
        events: [
          sdkEvent(4, 'stagingSubnet', 'CREATE_FAILED', 'The CIDR 10.0.0.0/33 is invalid'),
          sdkEvent(5, 'stagingVpc', 'CREATE_FAILED', 'Resource creation cancelled'),
          sdkEvent(
            6,
            'cluster-staging',
            'ROLLBACK_IN_PROGRESS',
            'The following resource(s) failed to create',
          ),
        ],
      },
      { status: 'ROLLBACK_COMPLETE', events: [sdkEvent(7, 'cluster-staging', 'ROLLBACK_COMPLETE')] },
    ]);
    const ctx = makeTestContext({ capture, clock });
    const error = await createStack(ctx, request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudliftError);
    expect(error).toMatchObject({
      code: 'StackCreateFailed',
      exitCode: 1,
      message: 'Could not create environment staging: stack cluster-staging ended in ROLLBACK_COMPLETE',
      details: ['stagingSubnet (AWS::EC2::VPC) CREATE_FAILED: The CIDR 10.0.0.0/33 is invalid'],
    });
    expect((error as CloudliftError).hint).toContain(
      'aws cloudformation delete-stack --stack-name cluster-staging --region eu-west-1',
    );
    expect((error as CloudliftError).hint).toContain('cloudlift create_environment -e staging');
  });

  it('refuses an existing stack, explaining that a failed create must be deleted first, and never deletes it', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('ROLLBACK_COMPLETE'));
    const ctx = makeTestContext({ capture, clock });
    const error = (await createStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error.code).toBe('StackExists');
    expect(error.message).toContain('left over from a failed create (ROLLBACK_COMPLETE)');
    expect(error.hint).toContain(
      'aws cloudformation delete-stack --stack-name cluster-staging --region eu-west-1',
    );
    expect(cfn.commandCalls(CreateStackCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('on Ctrl-C says the stack goes on being created, how to watch and delete it, and deletes nothing', async () => {
    cfn.on(CreateStackCommand).resolves({ StackId: stackId });
    script({ stack: 'missing' }, [
      { status: 'CREATE_IN_PROGRESS', events: [sdkEvent(1, 'cluster-staging', 'CREATE_IN_PROGRESS')] },
    ]);
    const controller = new AbortController();
    clock.onSleep = (count) => {
      if (count === 3) {
        controller.abort(new Error('Ctrl-C'));
      }
    };
    const ctx = makeTestContext({ capture, clock, signal: controller.signal });
    const error = (await createStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error).toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect(error.message).toContain(
      'keeps creating stack cluster-staging in the background (status: CREATE_IN_PROGRESS)',
    );
    expect(error.hint).toContain(
      'aws cloudformation describe-stacks --stack-name cluster-staging --region eu-west-1',
    );
    expect(error.hint).toContain(
      'aws cloudformation delete-stack --stack-name cluster-staging --region eu-west-1',
    );
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });
});

/** DescribeChangeSet answers for a ready change set. */
function changeSetReady(changes: object[]) {
  cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1', StackId: stackId });
  cfn
    .on(DescribeChangeSetCommand)
    .resolvesOnce({ ChangeSetId: 'cs-1', Status: 'CREATE_IN_PROGRESS' })
    .resolves({
      ChangeSetId: 'cs-1',
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      Changes: changes,
    });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  cfn.on(DeleteChangeSetCommand).resolves({});
}

const replaceService = {
  Type: 'Resource',
  ResourceChange: {
    Action: 'Modify',
    LogicalResourceId: 'WebService',
    PhysicalResourceId: 'web',
    ResourceType: 'AWS::ECS::Service',
    Replacement: 'True',
    Details: [{ Target: { Attribute: 'Properties', Name: 'LaunchType', RequiresRecreation: 'Always' } }],
  },
};

describe('updateStack', () => {
  it('previews a replacement with its downtime risk, applies it with --yes, and reports a rollback as a failure', async () => {
    changeSetReady([replaceService]);
    script(
      // the boundary read before executing sees only old events
      { stack: 'exists', events: [sdkEvent(10, 'cluster-staging', 'UPDATE_COMPLETE')] },
      [
        { status: 'UPDATE_IN_PROGRESS', events: [sdkEvent(11, 'cluster-staging', 'UPDATE_IN_PROGRESS')] },
        {
          status: 'UPDATE_ROLLBACK_IN_PROGRESS',
          events: [
            sdkEvent(
              12,
              'WebService',
              'UPDATE_FAILED',
              'Resource handler returned message: "Invalid launch type"',
            ),
          ],
        },
        {
          status: 'UPDATE_ROLLBACK_COMPLETE',
          events: [sdkEvent(13, 'cluster-staging', 'UPDATE_ROLLBACK_COMPLETE')],
        },
      ],
    );
    const ctx = makeTestContext({ capture, clock, yes: true });
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(capture.stderr).toContain('  ~ modify  WebService  AWS::ECS::Service  REPLACED');
    expect(capture.stderr).toContain('! downtime risk: the ECS service is replaced');
    expect(capture.stderr).toContain('Apply these changes to cluster-staging? yes (--yes)');
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(1);
    expect(error).toMatchObject({
      code: 'StackUpdateFailed',
      exitCode: 1,
      message:
        'Could not update environment staging: stack cluster-staging ended in UPDATE_ROLLBACK_COMPLETE',
      details: [
        'WebService (AWS::EC2::VPC) UPDATE_FAILED: Resource handler returned message: "Invalid launch type"',
      ],
    });
    expect(error.hint).toContain('rolled the stack back to its previous state');
    expect(error.hint).toContain('cloudlift update_environment -e staging');
  });

  it('deletes the change set and exits softly when the person answers no (a terminal the emulator tests lack)', async () => {
    changeSetReady([replaceService]);
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    const ctx = makeTestContext({ capture, clock });
    ctx.ui.confirm = () => Promise.resolve(false);
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error).toMatchObject({
      code: 'Aborted',
      soft: true,
      exitCode: 1,
      message: 'Not applied: nothing changed in cluster-staging (the change set was deleted)',
    });
    expect(cfn.commandCalls(DeleteChangeSetCommand, { ChangeSetName: 'cs-1' })).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('treats Ctrl-C at the prompt (the prompt library rejects with ExitPromptError) as an interrupt', async () => {
    changeSetReady([replaceService]);
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    const ctx = makeTestContext({ capture, clock });
    ctx.ui.confirm = () =>
      Promise.reject(Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' }));
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error).toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('cancels the update on Ctrl-C and says it is rolling back', async () => {
    changeSetReady([replaceService]);
    script({ stack: 'exists' }, [
      { status: 'UPDATE_IN_PROGRESS' },
      { status: 'UPDATE_IN_PROGRESS' },
      { status: 'UPDATE_ROLLBACK_IN_PROGRESS' },
    ]);
    cfn.on(CancelUpdateStackCommand).resolves({});
    const controller = new AbortController();
    clock.onSleep = (count) => {
      if (count === 3) {
        controller.abort(new Error('Ctrl-C'));
      }
    };
    const ctx = makeTestContext({ capture, clock, yes: true, signal: controller.signal });
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(cfn.commandCalls(CancelUpdateStackCommand)).toHaveLength(1);
    expect(error).toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect(error.message).toBe(
      'Update of stack cluster-staging cancelled: CloudFormation is rolling it back to its previous state (status: UPDATE_ROLLBACK_IN_PROGRESS)',
    );
    expect(error.hint).toContain('aws cloudformation describe-stacks --stack-name cluster-staging');
  });

  it('says so when the update can no longer be cancelled', async () => {
    changeSetReady([replaceService]);
    script({ stack: 'exists' }, [{ status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }]);
    cfn.on(CancelUpdateStackCommand).rejects(
      Object.assign(new Error('CancelUpdateStack cannot be called from current stack status'), {
        name: 'ValidationError',
      }),
    );
    const controller = new AbortController();
    clock.onSleep = (count) => {
      if (count === 2) {
        controller.abort(new Error('Ctrl-C'));
      }
    };
    const ctx = makeTestContext({ capture, clock, yes: true, signal: controller.signal });
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error.message).toContain(
      'the update could not be cancelled and goes on (status: UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)',
    );
  });

  it.each([
    ['UPDATE_IN_PROGRESS', 'StackBusy', 'Wait until it finishes'],
    [
      'UPDATE_ROLLBACK_FAILED',
      'StackRollbackFailed',
      'aws cloudformation continue-update-rollback --stack-name cluster-staging --region eu-west-1',
    ],
    [
      'ROLLBACK_COMPLETE',
      'StackNeedsCleanup',
      'aws cloudformation delete-stack --stack-name cluster-staging --region eu-west-1',
    ],
  ])(
    'refuses a stack in %s with the command that fixes it, before creating a change set',
    async (status, code, hint) => {
      cfn.on(DescribeStacksCommand).resolves(stack(status));
      const ctx = makeTestContext({ capture, clock, yes: true });
      const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
      expect(error.code).toBe(code);
      expect(error.message).toContain(`is ${status}`);
      expect(error.hint).toContain(hint);
      expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    },
  );

  it('deletes the change set and explains a change set CloudFormation could not build', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn.on(DescribeChangeSetCommand).resolves({
      ChangeSetId: 'cs-1',
      Status: 'FAILED',
      StatusReason: 'Template format error: Unresolved resource dependencies [Nope] in the Resources block',
    });
    cfn.on(DeleteChangeSetCommand).resolves({});
    const ctx = makeTestContext({ capture, clock, yes: true });
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error.code).toBe('ChangeSetFailed');
    expect(error.message).toContain('Unresolved resource dependencies [Nope]');
    expect(cfn.commandCalls(DeleteChangeSetCommand, { ChangeSetName: 'cs-1' })).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('reports "No changes" for the FAILED change set AWS answers when nothing differs, and deletes it', async () => {
    // The testbed's moto refuses CreateChangeSet itself ("No updates are to be performed."); AWS creates the change
    // set and fails it with this reason instead. Both must read as "No changes".
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', { VPC: 'vpc-1' }));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn.on(DescribeChangeSetCommand).resolves({
      ChangeSetId: 'cs-1',
      Status: 'FAILED',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    cfn.on(DeleteChangeSetCommand).resolves({});
    const ctx = makeTestContext({ capture, clock });
    const result = await updateStack(ctx, request);
    expect(result).toEqual({
      stackId,
      stackName: 'cluster-staging',
      status: 'UPDATE_COMPLETE',
      outputs: { VPC: 'vpc-1' },
      changed: false,
    });
    expect(capture.stderr).toContain(
      '✔ No changes to cluster-staging (environment staging): it is up to date.',
    );
    expect(cfn.commandCalls(DeleteChangeSetCommand, { ChangeSetName: 'cs-1' })).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('deletes the change set when interrupted while CloudFormation prepares it', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn.on(DescribeChangeSetCommand).resolves({ ChangeSetId: 'cs-1', Status: 'CREATE_IN_PROGRESS' });
    cfn.on(DeleteChangeSetCommand).resolves({});
    const controller = new AbortController();
    clock.onSleep = (count) => {
      if (count === 2) {
        controller.abort(new Error('Ctrl-C'));
      }
    };
    const ctx = makeTestContext({ capture, clock, yes: true, signal: controller.signal });
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error).toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect(error.message).toContain('the change set was deleted');
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
  });
});

describe('Ctrl-C before anything started', () => {
  it('does not create the stack when interrupted before CreateStack', async () => {
    cfn.on(DescribeStacksCommand).rejects(missing());
    const controller = new AbortController();
    controller.abort(new Error('Ctrl-C'));
    const ctx = makeTestContext({ capture, clock, signal: controller.signal });
    const error = (await createStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error).toMatchObject({
      code: 'Interrupted',
      exitCode: 130,
      message: 'Interrupted before stack cluster-staging was created: nothing was changed',
    });
    expect(cfn.commandCalls(CreateStackCommand)).toHaveLength(0);
  });

  it('does not execute the change set when interrupted after the confirmation', async () => {
    changeSetReady([replaceService]);
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    const controller = new AbortController();
    const ctx = makeTestContext({ capture, clock, signal: controller.signal });
    ctx.ui.confirm = () => {
      controller.abort(new Error('Ctrl-C'));
      return Promise.resolve(true);
    };
    const error = (await updateStack(ctx, request).catch((caught: unknown) => caught)) as CloudliftError;
    expect(error).toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
  });
});

describe('describeStack and stackOutputs', () => {
  it('return undefined for a missing stack instead of failing', async () => {
    cfn.on(DescribeStacksCommand).rejects(missing());
    const ctx = makeTestContext({ capture, clock });
    expect(await describeStack(ctx, request)).toBeUndefined();
    expect(await stackOutputs(ctx, request)).toBeUndefined();
  });

  it('return parameters, outputs and status as records', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE', { VPC: 'vpc-1' }));
    const ctx = makeTestContext({ capture, clock });
    expect(await describeStack(ctx, request)).toMatchObject({
      stackId,
      status: 'UPDATE_COMPLETE',
      parameters: { Environment: 'staging' },
      outputs: { VPC: 'vpc-1' },
    });
    expect(await stackOutputs(ctx, request)).toEqual({ VPC: 'vpc-1' });
  });

  it('map other errors to a CloudliftError naming what was being read', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const ctx = makeTestContext({ capture, clock });
    await expect(describeStack(ctx, request)).rejects.toMatchObject({
      message: 'read stack cluster-staging in eu-west-1: Throttling: Rate exceeded',
    });
  });
});
