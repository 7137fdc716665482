// Credentials for shell access: who is signed in, whether an MFA session is needed (an IAM user with an MFA
// device, as the original assumed for every IAM user), and a Context whose AWS clients use the MFA session.
import { AwsClients } from '../../aws/clients.js';
import type { AwsSettings, ClientConfig } from '../../aws/clients.js';
import { listMfaDevices } from '../../aws/iam.js';
import { callerIdentity, currentCredentials, mfaSessionToken } from '../../aws/sts.js';
import type { Credentials } from '../../aws/sts.js';
import type { Context } from '../../context.js';
import { CloudliftError, UsageError } from '../../errors.js';

/** The kind of identity an ARN names, and the name inside it. */
export interface IdentityKind {
  /** `user`, `assumed-role`, `federated-user`, `root`, ... (the ARN resource type). */
  type: string;
  /** For `user`: the user name (without its IAM path); for `assumed-role`: `role/session`. */
  name: string;
}

/** Parses `arn:aws:iam::123:user/path/alice` or `arn:aws:sts::123:assumed-role/Role/session`. */
export function identityKind(arn: string): IdentityKind {
  const resource = arn.split(':').slice(5).join(':');
  const slash = resource.indexOf('/');
  if (slash < 0) {
    return { type: resource, name: '' };
  }
  const type = resource.slice(0, slash);
  const rest = resource.slice(slash + 1);
  return { type, name: type === 'user' ? (rest.split('/').pop() ?? rest) : rest };
}

/** The MFA device ARN the original assumed: `arn:aws:iam::<account>:mfa/<user>`. */
export function assumedMfaSerial(account: string, userName: string): string {
  return `arn:aws:iam::${account}:mfa/${userName}`;
}

/** Refuses a malformed `--mfa` value before anything is sent to AWS. */
export function checkMfaCode(code: string): void {
  if (!/^\d{6}$/.test(code)) {
    throw new UsageError(`--mfa must be the 6-digit code your MFA device shows, not "${code}"`, {
      hint: 'Pass the current code, e.g. --mfa 123456.',
    });
  }
}

/** When an MFA session is wanted. */
export type MfaPolicy =
  /** start_session: IAM users with an MFA device always get one, as in the original; the code is asked for. */
  | 'iam-users'
  /** exec: only when --mfa is given. */
  | 'when-given';

/** What shell access runs with. */
export interface SessionCredentials {
  /** The Context to use from here on (its AWS clients use the MFA session when there is one). */
  context: Context;
  /** MFA session credentials, when one was made. */
  mfa?: Credentials;
}

/** Options of `prepareCredentials`. */
export interface CredentialOptions {
  mfaCode: string | undefined;
  policy: MfaPolicy;
  /** The command, for messages ("start_session needs ..."). */
  command: string;
}

/** Works out the identity and, when needed, swaps in MFA session credentials. */
export async function prepareCredentials(
  context: Context,
  options: CredentialOptions,
): Promise<SessionCredentials> {
  if (options.policy === 'when-given' && options.mfaCode === undefined) {
    return { context };
  }
  const identity = await callerIdentity(context, {
    doing: 'find out who you are signed in as (STS GetCallerIdentity)',
  });
  const kind = identityKind(identity.arn);
  if (kind.type === 'assumed-role') {
    if (options.mfaCode !== undefined) {
      context.ui.warn(
        `--mfa is not used: you are signed in with role ${kind.name}, which takes no MFA code.`,
      );
    }
    return { context };
  }
  if (kind.type !== 'user') {
    throw new CloudliftError(
      'UnsupportedIdentity',
      `${options.command} works with an IAM user or an assumed role; you are signed in as ${identity.arn} (${kind.type === '' ? 'unknown type' : kind.type})`,
      {
        hint: 'Use an IAM user (with --mfa <code>) or a role profile, e.g. AWS_PROFILE=<role-profile> cloudlift ...; check with `aws sts get-caller-identity`.',
      },
    );
  }
  const current = await currentCredentials(context);
  if (current.sessionToken !== undefined) {
    // GetSessionToken refuses session credentials; these already are a session (perhaps an MFA one).
    if (options.mfaCode !== undefined) {
      context.ui.warn('--mfa is not used: your credentials already are temporary session credentials.');
    }
    return { context };
  }
  const serial = await mfaSerial(context, identity.account, kind.name, options);
  if (serial === undefined) {
    return { context };
  }
  const code = options.mfaCode ?? (await askMfaCode(context, kind.name, serial, options.command));
  context.ui.step(`Using credentials for ${kind.name} (MFA device ${serial})`);
  const mfa = await mfaSessionToken(context, serial, code);
  return { context: withCredentials(context, mfa), mfa };
}

/** The MFA device to use, or undefined when the user has none and none was asked for. */
async function mfaSerial(
  context: Context,
  account: string,
  userName: string,
  options: CredentialOptions,
): Promise<string | undefined> {
  const lookup = await listMfaDevices(context, userName);
  if (lookup.kind === 'unknown') {
    const serial = assumedMfaSerial(account, userName);
    context.ui.debug(`Could not list the MFA devices of ${userName} (${lookup.reason}); assuming ${serial}.`);
    return serial;
  }
  const [first, ...others] = lookup.serials;
  if (first === undefined) {
    if (options.mfaCode !== undefined) {
      throw new UsageError(`--mfa was given, but IAM user ${userName} has no MFA device`, {
        hint: 'Run the command without --mfa, or register an MFA device for the user in the IAM console first.',
      });
    }
    context.ui.info(`IAM user ${userName} has no MFA device: using your credentials as they are.`);
    return undefined;
  }
  if (others.length > 0) {
    context.ui.info(`IAM user ${userName} has ${others.length + 1} MFA devices; using the first, ${first}.`);
  }
  return first;
}

async function askMfaCode(
  context: Context,
  userName: string,
  serial: string,
  command: string,
): Promise<string> {
  if (!context.ui.options.interactive) {
    throw new UsageError(
      `${command} needs an MFA code for IAM user ${userName} (${serial}), and cloudlift does not ask here (${context.ui.options.notAskingBecause ?? 'there is no terminal'})`,
      { hint: 'Pass the current code with --mfa <6-digit code>.' },
    );
  }
  const code = (await context.ui.ask('MFA code', { flag: '--mfa <code>' })).trim();
  checkMfaCode(code);
  return code;
}

/** AWS clients that always use the given credentials (the MFA session) and otherwise behave as `base`. */
class FixedCredentialClients extends AwsClients {
  constructor(
    settings: AwsSettings,
    private readonly fixed: Credentials,
  ) {
    super(settings);
  }

  override async config(region?: string): Promise<ClientConfig> {
    const base = await super.config(region);
    const fixed = this.fixed;
    return { ...base, credentials: () => Promise.resolve(fixed) };
  }
}

/** A Context whose AWS clients use `credentials`. */
export function withCredentials(context: Context, credentials: Credentials): Context {
  return { ...context, aws: new FixedCredentialClients(context.aws.settings, credentials) };
}

/**
 * The credentials to give the plugin in its environment: the MFA session, or any other temporary credentials
 * cloudlift resolved (an SSO or role profile the plugin's own SDK might not be able to rebuild, e.g. one that
 * needs an MFA code). Long-term keys are not copied: the plugin finds them the way cloudlift did (profile or env).
 */
export async function pluginCredentials(session: SessionCredentials): Promise<Credentials | undefined> {
  if (session.mfa !== undefined) {
    return session.mfa;
  }
  const current = await currentCredentials(session.context);
  return current.sessionToken === undefined ? undefined : current;
}
