// Seeds the local testbed (moto) with what an AWS account has before Cloudlift's first run — an ACM certificate, an
// Elastic IP for the NAT gateway, an SNS topic for alarms, an EC2 key pair, an AMI parameter, the
// ecsTaskExecutionRole — and prints them as shell variables for examples/demo.sh. Safe to run twice. Needs
// AWS_ENDPOINT_URL (the testbed's), never AWS.
import { ACMClient, ListCertificatesCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  AllocateAddressCommand,
  CreateKeyPairCommand,
  DescribeAddressesCommand,
  DescribeKeyPairsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

if (!process.env.AWS_ENDPOINT_URL) {
  process.stderr.write('seed-testbed: AWS_ENDPOINT_URL is not set; refusing to touch a real AWS account\n');
  process.exit(2);
}
const config = { region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 1 };

const acm = new ACMClient(config);
const existing = await acm.send(new ListCertificatesCommand({}));
const certificateArn =
  existing.CertificateSummaryList?.find((c) => c.DomainName === '*.demo.cloudlift.test')?.CertificateArn ??
  (
    await acm.send(
      new RequestCertificateCommand({ DomainName: '*.demo.cloudlift.test', ValidationMethod: 'DNS' }),
    )
  ).CertificateArn;

const ec2 = new EC2Client(config);
const addresses = await ec2.send(new DescribeAddressesCommand({}));
const allocationId =
  addresses.Addresses?.find((a) => a.AssociationId === undefined)?.AllocationId ??
  (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
const keyName = 'cloudlift-demo';
const keys = await ec2.send(new DescribeKeyPairsCommand({}));
if (!(keys.KeyPairs ?? []).some((k) => k.KeyName === keyName)) {
  await ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));
}

// The EC2 hosts' AMI, as a custom AMI parameter (the emulator has no public ECS-optimized AMI parameters).
const amiParameter = '/cloudlift/demo-ami';
await new SSMClient(config).send(
  new PutParameterCommand({
    Name: amiParameter,
    Type: 'String',
    Value: JSON.stringify({ image_id: 'ami-12c6146b' }),
    Overwrite: true,
  }),
);

const topicArn = (await new SNSClient(config).send(new CreateTopicCommand({ Name: 'cloudlift-demo-alerts' })))
  .TopicArn;

const iam = new IAMClient(config);
const RoleName = 'ecsTaskExecutionRole';
const trust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const role = await iam
  .send(new GetRoleCommand({ RoleName }))
  .catch(() =>
    iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust) })),
  );

const quote = (value) => `'${String(value ?? '').replace(/'/g, `'\\''`)}'`;
process.stdout.write(
  [
    `CERTIFICATE_ARN=${quote(certificateArn)}`,
    `EIP_ALLOCATION_ID=${quote(allocationId)}`,
    `SNS_TOPIC_ARN=${quote(topicArn)}`,
    `KEY_NAME=${quote(keyName)}`,
    `EXECUTION_ROLE_ARN=${quote(role.Role?.Arn)}`,
    `AMI_PARAMETER=${quote(amiParameter)}`,
    '',
  ].join('\n'),
);
