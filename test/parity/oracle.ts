// The oracle: what the original Cloudlift 2.1.1 itself stored and rendered (test/parity/original-2.1.1/, copied
// verbatim from the reference run described in its README.md), and our renders from the same stored records.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvironmentConfig } from '../../src/core/config/environment.js';
import type { ServiceDefaults } from '../../src/core/config/service.js';
import { environmentTemplate } from '../../src/cdk/templates.js';
import type { Template } from '../../src/core/templates/template.js';
import { serviceTemplate } from '../../src/cdk/templates.js';
import type { ExistingListenerRule, ServiceFacts } from '../../src/core/templates/service.js';
import { parseTemplateYaml } from '../../src/core/templates/yaml.js';
import { prepareServiceDocument } from '../../src/deploy/render-service.js';

/** The folder of the original's own output. */
export const oracleRoot = join(import.meta.dirname, 'original-2.1.1');

/** The environments the original created: refboth (both fleets) and refspot (spot only). */
export const oracleEnvironments = ['refboth', 'refspot'] as const;

/** The account and region of the reference run (moto's defaults). */
export const oracleAccount = '123456789012';
export const oracleRegion = 'us-east-1';

const read = (file: string): string => readFileSync(join(oracleRoot, file), 'utf8');
const readJson = <T>(file: string): T => JSON.parse(read(file)) as T;

/** An `environment_configurations` item as the original stored it. */
export interface EnvironmentRecord {
  environment: string;
  configuration: Record<string, unknown> & { cloudlift_version: string };
}

/** A `service_configurations` item as the original stored it. */
export interface ServiceRecord {
  service_name: string;
  environment: string;
  configuration: Record<string, unknown> & { cloudlift_version: string };
}

/** The stored record of an environment. */
export function environmentRecord(environment: string): EnvironmentRecord {
  return readJson(`${environment}.record.json`);
}

/** The `<env>` document of an environment's record. */
export function environmentDocument(environment: string): Record<string, unknown> {
  return environmentRecord(environment).configuration[environment] as Record<string, unknown>;
}

/** The outputs of `cluster-<env>` as the original's stack reported them. */
export function environmentOutputs(environment: string): Record<string, string> {
  return readJson(`${environment}.outputs.json`);
}

/** The template the original created `cluster-<env>` with. */
export function originalEnvironmentTemplate(environment: string): Template {
  return parseTemplateYaml(read(`${environment}.template.yml`));
}

/** The original's template body text (YAML with short tags), as CreateStack received it. */
export function originalEnvironmentTemplateText(environment: string): string {
  return read(`${environment}.template.yml`);
}

function zonesOf(template: Template): [string, string] {
  const zones = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::EC2::Subnet')
    .map((resource) => resource.Properties?.AvailabilityZone as string);
  const sorted = [...new Set(zones)].sort();
  return [sorted[0] ?? '', sorted[1] ?? ''];
}

function amiOf(template: Template, region: string): string {
  return (template.Mappings?.AWSRegionToAMI?.[region]?.AMI as string | undefined) ?? '';
}

/**
 * Ours, rendered from the original's stored record with the facts its run looked up (the zones DescribeAvailabilityZones
 * gave, the AMI of the SSM parameter) and the desired counts update_environment reads (each fleet at its minimum,
 * as created).
 */
export function ourEnvironmentTemplate(environment: string, cloudliftVersion = '0.1.0'): Template {
  const original = originalEnvironmentTemplate(environment);
  const config = parseEnvironmentConfig(environment, environmentDocument(environment));
  return environmentTemplate(config, {
    environment,
    availabilityZones: zonesOf(original),
    amiId: amiOf(original, oracleRegion),
    cloudliftVersion,
  });
}

/** The twelve service variants the original rendered (each is also the app name). */
export function oracleServices(): string[] {
  return readdirSync(join(oracleRoot, 'services'))
    .filter((file) => file.endsWith('.template.yml'))
    .map((file) => file.replace(/\.template\.yml$/, ''))
    .sort();
}

/** The stored `service_configurations` items, by app. */
export function serviceRecords(): Record<string, ServiceRecord> {
  return readJson('_stored_service_configurations.json');
}

/** The template the original rendered for a variant. */
export function originalServiceTemplate(app: string): Template {
  return parseTemplateYaml(read(join('services', `${app}.template.yml`)));
}

/** The variant's template body text, as CreateStack received it. */
export function originalServiceTemplateText(app: string): string {
  return read(join('services', `${app}.template.yml`));
}

/** The service environment's `service_defaults`, as stored by the original. */
export function serviceDefaultsOf(environment: string): ServiceDefaults {
  return environmentDocument(environment).service_defaults ?? {};
}

/**
 * The listener rules the original's stack holds (what DescribeRules reports once it is created): every
 * `AWS::ElasticLoadBalancingV2::ListenerRule` with its priority and host names, by listener ARN.
 */
export function listenerRulesOf(template: Template): Record<string, ExistingListenerRule[]> {
  const rules: Record<string, ExistingListenerRule[]> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') {
      continue;
    }
    const properties = resource.Properties as {
      ListenerArn: string;
      Priority: number;
      Conditions: Array<{ Field?: string; Values?: string[]; HostHeaderConfig?: { Values: string[] } }>;
    };
    const hosts = properties.Conditions.flatMap((condition) =>
      condition.Field === 'host-header' ? (condition.HostHeaderConfig?.Values ?? condition.Values ?? []) : [],
    );
    (rules[properties.ListenerArn] ??= []).push({ priority: Number(properties.Priority), hosts, logicalId });
  }
  return rules;
}

/** The images the original's task definitions run, by service key (what update_service reads from ECS). */
export function imagesOf(template: Template): Record<string, string> {
  const images: Record<string, string> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::ECS::TaskDefinition') {
      const containers = resource.Properties?.ContainerDefinitions as Array<{ Name: string; Image: string }>;
      const key = logicalId.replace(/TaskDefinition$/, '');
      const main = containers.find((container) => container.Name === `${key}Container`);
      if (main !== undefined) {
        images[key] = main.Image;
      }
    }
  }
  return images;
}

/**
 * The facts update_service looks up for a variant's stack as the original created it: the environment outputs of
 * refboth, env.sample's PORT and DATABASE_URL, the running images and listener rules of that stack, desired count 0.
 * With `running: false`, the facts of create_service: no stack yet, so no images and no rules.
 */
export function serviceFactsFor(
  app: string,
  environment = 'refboth',
  { running = true }: { running?: boolean } = {},
): ServiceFacts {
  const original = originalServiceTemplate(app);
  const document = environmentDocument(environment) as { environment: { ssl_certificate_arn: string } };
  const parameter = (key: string) =>
    [key, `arn:aws:ssm:${oracleRegion}:${oracleAccount}:parameter/${environment}/${app}/${key}`] as const;
  return {
    app,
    environment,
    region: oracleRegion,
    accountId: oracleAccount,
    environmentOutputs: environmentOutputs(environment),
    environmentDefaults: serviceDefaultsOf(environment),
    certificateArn: document.environment.ssl_certificate_arn,
    desiredCounts: {},
    images: running ? imagesOf(original) : {},
    secrets: [parameter('PORT'), parameter('DATABASE_URL')],
    executionRoleArn: `arn:aws:iam::${oracleAccount}:role/ecsTaskExecutionRole`,
    existingListenerRules: running ? listenerRulesOf(original) : {},
  };
}

/** The stored service document without its stamp, as update_service loads it. */
export function serviceDocument(app: string): Record<string, unknown> {
  const { cloudlift_version: _stamp, ...document } = serviceRecords()[app]?.configuration ?? {};
  return document;
}

/**
 * Ours, rendered from the original's stored record the way update_service renders it (save-time steps applied), or
 * with `running: false` as create_service would.
 */
export function ourServiceTemplate(
  app: string,
  environment = 'refboth',
  options: { running?: boolean } = {},
): Template {
  const facts = serviceFactsFor(app, environment, options);
  const prepared = prepareServiceDocument(serviceDocument(app), {
    app,
    environment: {
      environment,
      region: facts.region,
      notificationsArn: undefined,
      certificateArn: facts.certificateArn,
      defaults: facts.environmentDefaults,
    },
  });
  return serviceTemplate(prepared.config, facts);
}
