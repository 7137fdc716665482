// Builds the shared configuration every AWS SDK client needs (region, credentials, retries), once per run.
// SDK packages are imported lazily by the adapters, so `cloudlift --help` never loads them.
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { CloudliftError } from '../errors.js';
import type { Env } from '../context.js';

/** Settings taken from global flags and the environment. */
export interface AwsSettings {
  profile?: string;
  region?: string;
  env: Env;
  /** Asks for an MFA code when a profile needs one (`mfa_serial`); absent in non-interactive runs. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
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
  private credentials: Promise<AwsCredentialIdentityProvider | undefined> | undefined;
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
    return {
      region: chosen,
      ...(this.settings.profile === undefined ? {} : { profile: this.settings.profile }),
      maxAttempts: this.maxAttempts(),
      ...(credentials === undefined ? {} : { credentials }),
    };
  }

  private maxAttempts(): number {
    const configured = Number.parseInt(this.settings.env.CLOUDLIFT_AWS_MAX_ATTEMPTS ?? '', 10);
    return Number.isFinite(configured) && configured > 0 ? configured : 5;
  }

  private credentialProvider(): Promise<AwsCredentialIdentityProvider | undefined> {
    this.credentials ??= (async () => {
      if (this.settings.profile === undefined) {
        return undefined; // the SDK's default chain: env vars, AWS_PROFILE, SSO, container and instance roles
      }
      const { fromIni } = await import('@aws-sdk/credential-providers');
      const mfa = this.settings.mfaCodeProvider;
      return fromIni({
        profile: this.settings.profile,
        mfaCodeProvider: async (serial: string) => {
          if (mfa === undefined) {
            throw new CloudliftError('MfaRequired', `profile ${this.settings.profile} needs an MFA code`, {
              hint: 'Run the command in a terminal to be asked for the code, or set CLOUDLIFT_MFA_CODE=<code> (scripts, CI).',
            });
          }
          return mfa(serial);
        },
      });
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
    try {
      const probe = new STSClient(
        this.settings.profile === undefined ? {} : { profile: this.settings.profile },
      );
      return await probe.config.region();
    } catch {
      throw new CloudliftError('NoRegion', 'No AWS region is configured', {
        hint: 'Pass --region, set AWS_DEFAULT_REGION, or add `region = ...` to your profile with `aws configure`.',
      });
    }
  }
}
