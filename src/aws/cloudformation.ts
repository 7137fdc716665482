// CloudFormation adapter: stacks, change sets (all pages), stack events (all new pages) and stack resources (all
// pages), in domain terms. It makes no decisions: the use cases in src/deploy/stacks/stacks.ts decide what a status means and
// what to say. SDK shape conversions live in cloudformation-shapes.ts; drift detection, which never fails a command,
// in drift.ts.
import type * as Cfn from '@aws-sdk/client-cloudformation';
import type { Context } from '../context.js';
import { CloudliftError, messageOf } from '../errors.js';
import type { ResourceChange } from '../core/stacks/change-preview.js';
import { isNoChangesReason } from '../core/stacks/stack-status.js';
import type { StackEvent } from '../core/stacks/stack-status.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';
import {
  awsList,
  parameterList,
  templateFields,
  toDescription,
  toEvent,
  toResourceChange,
} from './cloudformation-shapes.js';

/** Where CloudFormation reads the template from. */
export type TemplateSource = { body: string } | { url: string };

/** A stack as DescribeStacks sees it. */
export interface StackDescription {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  tags: Record<string, string>;
}

/** What CreateStack and CreateChangeSet both need. */
export interface StackInput {
  stackName: string;
  template: TemplateSource;
  parameters: Readonly<Record<string, string>>;
  /** Omitted: an update keeps the stack's tags (an empty list would remove them all). */
  tags?: Readonly<Record<string, string>>;
}

/** A change set as DescribeChangeSet sees it, every page of changes merged. */
export interface ChangeSetDescription {
  id: string;
  status: string;
  statusReason?: string;
  executionStatus?: string;
  changes: ResourceChange[];
}

/** One resource of a stack. */
export interface StackResource {
  logicalId: string;
  physicalId: string;
  type: string;
}

/** The CloudFormation operations cloudlift needs, bound to one region. */
export interface StackApi {
  readonly region: string;
  /** The stack, or undefined when no stack has that name (deleted stacks are not returned). */
  describe(stackName: string): Promise<StackDescription | undefined>;
  /** Starts creating a stack; returns its id. Capabilities: CAPABILITY_NAMED_IAM. */
  create(input: StackInput & { onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE' }): Promise<string>;
  /**
   * Starts creating an UPDATE change set; returns its id, or undefined when CloudFormation refuses it right away
   * because nothing would change (some implementations answer so instead of a FAILED change set).
   */
  createChangeSet(input: StackInput & { changeSetName: string }): Promise<string | undefined>;
  describeChangeSet(changeSetId: string): Promise<ChangeSetDescription>;
  executeChangeSet(changeSetId: string): Promise<void>;
  /** Deletes a change set; one that is already gone counts as deleted. */
  deleteChangeSet(changeSetId: string): Promise<void>;
  cancelUpdate(stackName: string): Promise<void>;
  /**
   * Events newer than `afterEventId` (all of them when undefined), oldest first. Reads as many pages as needed:
   * DescribeStackEvents returns the newest first, so it stops at the first page holding `afterEventId`.
   */
  eventsSince(stackId: string, afterEventId: string | undefined): Promise<StackEvent[]>;
  /** The id of the newest event of a stack (the boundary before an update starts). */
  latestEventId(stackId: string): Promise<string | undefined>;
  /** Every resource of the stack (all pages of ListStackResources). */
  resources(stackName: string): Promise<StackResource[]>;
}

/** Safety net for eventsSince: a stack with a very long history whose boundary event is somehow missing. */
const maxEventPages = 100;

/** A CloudFormation client for `region`. */
export async function stackApi(context: Pick<Context, 'aws'>, region: string): Promise<StackApi> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const client = new sdk.CloudFormationClient(await context.aws.config(region));
  const api: StackApi = {
    region,
    async describe(stackName) {
      let stacks: Cfn.Stack[];
      try {
        const answer = await client.send(new sdk.DescribeStacksCommand({ StackName: stackName }));
        stacks = answer.Stacks ?? [];
      } catch (error) {
        // A missing stack is a ValidationError "Stack with id X does not exist"; no dedicated exception exists.
        if (isAwsError(error, 'ValidationError') && /does not exist/.test(messageOf(error))) {
          return undefined;
        }
        throw toCloudliftError(error, `read stack ${stackName} in ${region}`);
      }
      const stack = stacks[0];
      return stack === undefined ? undefined : toDescription(stack, stackName);
    },

    async create(input) {
      try {
        const answer = await client.send(
          new sdk.CreateStackCommand({
            StackName: input.stackName,
            ...templateFields(input.template),
            Parameters: parameterList(input.parameters),
            ...(input.tags === undefined ? {} : { Tags: awsList(input.tags) }),
            Capabilities: ['CAPABILITY_NAMED_IAM'],
            OnFailure: input.onFailure,
          }),
        );
        return answer.StackId ?? input.stackName;
      } catch (error) {
        if (isAwsError(error, 'AlreadyExistsException')) {
          throw new CloudliftError('StackExists', `Stack ${input.stackName} already exists in ${region}`, {
            cause: error,
            hint: 'Someone created it a moment ago; run the command again to see its state.',
          });
        }
        throw toCloudliftError(error, `create stack ${input.stackName} in ${region}`);
      }
    },

    async createChangeSet(input) {
      try {
        const answer = await client.send(
          new sdk.CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            ChangeSetType: 'UPDATE',
            ...templateFields(input.template),
            Parameters: parameterList(input.parameters),
            ...(input.tags === undefined ? {} : { Tags: awsList(input.tags) }),
            Capabilities: ['CAPABILITY_NAMED_IAM'],
          }),
        );
        return answer.Id ?? input.changeSetName;
      } catch (error) {
        if (isAwsError(error, 'ValidationError') && isNoChangesReason(messageOf(error))) {
          return undefined;
        }
        throw toCloudliftError(error, `create a change set for stack ${input.stackName} in ${region}`);
      }
    },

    async describeChangeSet(changeSetId) {
      const changes: ResourceChange[] = [];
      let nextToken: string | undefined;
      let first: Cfn.DescribeChangeSetCommandOutput | undefined;
      do {
        const page = await aws(`read change set ${changeSetId}`, () =>
          client.send(new sdk.DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: nextToken })),
        );
        first ??= page;
        changes.push(...(page.Changes ?? []).flatMap((change) => toResourceChange(change.ResourceChange)));
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
      return {
        id: first.ChangeSetId ?? changeSetId,
        status: first.Status ?? 'UNKNOWN',
        ...(first.StatusReason === undefined ? {} : { statusReason: first.StatusReason }),
        ...(first.ExecutionStatus === undefined ? {} : { executionStatus: first.ExecutionStatus }),
        changes,
      };
    },

    async executeChangeSet(changeSetId) {
      await aws(`execute change set ${changeSetId}`, () =>
        client.send(new sdk.ExecuteChangeSetCommand({ ChangeSetName: changeSetId })),
      );
    },

    async deleteChangeSet(changeSetId) {
      try {
        await client.send(new sdk.DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
      } catch (error) {
        if (!isAwsError(error, 'ChangeSetNotFoundException', 'ChangeSetNotFound')) {
          throw toCloudliftError(error, `delete change set ${changeSetId}`);
        }
      }
    },

    async cancelUpdate(stackName) {
      await aws(`cancel the update of stack ${stackName} in ${region}`, () =>
        client.send(new sdk.CancelUpdateStackCommand({ StackName: stackName })),
      );
    },

    async eventsSince(stackId, afterEventId) {
      const collected: StackEvent[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < maxEventPages; page += 1) {
        const answer = await aws(`read the events of stack ${stackId}`, () =>
          client.send(new sdk.DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken })),
        );
        for (const event of answer.StackEvents ?? []) {
          if (afterEventId !== undefined && event.EventId === afterEventId) {
            return collected.reverse();
          }
          collected.push(toEvent(event));
        }
        nextToken = answer.NextToken;
        if (nextToken === undefined) {
          break;
        }
      }
      return collected.reverse();
    },

    async latestEventId(stackId) {
      const answer = await aws(`read the events of stack ${stackId}`, () =>
        client.send(new sdk.DescribeStackEventsCommand({ StackName: stackId })),
      );
      return answer.StackEvents?.[0]?.EventId;
    },

    async resources(stackName) {
      const resources: StackResource[] = [];
      let nextToken: string | undefined;
      do {
        const page = await aws(`list the resources of stack ${stackName}`, () =>
          client.send(new sdk.ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken })),
        );
        for (const summary of page.StackResourceSummaries ?? []) {
          resources.push({
            logicalId: summary.LogicalResourceId ?? '',
            physicalId: summary.PhysicalResourceId ?? '',
            type: summary.ResourceType ?? '',
          });
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
      return resources;
    },
  };
  return api;
}
