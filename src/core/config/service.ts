// The service configuration document (`service_configurations.configuration`, minus `cloudlift_version`): its zod
// schema with the original Cloudlift's keys, the typed result, and `parseServiceConfig`, which adds the checks the
// schema alone cannot express (service-checks.ts). Extra keys of ours are ones the original simply ignores.
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { formatIssues, jsonSchemaOf, lenientObject } from './validate.js';
import { checkServiceConfig, isFqdn, restrictAccessProblem } from './service-checks.js';
import type { ServiceDefaults } from './service-checks.js';

export type { ServiceDefaults } from './service-checks.js';

/** Service keys become CloudFormation logical ids: letters first, then letters and digits. */
export const serviceKeyPattern = /^[a-zA-Z][a-zA-Z0-9]*$/;

/** The log drivers a service may ask for; the string "null" is the original's spelling of "no driver" (LogDriver none). */
export const loggingDrivers = ['awslogs', 'awsfirelens', 'null'] as const;

const logging = z.enum(loggingDrivers).nullable();
const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);

const hostname = z.string().refine(isFqdn, {
  message: 'must be a fully qualified domain name such as api.example.com (letters, digits and dashes)',
});

const cidrEntry = z.string().superRefine((value, context) => {
  const problem = restrictAccessProblem(value);
  if (problem !== undefined) {
    context.addIssue({ code: 'custom', message: problem });
  }
});

const httpInterface = lenientObject({
  internal: z.boolean(),
  restrict_access_to: z.array(cidrEntry),
  container_port: wholeNumber(1, 65535),
  health_check_path: z.string().regex(/^\//, 'must start with "/"').optional(),
  alb_mode: z.enum(['cluster', 'dedicated']).optional(),
  // Required (1..5) in both ALB modes, as by the original's schema, which re-validates every record it saves: a
  // record of ours without host names would break the next update_service of a teammate still on the Python tool.
  hostnames: z
    .array(hostname)
    .min(1, 'give 1 to 5 host names, e.g. ["api.example.com"]')
    .max(5, 'give at most 5 host names'),
});

const healthCheck = lenientObject({
  command: z.array(z.string()).min(1),
  interval: wholeNumber(5, 300).optional(),
  timeout: wholeNumber(2, 120).optional(),
  retries: wholeNumber(1, 10).optional(),
  start_period: wholeNumber(0, 300).optional(),
});

const sidecar = lenientObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]*-sidecar$/, 'must end with "-sidecar" (letters, digits, _ and -)'),
  image_uri: z.string().min(1),
  memory_reservation: wholeNumber(10, 30000),
  essential: z.boolean(),
  command: z.string().nullable().optional(),
  logging: logging.optional(),
  env: z.record(z.string(), z.string()).optional(),
  health_check: healthCheck.optional(),
});

const autoscaling = lenientObject({
  min: wholeNumber(0, 1000),
  max: wholeNumber(1, 1000),
  cpu_target: z.number().min(1).max(100).optional(),
  requests_per_target: wholeNumber(1, 1_000_000).optional(),
});

const placementConstraint = lenientObject({
  type: z.enum(['memberOf', 'distinctInstance']),
  expression: z.string().min(1).optional(),
});

const serviceSchema = lenientObject({
  command: z.string().nullable(),
  memory_reservation: wholeNumber(10, 30000),
  cpu_reservation: wholeNumber(128, 4096).optional(),
  fargate: lenientObject({ cpu: z.number().int(), memory: z.number().int() }).optional(),
  spot_deployment: z.boolean().optional(),
  logging: logging.optional(),
  disable_service_alarms: z.boolean().optional(),
  http_interface: httpInterface.optional(),
  custom_metrics: lenientObject({
    metrics_port: z.string().regex(/^[0-9]{1,5}$/, 'must be a port number written as a string, e.g. "9100"'),
    metrics_path: z.string().regex(/^\//, 'must start with "/"'),
  }).optional(),
  volume: lenientObject({
    efs_id: z
      .string()
      .regex(/^fs-[0-9a-f]{8,40}$/, 'must be an EFS file system id such as fs-0123456789abcdef0'),
    efs_directory_path: z.string().regex(/^\//, 'must start with "/"'),
    container_path: z.string().regex(/^\//, 'must start with "/"'),
  }).optional(),
  depends_on: z
    .array(
      lenientObject({
        container_name: z.string().min(1),
        condition: z.enum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']),
      }),
    )
    .optional(),
  sidecars: z.array(sidecar).optional(),
  // Ours (the original ignores these keys):
  autoscaling: autoscaling.optional(),
  health_check_grace_period_seconds: wholeNumber(0, 2_147_483_647).optional(),
  deployment_circuit_breaker: z.boolean().optional(),
  placement_constraints: z.array(placementConstraint).max(9).optional(),
  enable_execute_command: z.boolean().optional(),
});

const documentSchema = lenientObject({
  notifications_arn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/,
      'must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts',
    ),
  services: z.record(z.string(), serviceSchema),
  cloudlift_version: z.string().optional(),
});

/** One ECS service of the configuration (`services.<Svc>`). */
export type ServiceSettings = z.output<typeof serviceSchema>;
/** The `http_interface` block of a service. */
export type HttpInterface = z.output<typeof httpInterface>;
/** One entry of `sidecars`. */
export type Sidecar = z.output<typeof sidecar>;
/** The `autoscaling` block (ours). */
export type Autoscaling = z.output<typeof autoscaling>;
/** A validated service configuration document. */
export type ServiceConfig = z.output<typeof documentSchema>;
/** The ALB modes of the original: a dedicated ALB per service, or host rules on the environment's shared ALB. */
export type AlbMode = 'cluster' | 'dedicated';
/** A log driver value as stored (`null`: no log configuration). */
export type LoggingDriver = (typeof loggingDrivers)[number];

const hint =
  'Fix the fields named above and try again; `cloudlift schema service` prints the JSON Schema of this file ' +
  '(docs/services.md describes every field).';

/** zod's type names in the words a JSON author uses. */
function plainWords(line: string): string {
  return line
    .replace(
      /(\.http_interface\.hostnames): is required \(an array\)$/,
      '$1: is required: 1 to 5 host names, e.g. ["api.example.com"] (the original Cloudlift requires them in ' +
        'every http_interface; only alb_mode "cluster" routes by them)',
    )
    .replace(/expected an int, got/, 'must be a whole number, got')
    .replace(/\(an? (record|object)\)$/, '(an object)')
    .replace(/\(an int\)$/, '(a whole number)')
    .replace(/expected (?:array|string) to have <=(\d+) (items|characters)/, 'must have at most $1 $2')
    .replace(/expected (?:array|string) to have >=(\d+) (items|characters)/, 'must have at least $1 $2');
}

function serviceKeyIssues(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) {
    return [];
  }
  const services = (document as { services?: unknown }).services;
  if (typeof services !== 'object' || services === null || Array.isArray(services)) {
    return [];
  }
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const keys = Object.keys(services);
  if (keys.length === 0) {
    problems.push('services: needs at least one service, e.g. {"Web": {...}}');
  }
  for (const key of keys) {
    if (!serviceKeyPattern.test(key)) {
      problems.push(
        `services.${key}: the service name must start with a letter and hold only letters and digits ` +
          `(it becomes part of CloudFormation ids), e.g. "${key.replace(/[^a-zA-Z0-9]/g, '') || 'Web'}"`,
      );
    }
    const clash = seen.get(key.toLowerCase());
    if (clash !== undefined) {
      problems.push(
        `services.${key}: clashes with "${clash}" (service names must differ in more than letter case)`,
      );
    }
    seen.set(key.toLowerCase(), key);
  }
  return problems;
}

/**
 * Validates a service configuration document (as stored, or as edited) against the schema and the semantic checks,
 * using the environment's `service_defaults` where the original fell back to them. Throws a ValidationError whose
 * lines each name the field (`services.Web.http_interface.hostnames.0: ...`).
 */
export function parseServiceConfig(
  document: unknown,
  environmentDefaults: ServiceDefaults = {},
): ServiceConfig {
  const lines = serviceKeyIssues(document);
  const result = documentSchema.safeParse(document, { reportInput: true });
  if (!result.success) {
    lines.push(...formatIssues(result.error.issues).map(plainWords));
  } else if (lines.length === 0) {
    lines.push(...checkServiceConfig(result.data, environmentDefaults));
  }
  if (lines.length === 0 && result.success) {
    return result.data;
  }
  const first = lines[0] ?? 'invalid';
  const more =
    lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new ValidationError(`Invalid service configuration: ${first}${more}`, {
    code: 'InvalidServiceConfig',
    details: lines.length > 1 ? lines : [],
    hint,
  });
}

/** The JSON Schema of the service configuration, for `cloudlift schema service` and editor autocompletion. */
export function serviceConfigJsonSchema(): Record<string, unknown> {
  const schema = jsonSchemaOf(documentSchema, 'Cloudlift service configuration');
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  const services = properties?.services;
  if (services !== undefined) {
    services.propertyNames = { pattern: serviceKeyPattern.source };
    services.minProperties = 1;
  }
  return schema;
}
