// Configuration as the original Cloudlift stores it, written straight into the testbed: the environment record in
// `environment_configurations`, a service record in `service_configurations` and an app's Parameter Store values.
import { minimumSecretLength, registerSecret } from './secrets.js';
import { awsClientConfig } from './testbed.js';

/** Saves the environment record as the original did: `{ environment, configuration: { <env>: doc, cloudlift_version } }`. */
export async function saveEnvironmentRecord(
  environment: string,
  document: Record<string, unknown>,
): Promise<void> {
  const { DynamoDBClient, CreateTableCommand, DescribeTableCommand } =
    await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const dynamo = new DynamoDBClient(awsClientConfig());
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
  await DynamoDBDocumentClient.from(dynamo).send(
    new PutCommand({
      TableName,
      Item: { environment, configuration: { [environment]: document, cloudlift_version: '2.1.1' } },
    }),
  );
}

/** Saves a service record as the original did, `{ service_name, environment, configuration }`, creating the table. */
export async function saveServiceRecord(
  app: string,
  environment: string,
  configuration: Record<string, unknown>,
): Promise<void> {
  const { CreateTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const dynamo = new DynamoDBClient(awsClientConfig());
  const TableName = 'service_configurations';
  await dynamo
    .send(
      new CreateTableCommand({
        TableName,
        KeySchema: [
          { AttributeName: 'service_name', KeyType: 'HASH' },
          { AttributeName: 'environment', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'service_name', AttributeType: 'S' },
          { AttributeName: 'environment', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    .catch(() => undefined); // already there
  await DynamoDBDocumentClient.from(dynamo).send(
    new PutCommand({ TableName, Item: { service_name: app, environment, configuration } }),
  );
}

/** Puts `/<env>/<app>/<KEY>` SecureStrings (overwriting) and registers them as secrets; returns [KEY, ARN] in order. */
export async function putAppParameters(
  environment: string,
  app: string,
  values: Record<string, string>,
): Promise<Array<[string, string]>> {
  const ssm = await import('@aws-sdk/client-ssm');
  const client = new ssm.SSMClient(awsClientConfig());
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(values)) {
    if (value.length >= minimumSecretLength) {
      registerSecret(value); // no CLI output may show it without --reveal (short ones like "80" cannot be checked)
    }
    const Name = `/${environment}/${app}/${key}`;
    await client.send(
      new ssm.PutParameterCommand({ Name, Value: value, Type: 'SecureString', Overwrite: true }),
    );
    const answer = await client.send(new ssm.GetParameterCommand({ Name }));
    pairs.push([key, answer.Parameter?.ARN ?? '']);
  }
  return pairs;
}
