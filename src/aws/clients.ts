// Builds the shared configuration every AWS SDK client needs (region, credentials, retries), once per run.
// SDK packages are imported lazily by the adapters, so `cloudlift --help` never loads them.
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { CloudliftError, isCloudliftError } from '../errors.js';
import type { Env } from '../context.js';

/** Settings taken from global flags and the environment. */
export interface AwsSettings {
  /** `--profile`; AWS_PROFILE (in `env`) when absent. */
  profile?: string;
  region?: string;
  env: Env;
  /** Asks for an MFA code when a profile needs one (`mfa_serial`); absent in non-interactive runs. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
}

/** The profile a run uses: `--profile`, else AWS_PROFILE, else none (the SDK's default chain and `default`). */
export function chosenProfile(settings: Pick<AwsSettings, 'profile' | 'env'>): string | undefined {
  const profile = settings.profile ?? settings.env.AWS_PROFILE;
  return profile === undefined || profile === '' ? undefined : profile;
}

/** The options handed to every `new XClient(...)`. */
export interface ClientConfig {
  region: string;
  profile?: string;
  maxAttempts: number;
  credentials?: AwsCredentialIdentityProvider;
}

/** Resolves region and credentials once and hands out client configuration. */
export class AwsClients {
  private credentials: Promise<AwsCredentialIdentityProvider> | undefined;
  private resolvedDefaultRegion: Promise<string> | undefined;

  constructor(readonly settings: AwsSettings) {}

  /**
   * The region of the shared configuration tables (and of anything not tied to an environment): `--region`,
   * `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`. Cloudlift users set AWS_DEFAULT_REGION, which
   * the JavaScript SDK alone would ignore.
   */
  defaultRegion(): Promise<string> {
    this.resolvedDefaultRegion ??= this.resolveDefaultRegion();
    return this.resolvedDefaultRegion;
  }

  /** Configuration for a client in `region` (default: the default region). */
  async config(region?: string): Promise<ClientConfig> {
    const chosen = region ?? (await this.defaultRegion());
    const credentials = await this.credentialProvider();
    const profile = chosenProfile(this.settings);
    return {
      region: chosen,
      ...(profile === undefined ? {} : { profile }),
      maxAttempts: this.maxAttempts(),
      ...(credentials === undefined ? {} : { credentials }),
    };
  }

  private maxAttempts(): number {
    const configured = Number.parseInt(this.settings.env.CLOUDLIFT_AWS_MAX_ATTEMPTS ?? '', 10);
    return Number.isFinite(configured) && configured > 0 ? configured : 5;
  }

  /**
   * The credentials of the run, the same for a profile chosen by `--profile` or by AWS_PROFILE: that profile from the
   * shared files (keys, assume-role with `mfa_serial`, SSO, `credential_process`, web identity); without a profile,
   * the SDK's default chain (environment keys, the `default` profile, container and instance roles). Both get the MFA
   * callback, so a profile with `mfa_serial` asks for its code (or reads CLOUDLIFT_MFA_CODE) however it was chosen.
   */
  private credentialProvider(): Promise<AwsCredentialIdentityProvider> {
    this.credentials ??= (async () => {
      const { fromIni, fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      const profile = chosenProfile(this.settings);
      const mfa = mfaCallback(profile, this.settings.mfaCodeProvider);
      const files = sharedFiles(this.settings.env);
      const provider =
        profile === undefined
          ? fromNodeProviderChain({ ...files, mfaCodeProvider: mfa.ask })
          : fromIni({ ...files, profile, mfaCodeProvider: mfa.ask });
      return async (properties) => {
        try {
          return await provider(properties);
        } catch (error) {
          throw mfa.explain(error) ?? error;
        }
      };
    })();
    return this.credentials;
  }

  private async resolveDefaultRegion(): Promise<string> {
    const explicit =
      this.settings.region ?? this.settings.env.AWS_REGION ?? this.settings.env.AWS_DEFAULT_REGION;
    if (explicit !== undefined && explicit !== '') {
      return explicit;
    }
    // Let the SDK read the profile's `region` from ~/.aws/config.
    const { STSClient } = await import('@aws-sdk/client-sts');
    const profile = chosenProfile(this.settings);
    try {
      const probe = new STSClient(profile === undefined ? {} : { profile });
      return await probe.config.region();
    } catch {
      throw new CloudliftError('NoRegion', 'No AWS region is configured', {
        hint: 'Pass --region, set AWS_DEFAULT_REGION, or add `region = ...` to your profile with `aws configure`.',
      });
    }
  }
}

/** The shared config and credentials files of `env` (the SDK would read process.env; a run may bring its own env). */
function sharedFiles(env: Env): { filepath?: string; configFilepath?: string } {
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE;
  const config = env.AWS_CONFIG_FILE;
  return {
    ...(credentials === undefined || credentials === '' ? {} : { filepath: credentials }),
    ...(config === undefined || config === '' ? {} : { configFilepath: config }),
  };
}

/**
 * The MFA callback handed to the SDK, and the translation of what goes wrong around it into its own errors: no way
 * to get a code (no terminal, no CLOUDLIFT_MFA_CODE), a code that is not six digits, or one STS refuses.
 */
function mfaCallback(
  profile: string | undefined,
  provider: ((serial: string) => Promise<string>) | undefined,
): { ask: (serial: string) => Promise<string>; explain: (error: unknown) => CloudliftError | undefined } {
  const named = profile === undefined ? 'the default AWS profile' : `AWS profile ${profile}`;
  let askedFor: string | undefined;
  return {
    ask: async (serial) => {
      askedFor = serial;
      if (provider === undefined) {
        throw new CloudliftError('MfaRequired', `${named} needs an MFA code (device ${serial})`, {
          hint: 'Run the command in a terminal to be asked for the code, or set CLOUDLIFT_MFA_CODE=<6-digit code> (scripts, CI).',
        });
      }
      const code = (await provider(serial)).trim();
      if (!/^\d{6}$/.test(code)) {
        throw new CloudliftError('MfaCodeInvalid', `the MFA code for ${named} must be 6 digits`, {
          exitCode: 2,
          hint: 'Give the code your MFA device shows now (or in CLOUDLIFT_MFA_CODE for scripts), e.g. 123456.',
        });
      }
      return code;
    },
    explain: (error) => {
      if (isCloudliftError(error) || askedFor === undefined) {
        return undefined;
      }
      const name = (error as { name?: string }).name ?? '';
      const message = error instanceof Error ? error.message : String(error);
      if (/AccessDenied|MultiFactorAuthentication|one time pass ?code/i.test(`${name} ${message}`)) {
        return new CloudliftError(
          'MfaRejected',
          `AWS did not accept the MFA code for ${named} (device ${askedFor}): ${message}`,
          {
            cause: error,
            hint: 'Codes are single-use and expire after 30 seconds: run the command again with the next code.',
          },
        );
      }
      return undefined;
    },
  };
}
