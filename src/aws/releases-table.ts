// DynamoDB adapter for the release ledger and deploy locks (table `cloudlift_releases`, next to the configuration
// tables). One partition per app and environment (`app_environment` = `<app>:<env>`, unambiguous because neither name
// may contain a colon), sorted by the number `release`; release 0 is the partition's deploy lock. Every write is
// conditional, so two deploys can never share a number or both hold the lock.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeployLock, Release, ServiceOutcomeRecord, ServiceRevision } from '../core/release/releases.js';
import { tables } from '../core/naming.js';
import type { ClientConfig } from './clients.js';
import { createTable, openDocumentClient, tableExists } from './dynamodb.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

const partitionKey = 'app_environment';
const sortKey = 'release';
/** The sort key of the lock item. */
const lockNumber = 0;

type Item = Record<string, unknown>;

function partition(app: string, environment: string): string {
  return `${app}:${environment}`;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Adds `key: value` only when value is defined (DynamoDB items and our records carry no undefined fields). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function toServiceItem(service: ServiceRevision): Item {
  return {
    component: service.component,
    ecs_service: service.ecsService,
    task_definition: service.taskDefinition,
    ...optional('previous_task_definition', service.previousTaskDefinition),
    ...optional('image', service.image),
  };
}

function fromServiceItem(item: Item): ServiceRevision {
  return {
    component: text(item.component) ?? '',
    ecsService: text(item.ecs_service) ?? '',
    taskDefinition: text(item.task_definition) ?? '',
    ...optional('previousTaskDefinition', text(item.previous_task_definition)),
    ...optional('image', text(item.image)),
  };
}

function toOutcomeItem(outcome: ServiceOutcomeRecord): Item {
  return { component: outcome.component, outcome: outcome.outcome, ...optional('reason', outcome.reason) };
}

/** Per-service outcomes; undefined for records written before they were kept (the attribute is optional). */
function fromOutcomeItems(items: unknown): ServiceOutcomeRecord[] | undefined {
  if (!Array.isArray(items)) {
    return undefined;
  }
  return (items as Item[]).map((item) => ({
    component: text(item.component) ?? '',
    outcome: (text(item.outcome) ?? 'failed') as ServiceOutcomeRecord['outcome'],
    ...optional('reason', text(item.reason)),
  }));
}

function toReleaseItem(release: Release): Item {
  return {
    [partitionKey]: partition(release.app, release.environment),
    [sortKey]: release.number,
    app: release.app,
    environment: release.environment,
    kind: release.kind,
    outcome: release.outcome,
    started_at: release.startedAt,
    actor: release.actor,
    services: release.services.map(toServiceItem),
    ...optional('finished_at', release.finishedAt),
    ...optional('duration_seconds', release.durationSeconds),
    ...optional('version', release.version),
    ...optional('git_sha', release.gitSha),
    ...optional('image', release.image),
    ...optional('image_digest', release.imageDigest),
    ...optional('config_versions', release.configVersions),
    ...optional('rollback_of', release.rollbackOf),
    ...optional('service_outcomes', release.serviceOutcomes?.map(toOutcomeItem)),
    ...optional('reason', release.reason),
    ...optional('tool_version', release.toolVersion),
  };
}

function fromReleaseItem(item: Item): Release {
  const services = Array.isArray(item.services) ? (item.services as Item[]) : [];
  const versions = item.config_versions;
  return {
    app: text(item.app) ?? '',
    environment: text(item.environment) ?? '',
    number: num(item[sortKey]) ?? 0,
    kind: (text(item.kind) ?? 'deploy') as Release['kind'],
    outcome: (text(item.outcome) ?? 'failed') as Release['outcome'],
    startedAt: text(item.started_at) ?? '',
    actor: text(item.actor) ?? 'unknown',
    services: services.map(fromServiceItem),
    ...optional('finishedAt', text(item.finished_at)),
    ...optional('durationSeconds', num(item.duration_seconds)),
    ...optional('version', text(item.version)),
    ...optional('gitSha', text(item.git_sha)),
    ...optional('image', text(item.image)),
    ...optional('imageDigest', text(item.image_digest)),
    ...optional(
      'configVersions',
      typeof versions === 'object' && versions !== null ? (versions as Record<string, number>) : undefined,
    ),
    ...optional('rollbackOf', num(item.rollback_of)),
    ...optional('serviceOutcomes', fromOutcomeItems(item.service_outcomes)),
    ...optional('reason', text(item.reason)),
    ...optional('toolVersion', text(item.tool_version)),
  };
}

function toLockItem(lock: DeployLock): Item {
  return {
    [partitionKey]: partition(lock.app, lock.environment),
    [sortKey]: lockNumber,
    app: lock.app,
    environment: lock.environment,
    holder: lock.holder,
    host: lock.host,
    purpose: lock.purpose,
    acquired_at: lock.acquiredAt,
    // Epoch seconds, so a DynamoDB TTL on `expires_at` (optional, set up by an admin) can clean stale locks up.
    expires_at: Math.floor(Date.parse(lock.expiresAt) / 1000),
    token: lock.token,
  };
}

function fromLockItem(item: Item): DeployLock {
  const expires = num(item.expires_at) ?? 0;
  return {
    app: text(item.app) ?? '',
    environment: text(item.environment) ?? '',
    holder: text(item.holder) ?? 'unknown',
    host: text(item.host) ?? 'unknown',
    purpose: text(item.purpose) ?? 'deploy',
    acquiredAt: text(item.acquired_at) ?? '',
    expiresAt: new Date(expires * 1000).toISOString(),
    token: text(item.token) ?? '',
  };
}

const attributeNames: Record<string, string> = {
  '#rel': sortKey,
  '#expires': 'expires_at',
  '#token': 'token',
};

/** The ExpressionAttributeNames a condition uses (DynamoDB rejects unused ones). */
function namesIn(condition: string): Record<string, string> {
  return Object.fromEntries(Object.entries(attributeNames).filter(([alias]) => condition.includes(alias)));
}

/** The ledger table in one region (the default region, next to the configuration tables). */
export class ReleasesTable {
  readonly name = tables.releases;

  private constructor(
    private readonly documents: DynamoDBDocumentClient,
    readonly region: string,
  ) {}

  /** Opens the table's client in `config.region`. */
  static async open(config: ClientConfig): Promise<ReleasesTable> {
    return new ReleasesTable(await openDocumentClient(config), config.region);
  }

  /** True when the table exists. */
  async exists(): Promise<boolean> {
    return tableExists(this.documents, this.name);
  }

  /** Creates the table (pay per request, numeric sort key) and waits until it is ACTIVE. */
  async create(): Promise<void> {
    await createTable(this.documents, this.name, [
      { name: partitionKey, type: 'S' },
      { name: sortKey, type: 'N' },
    ]);
  }

  /** Releases of an app in an environment, newest first, at most `limit` (all when undefined). */
  async list(app: string, environment: string, limit?: number): Promise<Release[]> {
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const releases: Release[] = [];
    let start: Item | undefined;
    try {
      do {
        const page = await this.documents.send(
          new QueryCommand({
            TableName: this.name,
            KeyConditionExpression: '#pk = :pk AND #rel > :lock',
            ExpressionAttributeNames: { '#pk': partitionKey, '#rel': sortKey },
            ExpressionAttributeValues: { ':pk': partition(app, environment), ':lock': lockNumber },
            ScanIndexForward: false,
            ConsistentRead: true,
            ...optional('Limit', limit === undefined ? undefined : limit - releases.length),
            ...optional('ExclusiveStartKey', start),
          }),
        );
        releases.push(...(page.Items ?? []).map(fromReleaseItem));
        start = page.LastEvaluatedKey;
      } while (start !== undefined && (limit === undefined || releases.length < limit));
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) {
        return [];
      }
      throw toCloudliftError(error, `read the releases of ${app} in ${environment} from ${this.name}`);
    }
    return releases;
  }

  /** One release, or undefined. */
  async get(app: string, environment: string, number: number): Promise<Release | undefined> {
    const item = await this.getItem(app, environment, number);
    return item === undefined ? undefined : fromReleaseItem(item);
  }

  /** Writes a new release; false when its number is already taken (someone else got there first). */
  async insert(release: Release): Promise<boolean> {
    return this.conditionalPut(
      toReleaseItem(release),
      'attribute_not_exists(#rel)',
      {},
      `record release ${release.number}`,
    );
  }

  /** Replaces an existing release record (its outcome at the end of a deploy). */
  async update(release: Release): Promise<void> {
    await this.conditionalPut(
      toReleaseItem(release),
      'attribute_exists(#rel)',
      {},
      `update release ${release.number}`,
    );
  }

  /** The lock item, or undefined when nobody holds (or ever held) the lock. */
  async getLock(app: string, environment: string): Promise<DeployLock | undefined> {
    const item = await this.getItem(app, environment, lockNumber);
    return item === undefined ? undefined : fromLockItem(item);
  }

  /** Takes the lock unless someone holds an unexpired one; false when it is held. */
  async acquireLock(lock: DeployLock, now: Date): Promise<boolean> {
    return this.conditionalPut(
      toLockItem(lock),
      'attribute_not_exists(#rel) OR #expires <= :now',
      { ':now': Math.floor(now.getTime() / 1000) },
      `take the deploy lock of ${lock.app} in ${lock.environment}`,
    );
  }

  /** Extends our lock (same token); false when it is no longer ours. */
  async refreshLock(lock: DeployLock): Promise<boolean> {
    return this.conditionalPut(
      toLockItem(lock),
      '#token = :token',
      { ':token': lock.token },
      `refresh the deploy lock of ${lock.app} in ${lock.environment}`,
    );
  }

  /** Deletes the lock if it is still ours; false when someone else holds it now. */
  async releaseLock(lock: DeployLock): Promise<boolean> {
    return this.conditionalDelete(lock.app, lock.environment, { ':token': lock.token });
  }

  /** Deletes the lock whoever holds it (`--force-unlock`); returns what it was. */
  async breakLock(app: string, environment: string): Promise<DeployLock | undefined> {
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const result = await aws(`break the deploy lock of ${app} in ${environment}`, () =>
      this.documents.send(
        new DeleteCommand({
          TableName: this.name,
          Key: { [partitionKey]: partition(app, environment), [sortKey]: lockNumber },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return result.Attributes === undefined ? undefined : fromLockItem(result.Attributes);
  }

  private async getItem(app: string, environment: string, number: number): Promise<Item | undefined> {
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    try {
      const result = await this.documents.send(
        new GetCommand({
          TableName: this.name,
          Key: { [partitionKey]: partition(app, environment), [sortKey]: number },
          ConsistentRead: true,
        }),
      );
      return result.Item;
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) {
        return undefined;
      }
      throw toCloudliftError(error, `read ${this.name} (${app} in ${environment})`);
    }
  }

  private async conditionalPut(
    item: Item,
    condition: string,
    values: Record<string, unknown>,
    doing: string,
  ): Promise<boolean> {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.name,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(condition),
          ...optional('ExpressionAttributeValues', Object.keys(values).length === 0 ? undefined : values),
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) {
        return false;
      }
      throw toCloudliftError(error, doing);
    }
  }

  private async conditionalDelete(
    app: string,
    environment: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.name,
          Key: { [partitionKey]: partition(app, environment), [sortKey]: lockNumber },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) {
        return false;
      }
      throw toCloudliftError(error, `release the deploy lock of ${app} in ${environment}`);
    }
  }
}
