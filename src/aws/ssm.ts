// SSM Parameter Store adapter: paginated reads (decrypted, with versions and ARNs), SecureString writes with the
// right tier, deletes in chunks of 10, and the hosts' AMI id from a parameter. Secret values never reach an error
// message or a log line from here. Session Manager (shell access) is src/aws/ssm-session.ts.
import type { Context } from '../context.js';
import { isAmiId } from '../core/names.js';
import { CloudliftError, ConflictError } from '../errors.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** One stored parameter directly under a prefix. */
export interface StoredParameter {
  /** The part of the name after the prefix (the environment variable name). */
  key: string;
  name: string;
  /** Decrypted value (the ciphertext reference when read without decryption). */
  value: string;
  /** SSM's version counter; it grows with every write, which is how concurrent edits are noticed. */
  version: number;
  arn: string;
}

/** What one write asks for. */
export interface ParameterWrite {
  name: string;
  value: string;
  /** false when creating: SSM then refuses to replace a parameter someone else created meanwhile. */
  overwrite: boolean;
  /** Advanced tier (values over 4 KB, or a parameter that already is Advanced: SSM cannot downgrade). */
  advanced: boolean;
}

/** The result of deleting parameters. */
export interface DeleteResult {
  deleted: string[];
  /** Names SSM did not know (already gone). */
  missing: string[];
}

/** The Parameter Store operations cloudlift needs, bound to one region. */
export interface ParameterStore {
  /** Every parameter directly under `prefix` (not recursive, as the original), all pages. */
  list(prefix: string, options?: { decrypt?: boolean }): Promise<StoredParameter[]>;
  /** Writes one SecureString encrypted with `alias/aws/ssm`; returns the new version. */
  put(write: ParameterWrite): Promise<number>;
  /** Deletes parameters, at most 10 names per call (the API limit the original ran into). */
  delete(names: readonly string[]): Promise<DeleteResult>;
}

/** AWS accepts at most this many names per DeleteParameters call. */
export const deleteChunkSize = 10;
/** The KMS key the original used for every SecureString. */
export const parameterKmsKey = 'alias/aws/ssm';

/** A Parameter Store client for `region`. */
export async function parameterStore(context: Pick<Context, 'aws'>, region: string): Promise<ParameterStore> {
  const sdk = await import('@aws-sdk/client-ssm');
  const client = new sdk.SSMClient(await context.aws.config(region));
  return {
    async list(prefix, options = {}) {
      const parameters: StoredParameter[] = [];
      let nextToken: string | undefined;
      do {
        const page = await aws(`read the parameters under ${prefix} in ${region}`, () =>
          client.send(
            new sdk.GetParametersByPathCommand({
              Path: prefix,
              Recursive: false,
              WithDecryption: options.decrypt ?? true,
              MaxResults: 10,
              NextToken: nextToken,
            }),
          ),
        );
        for (const parameter of page.Parameters ?? []) {
          const name = parameter.Name ?? '';
          if (name.startsWith(prefix)) {
            const value: unknown = parameter.Value;
            // Values are shown, edited and written back: reading a missing one as '' would lose it on the next save.
            if (typeof value !== 'string' && options.decrypt !== false) {
              throw unreadableParameter(name, value, parameter.Type, region);
            }
            parameters.push({
              key: name.slice(prefix.length),
              name,
              value: typeof value === 'string' ? value : '',
              version: parameter.Version ?? 0,
              arn: parameter.ARN ?? '',
            });
          }
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined && nextToken !== '');
      return parameters;
    },

    async put(write) {
      try {
        const result = await client.send(
          new sdk.PutParameterCommand({
            Name: write.name,
            Value: write.value,
            Type: 'SecureString',
            KeyId: parameterKmsKey,
            Overwrite: write.overwrite,
            ...(write.advanced ? { Tier: 'Advanced' as const } : {}),
          }),
        );
        return result.Version ?? 0;
      } catch (error) {
        throw putError(error, write);
      }
    },

    async delete(names) {
      const result: DeleteResult = { deleted: [], missing: [] };
      for (let start = 0; start < names.length; start += deleteChunkSize) {
        const chunk = names.slice(start, start + deleteChunkSize);
        const answer = await aws(`delete ${chunk.join(', ')}`, () =>
          client.send(new sdk.DeleteParametersCommand({ Names: chunk })),
        );
        result.deleted.push(...(answer.DeletedParameters ?? []));
        result.missing.push(...(answer.InvalidParameters ?? []));
      }
      return result;
    },
  };
}

/** `edit_config -e <env> --name <app>` for a parameter `/<env>/<app>/<KEY>`; undefined for other names. */
function editConfigCommand(name: string): string | undefined {
  const match = /^\/([^/]+)\/([^/]+)\/[^/]+$/.exec(name);
  return match === null ? undefined : `cloudlift edit_config -e ${match[1] ?? ''} --name ${match[2] ?? ''}`;
}

/**
 * A parameter SSM returned without a text value (no Value, or another shape): named with its path and how to set it
 * again. Never quotes the value (it may be a secret).
 */
export function unreadableParameter(
  name: string,
  value: unknown,
  type: string | undefined,
  region: string,
): CloudliftError {
  const shape =
    value === undefined || value === null ? 'no value' : `a value that is not text (${typeof value})`;
  const edit = editConfigCommand(name);
  return new CloudliftError(
    'ParameterUnreadable',
    `Parameter Store returned ${shape} for ${name}${type === undefined ? '' : ` (type ${type})`} in ${region}`,
    {
      hint:
        `Delete it (\`aws ssm delete-parameter --name ${name} --region ${region}\`) and set it again` +
        (edit === undefined ? '.' : ` with \`${edit}\`.`) +
        ' Nothing was changed.',
    },
  );
}

/**
 * Maps a failed PutParameter. AWS validation messages quote the value (`Value 'hunter2' at 'value' failed to
 * satisfy constraint`), so the message is scrubbed and the raw SDK error (printed by --verbose) is not kept.
 */
function putError(error: unknown, write: ParameterWrite): CloudliftError {
  if (isAwsError(error, 'ParameterAlreadyExists')) {
    return new ConflictError(
      `${write.name} was created by someone else while cloudlift was working`,
      'Nothing of theirs was overwritten. Run the command again to see the current values.',
    );
  }
  const mapped = toCloudliftError(error, `write ${write.name}`);
  const scrubbed = scrubValue(mapped.message, write.value);
  return new CloudliftError(mapped.code, scrubbed, {
    hint: mapped.hint,
    exitCode: mapped.exitCode,
    details: mapped.details,
  });
}

/** Removes a secret from a message: the AWS `Value '...' at` quote and any literal occurrence. */
export function scrubValue(message: string, value: string): string {
  let result = message.replace(/Value '[\s\S]*?' at 'value'/g, "Value (hidden) at 'value'");
  if (value !== '') {
    result = result.split(value).join('(hidden)');
  }
  return result;
}

/**
 * The hosts' AMI id the parameter names (the ECS-optimized recommendation, a JSON value with `image_id`, or a custom
 * parameter holding the same JSON or a bare AMI id, as the original read it); undefined when it does not exist.
 */
export async function amiFromParameter(
  context: Pick<Context, 'aws'>,
  region: string,
  name: string,
): Promise<string | undefined> {
  const sdk = await import('@aws-sdk/client-ssm');
  const client = new sdk.SSMClient(await context.aws.config(region));
  let value: string;
  try {
    const answer = await client.send(new sdk.GetParameterCommand({ Name: name }));
    value = answer.Parameter?.Value ?? '';
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound', 'ValidationException')) {
      return undefined;
    }
    throw toCloudliftError(error, `read the AMI parameter ${name} in ${region}`);
  }
  return imageIdOf(value);
}

/** `{"image_id": "ami-..."}` or a bare `ami-...` → the id; anything else → undefined. */
export function imageIdOf(value: string): string | undefined {
  const text = value.trim();
  if (isAmiId(text)) {
    return text;
  }
  try {
    const parsed = JSON.parse(text) as { image_id?: unknown };
    return typeof parsed.image_id === 'string' ? parsed.image_id : undefined;
  } catch {
    return undefined;
  }
}
