// Turns a change set's resource changes and the parameter differences into preview rows, flagging replacements and
// the changes known to cause downtime, so a person can decide before anything is applied.
import type { Template } from './templates/template.js';

/** One property-level detail of a resource change (the change set's `Details[]`, in domain terms). */
export interface ChangeDetail {
  /** `Properties`, `Metadata`, `Tags`...; with `Properties`, `name` is the property. */
  attribute?: string;
  name?: string;
  /** `Never`, `Conditionally` or `Always`. */
  requiresRecreation?: string;
  /** `DirectModification`, `ResourceReference`, `ParameterReference`... */
  changeSource?: string;
  causingEntity?: string;
}

/** One resource change of a change set. */
export interface ResourceChange {
  /** `Add`, `Modify`, `Remove`, `Import`, `Dynamic`. */
  action: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** `True`, `False` or `Conditional` (absent for Add/Remove, and in emulators). */
  replacement?: string;
  details: readonly ChangeDetail[];
}

/** What a preview row does to its resource. */
export type PreviewAction = 'add' | 'modify' | 'remove' | 'import' | 'other';

/** Whether a modification replaces the resource (a new physical resource, the old one deleted). */
export type Replacement = 'yes' | 'conditional' | 'no';

/** One row of the preview. */
export interface PreviewRow {
  action: PreviewAction;
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  replacement: Replacement;
  /** Names of the changed properties (or attributes), sorted, without duplicates. */
  changed: string[];
  /** Plain-language downtime or data-loss warnings for this row. */
  risks: string[];
}

/** One stack parameter that changes. */
export interface ParameterChange {
  name: string;
  /** Undefined when the parameter is new. */
  before?: string;
  /** Undefined when the parameter goes away. */
  after?: string;
}

/** Everything the preview shows. */
export interface ChangePreview {
  rows: PreviewRow[];
  parameters: ParameterChange[];
  counts: { add: number; modify: number; remove: number; replace: number };
  /** True when neither resources nor parameters change. */
  isEmpty: boolean;
}

function actionOf(action: string): PreviewAction {
  switch (action) {
    case 'Add':
      return 'add';
    case 'Modify':
      return 'modify';
    case 'Remove':
      return 'remove';
    case 'Import':
      return 'import';
    default:
      return 'other';
  }
}

/** The change set's `Replacement`, or (when absent, as in emulators) what the details say. */
function replacementOf(change: ResourceChange): Replacement {
  const flag = change.replacement ?? inferredReplacement(change.details);
  if (flag === 'True') {
    return 'yes';
  }
  return flag === 'Conditional' ? 'conditional' : 'no';
}

function inferredReplacement(details: readonly ChangeDetail[]): string {
  if (details.some((detail) => detail.requiresRecreation === 'Always')) {
    return 'True';
  }
  return details.some((detail) => detail.requiresRecreation === 'Conditionally') ? 'Conditional' : 'False';
}

function changedNames(details: readonly ChangeDetail[]): string[] {
  const names = details
    .map((detail) => (detail.attribute === 'Properties' ? detail.name : detail.attribute))
    .filter((name): name is string => name !== undefined && name !== '');
  return [...new Set(names)].sort();
}

/** Known consequences, by resource type, of replacing (or removing) a resource. */
const replacementRisks: Record<string, string> = {
  'AWS::ECS::Service':
    'the ECS service is replaced: its running tasks stop before the new service is healthy (downtime)',
  'AWS::ECS::Cluster': 'the ECS cluster is replaced: every service running in it stops (downtime)',
  'AWS::ElasticLoadBalancingV2::LoadBalancer':
    'the load balancer is replaced: its DNS name changes, so DNS records pointing to it break',
  'AWS::ElasticLoadBalancingV2::TargetGroup':
    'the target group is replaced: requests fail until the new one has healthy targets',
  'AWS::ElasticLoadBalancingV2::Listener': 'the listener is replaced: requests on its port fail meanwhile',
  'AWS::EC2::VPC': 'the VPC is replaced: everything inside it is recreated (downtime)',
  'AWS::EC2::Subnet': 'a subnet is replaced: instances and tasks in it are recreated',
  'AWS::EC2::NatGateway': 'the NAT gateway is replaced: outbound traffic gets a new public IP',
  'AWS::EC2::EIP': 'the Elastic IP is replaced: the public address changes',
  'AWS::AutoScaling::AutoScalingGroup':
    'the container instances are replaced: tasks on them are stopped and rescheduled',
  'AWS::Logs::LogGroup': 'the log group is recreated: the logs it holds are deleted',
};

/** Known consequences of removing a resource. */
const removalRisks: Record<string, string> = {
  'AWS::ECS::Service': 'the ECS service is deleted: its tasks stop',
  'AWS::Logs::LogGroup': 'the log group is deleted with the logs it holds',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'the load balancer is deleted: traffic to it stops',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'the listener rule is deleted: its host or path stops routing',
};

function risksOf(change: ResourceChange, action: PreviewAction, replacement: Replacement): string[] {
  const risks: string[] = [];
  if (action === 'remove') {
    const risk = removalRisks[change.resourceType];
    if (risk !== undefined) {
      risks.push(risk);
    }
  }
  if (action === 'modify' && replacement !== 'no') {
    const risk = replacementRisks[change.resourceType];
    if (risk !== undefined) {
      risks.push(replacement === 'conditional' ? `may be replaced: ${risk}` : risk);
    }
  }
  // The original's README warns about this one by hand: bridge ↔ awsvpc changes how tasks are reached.
  if (
    action === 'modify' &&
    change.resourceType === 'AWS::ECS::TaskDefinition' &&
    changedNames(change.details).includes('NetworkMode')
  ) {
    risks.push(
      'the network mode changes (e.g. bridge → awsvpc): tasks and target groups are recreated (downtime)',
    );
  }
  return risks;
}

/** One preview row per resource change, in the change set's order. */
export function previewRows(changes: readonly ResourceChange[]): PreviewRow[] {
  return changes.map((change) => {
    const action = actionOf(change.action);
    const replacement = action === 'modify' ? replacementOf(change) : 'no';
    const row: PreviewRow = {
      action,
      logicalId: change.logicalId,
      resourceType: change.resourceType,
      replacement,
      changed: changedNames(change.details),
      risks: risksOf(change, action, replacement),
    };
    if (change.physicalId !== undefined && change.physicalId !== '') {
      row.physicalId = change.physicalId;
    }
    return row;
  });
}

/** The parameters whose value differs between the deployed stack and the request, sorted by name. */
export function parameterChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): ParameterChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const result: ParameterChange[] = [];
  for (const name of names) {
    const old = before[name];
    const next = after[name];
    if (old === next) {
      continue;
    }
    const change: ParameterChange = { name };
    if (old !== undefined) {
      change.before = old;
    }
    if (next !== undefined) {
      change.after = next;
    }
    result.push(change);
  }
  return result;
}

/** The whole preview of a change set. */
export function buildChangePreview(
  changes: readonly ResourceChange[],
  parameters: { before: Readonly<Record<string, string>>; after: Readonly<Record<string, string>> },
): ChangePreview {
  const rows = previewRows(changes);
  const params = parameterChanges(parameters.before, parameters.after);
  const count = (action: PreviewAction): number => rows.filter((row) => row.action === action).length;
  return {
    rows,
    parameters: params,
    counts: {
      add: count('add'),
      modify: count('modify'),
      remove: count('remove'),
      replace: rows.filter((row) => row.replacement !== 'no').length,
    },
    isEmpty: rows.length === 0 && params.length === 0,
  };
}

/** The parameter values the stack will have: the request's, else the template's defaults; NoEcho ones masked. */
export function effectiveParameters(
  template: Template,
  requested: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(template.Parameters ?? {})) {
    const noEcho = (declaration as { NoEcho?: unknown }).NoEcho;
    const value = requested[name] ?? defaultText(declaration.Default);
    if (noEcho === true || noEcho === 'true') {
      result[name] = current[name] ?? '****'; // CloudFormation shows NoEcho values as ****, never compare secrets
    } else if (value !== undefined) {
      result[name] = value;
    }
  }
  return result;
}

/** A parameter default as CloudFormation reports it (lists as `a,b`). */
function defaultText(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.map((item) => defaultText(item) ?? '').join(',');
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}
