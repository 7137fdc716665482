// In-process CloudFormation synthesis with aws-cdk-lib L1 (`Cfn*`) constructs, no CDK CLI and no bootstrap.
// The one place in core that touches Node: CDK insists on writing its cloud assembly to a folder, so we give it a
// private temp folder and delete it; the result is still a pure function of the inputs.
/* eslint-disable no-restricted-imports -- CDK needs a scratch folder and require(); see the header comment */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/* eslint-enable no-restricted-imports */
import type * as CdkLib from 'aws-cdk-lib';

/** The aws-cdk-lib module. */
export type Cdk = typeof CdkLib;

/** A CloudFormation template as plain JSON. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
}

/** One resource of a template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  CreationPolicy?: Record<string, unknown>;
  UpdatePolicy?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** One parameter of a template. */
export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  Description?: string;
  AllowedValues?: unknown[];
}

/** One output of a template. */
export interface TemplateOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
}

let cached: Cdk | undefined;

/**
 * Loads aws-cdk-lib through require(): it is CommonJS with lazy getters, and an ESM import costs ~1 s against ~50 ms
 * (libraries.md §1). Its built-in template validator costs ~3 s per synth, so it is off unless CDK_VALIDATION is set.
 */
export function loadCdk(): Cdk {
  if (cached === undefined) {
    process.env.CDK_VALIDATION ??= 'false';
    const require = createRequire(import.meta.url);
    cached = require('aws-cdk-lib') as Cdk;
  }
  return cached;
}

/**
 * Builds a template: `build` adds `Cfn*` constructs as direct children of the stack (so their ids are the logical
 * ids, unchanged), and the synthesized JSON is returned.
 */
export function synthesize(stackName: string, build: (stack: CdkLib.Stack, cdk: Cdk) => void): Template {
  const cdk = loadCdk();
  const outdir = mkdtempSync(join(tmpdir(), 'cloudlift-synth-'));
  try {
    // No construct tree metadata: nobody reads it, and writing it costs ~30% of a warm synth (bench/README.md).
    const app = new cdk.App({ analyticsReporting: false, treeMetadata: false, outdir });
    const stack = new cdk.Stack(app, stackName, { synthesizer: new cdk.BootstraplessSynthesizer() });
    build(stack, cdk);
    return app.synth().getStackByName(stackName).template as Template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
