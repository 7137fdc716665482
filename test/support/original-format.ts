// Helpers that look at configuration records the way the original Python Cloudlift does.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const validator = fileURLToPath(new URL('../fixtures/original/validate.py', import.meta.url));
const python = process.env.CLOUDLIFT_TEST_PYTHON ?? '/root/.pyenv/versions/3.11.7/bin/python';

/**
 * Runs the original's load path (version guard + its draft-4 JSON Schema, with Python's jsonschema) on a stored
 * `configuration` map. Returns "ok" or the error text the original would print.
 */
export function loadLikeOriginal(
  kind: 'environment' | 'service',
  environment: string,
  configuration: unknown,
): string {
  const result = spawnSync(python, [validator, kind, environment], {
    input: JSON.stringify(configuration),
    encoding: 'utf8',
  });
  if (result.error !== undefined || (result.status !== 0 && result.status !== 1)) {
    throw new Error(`could not run ${python} ${validator}: ${result.error?.message ?? result.stderr}`);
  }
  return result.stdout.trim();
}

/** A complete environment configuration as the original's prompts write it (the `<env>` document). */
export function originalEnvironmentDocument(seed: {
  eip: string;
  sns: string;
  certificate: string;
  key: string;
}) {
  return {
    region: 'us-east-1',
    vpc: {
      cidr: '10.30.0.0/16',
      'nat-gateway': { 'elastic-ip-allocation-id': seed.eip },
      subnets: {
        public: { 'subnet-1': { cidr: '10.30.0.0/22' }, 'subnet-2': { cidr: '10.30.4.0/22' } },
        private: { 'subnet-1': { cidr: '10.30.8.0/22' }, 'subnet-2': { cidr: '10.30.12.0/22' } },
      },
    },
    cluster: {
      min_instances: 1,
      max_instances: 5,
      spot_min_instances: 0,
      spot_max_instances: 0,
      instance_type: 't3.micro',
      key_name: seed.key,
      ecs_instance_default_lifecycle_type: 'ondemand',
      ami_id: null,
    },
    environment: { notifications_arn: seed.sns, ssl_certificate_arn: seed.certificate },
    service_defaults: {
      logging: 'awslogs',
      alb_mode: 'dedicated',
      disable_service_alarms: false,
      fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable', env: { kinesis_role_arn: '' } },
    },
  };
}
