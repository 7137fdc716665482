// DynamoDB adapter for the configuration tables the original Cloudlift created: ensure a table, read an item,
// write an item conditionally. No decisions here: versions and conflicts are handled in src/deploy/config/config-store.ts.
// The client and table helpers also serve the release ledger (releases-table.ts).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CloudliftError } from '../errors.js';
import type { ClientConfig } from './clients.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** Item attributes cloudlift adds next to the original's `configuration`; the original reads only `configuration`. */
export const revisionAttribute = 'cloudlift_revision';
export const toolVersionAttribute = 'cloudlift_tool_version';

/** One stored configuration item. */
export interface ConfigItem {
  configuration: Record<string, unknown>;
  /** Our write counter; undefined for items only the original has written. */
  revision: number | undefined;
  /** The cloudlift (TypeScript) version that last wrote the item. */
  toolVersion: string | undefined;
}

/** What the stored item must look like for a write to go through. */
export type WriteCondition = { kind: 'absent' } | { kind: 'legacy' } | { kind: 'revision'; value: number };

/** A document client for `config.region` (undefined attribute values are left out of items). */
export async function openDocumentClient(config: ClientConfig): Promise<DynamoDBDocumentClient> {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** True when the table exists. */
export async function tableExists(documents: DynamoDBDocumentClient, table: string): Promise<boolean> {
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  try {
    await documents.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      return false;
    }
    throw toCloudliftError(error, `look up DynamoDB table ${table}`);
  }
}

/** One key attribute of a table: the first is the HASH key, the others RANGE keys. */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

/** Creates a pay-per-request table and waits until it is ACTIVE — by asking, not by sleeping. */
export async function createTable(
  documents: DynamoDBDocumentClient,
  table: string,
  keys: readonly KeyAttribute[],
): Promise<void> {
  const { CreateTableCommand, waitUntilTableExists } = await import('@aws-sdk/client-dynamodb');
  await aws(`create DynamoDB table ${table}`, async () => {
    try {
      await documents.send(
        new CreateTableCommand({
          TableName: table,
          KeySchema: keys.map((key, index) => ({
            AttributeName: key.name,
            KeyType: index === 0 ? 'HASH' : 'RANGE',
          })),
          AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      if (!isAwsError(error, 'ResourceInUseException')) {
        throw error; // someone else creating it at the same moment is fine: we wait below
      }
    }
    await waitUntilTableExists(
      { client: documents, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
      { TableName: table },
    );
  });
}

/** The configuration tables of one region. */
export class ConfigTables {
  private constructor(
    private readonly documents: DynamoDBDocumentClient,
    readonly region: string,
  ) {}

  /** Opens the tables' client in `config.region`. */
  static async open(config: ClientConfig): Promise<ConfigTables> {
    return new ConfigTables(await openDocumentClient(config), config.region);
  }

  /** True when the table exists (reads never create tables). */
  async tableExists(table: string): Promise<boolean> {
    return tableExists(this.documents, table);
  }

  /** Creates the table the way the original did: first key HASH, the rest RANGE, all strings, pay per request. */
  async createTable(table: string, keys: readonly string[]): Promise<void> {
    await createTable(
      this.documents,
      table,
      keys.map((name) => ({ name, type: 'S' })),
    );
  }

  /** Reads one item with a consistent read; undefined when absent (or when the table does not exist). */
  async get(table: string, key: Record<string, string>): Promise<ConfigItem | undefined> {
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    try {
      const result = await this.documents.send(
        new GetCommand({ TableName: table, Key: key, ConsistentRead: true }),
      );
      const item = result.Item;
      if (item === undefined) {
        return undefined;
      }
      const configuration = item.configuration as unknown;
      if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) {
        throw new CloudliftError(
          'CorruptConfig',
          `The item of ${describeKey(key)} in ${table} has no configuration map`,
          {
            hint: `Inspect it with: aws dynamodb get-item --table-name ${table} --key '${JSON.stringify(toAttributeKey(key))}'`,
          },
        );
      }
      return {
        configuration: configuration as Record<string, unknown>,
        revision: typeof item[revisionAttribute] === 'number' ? item[revisionAttribute] : undefined,
        toolVersion: typeof item[toolVersionAttribute] === 'string' ? item[toolVersionAttribute] : undefined,
      };
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) {
        return undefined;
      }
      throw toCloudliftError(error, `read ${describeKey(key)} from ${table} (${this.region})`);
    }
  }

  /**
   * Writes `configuration` (the original's attribute, whole document replaced, as it did) plus our revision counter,
   * only if the stored item still matches `condition`. Returns false when someone else wrote first.
   */
  async put(
    table: string,
    key: Record<string, string>,
    item: { configuration: Record<string, unknown>; revision: number; toolVersion: string },
    condition: WriteCondition,
  ): Promise<boolean> {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const firstKey = Object.keys(key)[0] ?? 'environment';
    const names: Record<string, string> = {
      '#configuration': 'configuration',
      '#revision': revisionAttribute,
      '#tool': toolVersionAttribute,
    };
    const values: Record<string, unknown> = {
      ':configuration': item.configuration,
      ':next': item.revision,
      ':tool': item.toolVersion,
    };
    let conditionExpression: string;
    if (condition.kind === 'absent') {
      names['#key'] = firstKey;
      conditionExpression = 'attribute_not_exists(#key)';
    } else if (condition.kind === 'legacy') {
      names['#key'] = firstKey;
      conditionExpression = 'attribute_exists(#key) AND attribute_not_exists(#revision)';
    } else {
      values[':expected'] = condition.value;
      conditionExpression = '#revision = :expected';
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #configuration = :configuration, #revision = :next, #tool = :tool',
          ConditionExpression: conditionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) {
        return false;
      }
      throw toCloudliftError(error, `save ${describeKey(key)} in ${table} (${this.region})`);
    }
  }
}

function toAttributeKey(key: Record<string, string>): Record<string, { S: string }> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));
}

/** `environment staging`, or `service shop in environment staging`, for messages. */
function describeKey(key: Record<string, string>): string {
  const { service_name: service, environment } = key;
  if (service !== undefined) {
    return `service ${service} in environment ${environment ?? '?'}`;
  }
  return environment !== undefined ? `environment ${environment}` : JSON.stringify(key);
}
