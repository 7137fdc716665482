// The environment and service configuration stores, item for item the original Cloudlift's DynamoDB layout:
//   environment_configurations: { environment, configuration: { <env>: {...}, cloudlift_version } }
//   service_configurations:     { service_name, environment, configuration: { ...service config, cloudlift_version } }
// plus what the original lacked: conditional writes on a revision counter (two editors cannot overwrite each other)
// and a downgrade guard for this tool's own version.
import { ConfigTables } from '../../aws/dynamodb.js';
import type { WriteCondition } from '../../aws/dynamodb.js';
import { cloudliftVersion } from '../../version.js';
import { tables } from '../../core/naming.js';
import { judgeVersions, originalFormatVersion } from '../../core/config/versions.js';
import { CloudliftError, ConflictError } from '../../errors.js';
import type { Context } from '../../context.js';

/** The concurrency token of a loaded record: hand it back to `save*` unchanged. */
export interface Revision {
  readonly condition: WriteCondition;
  readonly next: number;
  /** The `cloudlift_version` the record carried, kept on save so teammates on that Python Cloudlift can still load it. */
  readonly stamp?: string;
}

/** A loaded configuration document and the token that guards its next save. */
export interface Stored {
  document: Record<string, unknown>;
  revision: Revision;
}

const absent: Revision = { condition: { kind: 'absent' }, next: 1 };

/** The revision to use when saving a record that does not exist yet. */
export function newRecordRevision(): Revision {
  return absent;
}

/** Reads and writes configuration records; one instance per command run. */
export class ConfigStore {
  constructor(
    private readonly ctx: Context,
    private readonly tablesClient: ConfigTables,
  ) {}

  /** The region the tables live in (the default region, as in the original). */
  get region(): string {
    return this.tablesClient.region;
  }

  /** The `<env>` document of an environment, or undefined when it was never configured. */
  async loadEnvironment(environment: string): Promise<Stored | undefined> {
    const item = await this.tablesClient.get(tables.environments, { environment });
    if (item === undefined) {
      return undefined;
    }
    this.guard(item, `environment ${environment}`);
    const inner = item.configuration[environment];
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      throw new CloudliftError(
        'CorruptConfig',
        `The stored configuration of environment ${environment} has no "${environment}" section`,
        {
          hint: `Fix the item in ${tables.environments} (region ${this.region}) or re-create it with update_environment.`,
        },
      );
    }
    return {
      document: inner as Record<string, unknown>,
      revision: revisionOf(item.revision, item.configuration.cloudlift_version),
    };
  }

  /** Saves the `<env>` document; throws ConflictError if the record changed since it was loaded. */
  async saveEnvironment(
    environment: string,
    document: Record<string, unknown>,
    revision: Revision,
  ): Promise<void> {
    const configuration = { [environment]: document, cloudlift_version: stampFor(revision) };
    await this.save(
      tables.environments,
      ['environment'],
      { environment },
      configuration,
      revision,
      `environment ${environment}`,
    );
  }

  /** The service configuration of an app in an environment (without the version stamp), or undefined. */
  async loadService(app: string, environment: string): Promise<Stored | undefined> {
    const item = await this.tablesClient.get(tables.services, { service_name: app, environment });
    if (item === undefined) {
      return undefined;
    }
    this.guard(item, `service ${app} in ${environment}`);
    const { cloudlift_version: _stamp, ...document } = item.configuration;
    return { document, revision: revisionOf(item.revision, item.configuration.cloudlift_version) };
  }

  /** Saves a service configuration; throws ConflictError if the record changed since it was loaded. */
  async saveService(
    app: string,
    environment: string,
    document: Record<string, unknown>,
    revision: Revision,
  ): Promise<void> {
    const configuration = { ...document, cloudlift_version: stampFor(revision) };
    await this.save(
      tables.services,
      ['service_name', 'environment'],
      { service_name: app, environment },
      configuration,
      revision,
      `service ${app} in ${environment}`,
    );
  }

  private async save(
    table: string,
    keys: readonly string[],
    key: Record<string, string>,
    configuration: Record<string, unknown>,
    revision: Revision,
    what: string,
  ): Promise<void> {
    if (!(await this.tablesClient.tableExists(table))) {
      this.ctx.ui.info(
        `Creating the DynamoDB table ${table} in ${this.region} (first use in this account and region)...`,
      );
      await this.tablesClient.createTable(table, keys);
      this.ctx.ui.info(`Created ${table}.`);
    }
    const written = await this.tablesClient.put(
      table,
      key,
      { configuration, revision: revision.next, toolVersion: cloudliftVersion },
      revision.condition,
    );
    if (!written) {
      throw new ConflictError(
        `The ${what} configuration was changed by someone else while you were editing it; your changes were not saved`,
        'Run the command again to start from the current configuration (your edit is shown above, if any).',
      );
    }
  }

  private guard(item: { toolVersion?: string; configuration: Record<string, unknown> }, what: string): void {
    const verdict = judgeVersions(
      { toolVersion: item.toolVersion, originalVersion: item.configuration.cloudlift_version },
      cloudliftVersion,
    );
    switch (verdict.kind) {
      case 'newer-tool':
        throw new CloudliftError(
          'Downgrade',
          `cloudlift ${verdict.stored} was used to save the ${what} configuration; you are using ${cloudliftVersion}, which is older and could corrupt it`,
          { hint: `Upgrade first: npm install -g cloudlift@${verdict.stored} (or later).` },
        );
      case 'newer-original-major':
        throw new CloudliftError(
          'UnknownFormat',
          `The ${what} configuration was saved by Cloudlift ${verdict.stored}, a format this tool does not know (it reads ${originalFormatVersion})`,
          {
            hint: 'Keep using that Cloudlift version for this record, or upgrade cloudlift when a compatible version exists.',
          },
        );
      case 'newer-original-minor':
        this.ctx.ui.warn(
          `The ${what} configuration was saved by Cloudlift ${verdict.stored}; this tool writes the ${originalFormatVersion} layout and keeps fields it does not know.`,
        );
        return;
      case 'ok':
        return;
    }
  }
}

/**
 * The version stamp to save: the record's own when it has one (re-stamping 2.0.6 as 2.1.1 would lock out teammates
 * still on Cloudlift 2.0.6, whose downgrade guard refuses newer stamps), else the 2.1.1 layout we write.
 */
function stampFor(revision: Revision): string {
  return revision.stamp ?? originalFormatVersion;
}

function revisionOf(stored: number | undefined, stamp: unknown): Revision {
  const kept = typeof stamp === 'string' && stamp !== '' ? { stamp } : {};
  return stored === undefined
    ? { condition: { kind: 'legacy' }, next: 1, ...kept }
    : { condition: { kind: 'revision', value: stored }, next: stored + 1, ...kept };
}

/** Opens the stores in the default region (the original kept its tables there, not in each environment's region). */
export async function openConfigStore(ctx: Context): Promise<ConfigStore> {
  const config = await ctx.aws.config();
  return new ConfigStore(ctx, await ConfigTables.open(config));
}

/** The AWS region an environment lives in, from its stored configuration. */
export async function environmentRegion(
  ctx: Context,
  environment: string,
  store?: ConfigStore,
): Promise<string> {
  const opened = store ?? (await openConfigStore(ctx));
  const stored = await opened.loadEnvironment(environment);
  if (stored === undefined) {
    throw environmentNotFound(environment, opened.region);
  }
  const region = stored.document.region;
  if (typeof region !== 'string' || region === '') {
    throw new CloudliftError(
      'CorruptConfig',
      `Environment ${environment} has no region in its configuration`,
      {
        hint: `Set "region" with: cloudlift edit_environment -e ${environment}`,
      },
    );
  }
  return region;
}

/** The error for an environment that is not in the store. */
export function environmentNotFound(environment: string, tablesRegion: string): CloudliftError {
  return new CloudliftError(
    'EnvironmentNotFound',
    `Environment "${environment}" not found (looked in ${tables.environments}, region ${tablesRegion})`,
    {
      hint: `Create it with \`cloudlift create_environment -e ${environment}\`, or pass --region if your environments are stored in another region.`,
    },
  );
}
