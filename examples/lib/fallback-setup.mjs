// Stand-ins for `create_environment` / `create_service` while those commands are not built in this checkout, so the
// demo can still show deploy_service end to end. Against the testbed only (AWS_ENDPOINT_URL must be set).
//   node fallback-setup.mjs environment <env> <config.json> <template.json> <key pair>
//       saves the environment record in the original's DynamoDB layout and creates the stack cluster-<env> from the
//       template `cloudlift render_environment` printed for that configuration
//   node fallback-setup.mjs service <app> <env> <execution role ARN> <registry host>
//       creates a minimal service stack <app>-<env>: task definition WebFamily + ECS service Web (desired count 0),
//       output WebEcsServiceName — the shape create_service leaves before the first deploy
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';

if (!process.env.AWS_ENDPOINT_URL) {
  process.stderr.write(
    'fallback-setup: AWS_ENDPOINT_URL is not set; this stand-in only runs against the testbed\n',
  );
  process.exit(2);
}
const config = { region: process.env.AWS_REGION ?? 'us-east-1', maxAttempts: 1 };
const [kind, ...args] = process.argv.slice(2);

async function environment(env, file, templateFile, keyName) {
  const document = JSON.parse(readFileSync(file, 'utf8'));
  const dynamo = new DynamoDBClient(config);
  const TableName = 'environment_configurations';
  const exists = await dynamo.send(new DescribeTableCommand({ TableName })).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await dynamo.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'environment', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'environment', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  const item = { environment: env, configuration: { [env]: document, cloudlift_version: '2.1.1' } };
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  await documents.send(new PutCommand({ TableName, Item: item }));
  await createStack(`cluster-${env}`, readFileSync(templateFile, 'utf8'), {
    Environment: env,
    KeyPair: keyName,
  });
  process.stderr.write(`fallback-setup: saved environment ${env} and created the stack cluster-${env}\n`);
}

async function createStack(StackName, TemplateBody, parameters) {
  const cfn = new CloudFormationClient(config);
  await cfn.send(
    new CreateStackCommand({
      StackName,
      TemplateBody,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const status = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0]?.StackStatus ?? '';
    if (status === 'CREATE_COMPLETE') {
      return;
    }
    if (status.includes('FAILED') || status.includes('ROLLBACK')) {
      throw new Error(`stack ${StackName} ended ${status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`stack ${StackName} was not created in time`);
}

async function service(app, env, executionRoleArn, registryHost) {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      WebTaskDefinition: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: 'WebFamily',
          ExecutionRoleArn: executionRoleArn,
          ContainerDefinitions: [
            {
              Name: 'WebContainer',
              Image: `${registryHost}/${app}-repo:cloudlift-not-deployed-yet`,
              Essential: true,
              MemoryReservation: 64,
              PortMappings: [{ ContainerPort: 80 }],
              LogConfiguration: {
                LogDriver: 'awslogs',
                Options: {
                  'awslogs-group': `${env}-logs`,
                  'awslogs-region': config.region,
                  'awslogs-stream-prefix': 'Web',
                },
              },
            },
          ],
        },
      },
      Web: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: `cluster-${env}`,
          TaskDefinition: { Ref: 'WebTaskDefinition' },
          DesiredCount: 0,
        },
      },
    },
    Outputs: { WebEcsServiceName: { Value: { 'Fn::GetAtt': ['Web', 'Name'] } } },
  };
  await createStack(`${app}-${env}`, JSON.stringify(template), {});
  process.stderr.write(`fallback-setup: created the service stack ${app}-${env}\n`);
}

if (kind === 'environment' && args.length === 4) {
  await environment(args[0], args[1], args[2], args[3]);
} else if (kind === 'service' && args.length === 4) {
  await service(args[0], args[1], args[2], args[3]);
} else {
  process.stderr.write(
    'usage: fallback-setup.mjs environment <env> <config.json> <template.json> <key> | service <app> <env> <role> <host>\n',
  );
  process.exit(2);
}
