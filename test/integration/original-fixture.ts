// Stacks and records as the original Cloudlift 2.1.1 created them, in the testbed: its own templates
// (test/parity/original-2.1.1/) created verbatim, except the ids that belong to its run (Elastic IP, certificate,
// the environment stack's VPC, subnet, security-group and listener ids), which are swapped for this account's; its
// stored records; and what its commands need around them (topic, key pair, AMI parameter, Parameter Store values).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  environmentDocument,
  environmentOutputs,
  originalEnvironmentTemplateText,
  originalServiceTemplateText,
  serviceRecords,
} from '../parity/oracle.js';
import { putAppParameters, saveEnvironmentRecord, saveServiceRecord } from '../support/stored-config.js';
import { awsClientConfig, seedAccount } from '../support/testbed.js';

/** The reference run's values that must exist under the same names here (its templates name them literally). */
export const originalNames = { topic: 'cloudlift-demo-alerts', keyPair: 'cloudlift-demo' };

/** Replaces every occurrence of each key by its value. */
function substitute(text: string, replacements: ReadonlyMap<string, string>): string {
  let result = text;
  for (const [from, to] of replacements) {
    result = result.split(from).join(to);
  }
  return result;
}

/** Creates a stack from a template body (YAML or JSON) and returns its status, outputs and failure reasons. */
export async function createStackFromText(
  stackName: string,
  body: string,
  parameters: Record<string, string>,
): Promise<{ status: string; outputs: Record<string, string>; reasons: string[] }> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(awsClientConfig());
  await client.send(
    new cfn.CreateStackCommand({
      StackName: stackName,
      TemplateBody: body,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  const stack = (await client.send(new cfn.DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  const events = await client.send(new cfn.DescribeStackEventsCommand({ StackName: stackName }));
  return {
    status: stack?.StackStatus ?? 'MISSING',
    outputs: Object.fromEntries(
      (stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    ),
    reasons: (events.StackEvents ?? []).flatMap((event) =>
      event.ResourceStatusReason ? [event.ResourceStatusReason] : [],
    ),
  };
}

/** The original's environment, created: its record stored and `cluster-<env>` made from its template. */
export interface OriginalEnvironment {
  environment: string;
  /** Reference-run id → this account's id, for the service templates. */
  replacements: Map<string, string>;
}

/**
 * Seeds the account, stores the original's record of `environment` and creates `cluster-<env>` from the original's
 * template body, with this account's Elastic IP and certificate in place of the reference run's.
 */
export async function createOriginalEnvironment(environment: string): Promise<OriginalEnvironment> {
  const seed = await seedAccount();
  const [sns, ec2] = await Promise.all([import('@aws-sdk/client-sns'), import('@aws-sdk/client-ec2')]);
  await new sns.SNSClient(awsClientConfig()).send(new sns.CreateTopicCommand({ Name: originalNames.topic }));
  await new ec2.EC2Client(awsClientConfig())
    .send(new ec2.CreateKeyPairCommand({ KeyName: originalNames.keyPair }))
    .catch(() => undefined); // already there
  const document = environmentDocument(environment) as {
    vpc: { 'nat-gateway': { 'elastic-ip-allocation-id': string } };
    environment: { ssl_certificate_arn: string };
  };
  const runIds = new Map([
    [document.vpc['nat-gateway']['elastic-ip-allocation-id'], seed.eipAllocationId],
    [document.environment.ssl_certificate_arn, seed.certificateArn],
  ]);
  const stored = JSON.parse(substitute(JSON.stringify(document), runIds)) as Record<string, unknown>;
  await saveEnvironmentRecord(environment, stored);
  const created = await createStackFromText(
    `cluster-${environment}`,
    substitute(originalEnvironmentTemplateText(environment), runIds),
    { KeyPair: originalNames.keyPair, Environment: environment },
  );
  if (created.status !== 'CREATE_COMPLETE') {
    throw new Error(`cluster-${environment}: ${created.status}: ${created.reasons.join(' | ')}`);
  }
  const replacements = new Map(runIds);
  for (const [key, value] of Object.entries(environmentOutputs(environment))) {
    const now = created.outputs[key];
    if (now !== undefined && now !== value && value !== '') {
      replacements.set(value, now);
    }
  }
  return { environment, replacements };
}

/**
 * Creates the service stack `<app>-<env>` from the original's template of variant `app` (with this environment's
 * ids), stores the original's record, and returns an app folder whose env.sample matches its Parameter Store values.
 */
export async function createOriginalService(environment: OriginalEnvironment, app: string): Promise<string> {
  const record = serviceRecords()[app];
  if (record === undefined) {
    throw new Error(`no stored record for ${app}`);
  }
  await saveServiceRecord(app, environment.environment, record.configuration);
  await putAppParameters(environment.environment, app, { PORT: '80', DATABASE_URL: 'x' });
  const created = await createStackFromText(
    `${app}-${environment.environment}`,
    substitute(originalServiceTemplateText(app), environment.replacements),
    { Environment: environment.environment },
  );
  if (created.status !== 'CREATE_COMPLETE') {
    throw new Error(`${app}-${environment.environment}: ${created.status}: ${created.reasons.join(' | ')}`);
  }
  const folder = mkdtempSync(join(tmpdir(), `cloudlift-${app}-`));
  writeFileSync(join(folder, 'env.sample'), 'PORT=80\nDATABASE_URL=x\n');
  return folder;
}

/** One resource change of a change set, as DescribeChangeSet reports it. */
export interface ReportedChange {
  action: string;
  logicalId: string;
  type: string;
  replacement: string | undefined;
  /** Properties changed directly (Details with ChangeSource DirectModification), e.g. `ContainerDefinitions`. */
  properties: string[];
  scope: string[];
}

/** Every resource change of the newest change set of a stack (all pages), as DescribeChangeSet reports them. */
export async function newestChangeSet(
  stackName: string,
): Promise<{ name: string; changes: ReportedChange[] }> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(awsClientConfig());
  const summaries =
    (await client.send(new cfn.ListChangeSetsCommand({ StackName: stackName }))).Summaries ?? [];
  const newest = [...summaries].sort(
    (a, b) => (b.CreationTime?.getTime() ?? 0) - (a.CreationTime?.getTime() ?? 0),
  )[0];
  if (newest?.ChangeSetId === undefined) {
    return { name: '', changes: [] };
  }
  const changes: ReportedChange[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new cfn.DescribeChangeSetCommand({ ChangeSetName: newest.ChangeSetId, NextToken: token }),
    );
    for (const change of page.Changes ?? []) {
      const resource = change.ResourceChange;
      changes.push({
        action: resource?.Action ?? '',
        logicalId: resource?.LogicalResourceId ?? '',
        type: resource?.ResourceType ?? '',
        replacement: resource?.Replacement,
        properties: (resource?.Details ?? [])
          .filter(
            (detail) =>
              detail.ChangeSource === 'DirectModification' && detail.Target?.Attribute === 'Properties',
          )
          .map((detail) => detail.Target?.Name ?? ''),
        scope: resource?.Scope ?? [],
      });
    }
    token = page.NextToken;
  } while (token !== undefined);
  return { name: newest.ChangeSetName ?? '', changes };
}
