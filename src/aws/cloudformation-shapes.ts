// Conversions between the CloudFormation SDK's shapes and cloudlift's domain types, for src/aws/cloudformation.ts.
import type * as Cfn from '@aws-sdk/client-cloudformation';
import type { ChangeDetail, ResourceChange } from '../core/stacks/change-preview.js';
import type { StackEvent } from '../core/stacks/stack-status.js';
import type { StackDescription, TemplateSource } from './cloudformation.js';

function record(list: readonly { key?: string; value?: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    if (item.key !== undefined) {
      out[item.key] = item.value ?? '';
    }
  }
  return out;
}

/** Tags in the SDK's list form. */
export function awsList(values: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(values).map(([Key, Value]) => ({ Key, Value }));
}

/** Parameters in the SDK's list form. */
export function parameterList(
  values: Readonly<Record<string, string>>,
): { ParameterKey: string; ParameterValue: string }[] {
  return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

/** `TemplateBody` or `TemplateURL`. */
export function templateFields(template: TemplateSource): { TemplateBody?: string; TemplateURL?: string } {
  return 'body' in template ? { TemplateBody: template.body } : { TemplateURL: template.url };
}

/** A stack event in domain terms. */
export function toEvent(event: Cfn.StackEvent): StackEvent {
  return {
    eventId: event.EventId ?? '',
    stackName: event.StackName ?? '',
    logicalId: event.LogicalResourceId ?? '',
    ...(event.PhysicalResourceId === undefined ? {} : { physicalId: event.PhysicalResourceId }),
    resourceType: event.ResourceType ?? '',
    status: event.ResourceStatus ?? '',
    ...(event.ResourceStatusReason === undefined ? {} : { reason: event.ResourceStatusReason }),
    timestamp: event.Timestamp ?? new Date(0),
  };
}

/** A DescribeStacks entry in domain terms. */
export function toDescription(stack: Cfn.Stack, stackName: string): StackDescription {
  return {
    stackId: stack.StackId ?? stackName,
    stackName: stack.StackName ?? stackName,
    status: stack.StackStatus ?? 'UNKNOWN',
    ...(stack.StackStatusReason === undefined ? {} : { statusReason: stack.StackStatusReason }),
    parameters: record(
      (stack.Parameters ?? []).map((p) => ({ key: p.ParameterKey, value: p.ParameterValue })),
    ),
    outputs: record((stack.Outputs ?? []).map((o) => ({ key: o.OutputKey, value: o.OutputValue }))),
    tags: record((stack.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value }))),
  };
}

interface SdkResourceChange {
  Action?: string;
  LogicalResourceId?: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
  Replacement?: string;
  Details?: {
    Target?: { Attribute?: string; Name?: string; RequiresRecreation?: string };
    ChangeSource?: string;
    CausingEntity?: string;
  }[];
}

/** A change set's resource change in domain terms (none for non-resource entries). */
export function toResourceChange(change: SdkResourceChange | undefined): ResourceChange[] {
  if (change === undefined) {
    return [];
  }
  const details: ChangeDetail[] = (change.Details ?? []).map((detail) => ({
    ...(detail.Target?.Attribute === undefined ? {} : { attribute: detail.Target.Attribute }),
    ...(detail.Target?.Name === undefined ? {} : { name: detail.Target.Name }),
    ...(detail.Target?.RequiresRecreation === undefined
      ? {}
      : { requiresRecreation: detail.Target.RequiresRecreation }),
    ...(detail.ChangeSource === undefined ? {} : { changeSource: detail.ChangeSource }),
    ...(detail.CausingEntity === undefined ? {} : { causingEntity: detail.CausingEntity }),
  }));
  return [
    {
      action: change.Action ?? 'Unknown',
      logicalId: change.LogicalResourceId ?? '',
      resourceType: change.ResourceType ?? '',
      ...(change.PhysicalResourceId === undefined ? {} : { physicalId: change.PhysicalResourceId }),
      ...(change.Replacement === undefined ? {} : { replacement: change.Replacement }),
      details,
    },
  ];
}
