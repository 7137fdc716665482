// Environment configurations for tests: a valid document of each kind, built fresh on every call.

/** The `<env>` document Cloudlift 2.1.1's prompts write for "both" fleets, with our allocation_strategy key. */
export function bothFleetsDocument(): Record<string, unknown> {
  return {
    region: 'ap-south-1',
    vpc: {
      cidr: '10.10.0.0/16',
      'nat-gateway': { 'elastic-ip-allocation-id': 'eipalloc-0123456789abcdef0' },
      subnets: {
        public: { 'subnet-1': { cidr: '10.10.0.0/22' }, 'subnet-2': { cidr: '10.10.4.0/22' } },
        private: { 'subnet-1': { cidr: '10.10.8.0/22' }, 'subnet-2': { cidr: '10.10.12.0/22' } },
      },
    },
    cluster: {
      min_instances: 1,
      max_instances: 5,
      spot_min_instances: 1,
      spot_max_instances: 5,
      instance_type: 't2.micro,m5.xlarge',
      key_name: 'staging-key',
      ami_id: null,
      ecs_instance_default_lifecycle_type: 'ondemand',
      allocation_strategy: 'capacity-optimized',
    },
    environment: {
      notifications_arn: 'arn:aws:sns:ap-south-1:123456789012:platform-team',
      ssl_certificate_arn:
        'arn:aws:acm:ap-south-1:123456789012:certificate/0b1f7c2e-1234-4321-abcd-0123456789ab',
    },
    service_defaults: {
      logging: 'awslogs',
      fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable', env: { kinesis_role_arn: '' } },
      alb_mode: 'dedicated',
      disable_service_alarms: false,
    },
  };
}

/** A Fargate-only environment in an existing VPC. */
export function fargateExistingVpcDocument(): Record<string, unknown> {
  return {
    ...bothFleetsDocument(),
    vpc: {
      create_new: false,
      id: 'vpc-0a1b2c3d4e5f60718',
      subnets: {
        public: {
          'subnet-1': { id: 'subnet-0aaaaaaaaaaaaaaa1' },
          'subnet-2': { id: 'subnet-0aaaaaaaaaaaaaaa2' },
        },
        private: {
          'subnet-1': { id: 'subnet-0bbbbbbbbbbbbbbb1' },
          'subnet-2': { id: 'subnet-0bbbbbbbbbbbbbbb2' },
        },
      },
    },
    cluster: { type: 'fargate' },
  };
}

/** A copy of `document` with the value at a dotted path replaced (`undefined` removes the key). */
export function withChange(
  document: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(document);
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let node: Record<string, unknown> = copy;
  for (const key of keys) {
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) {
    delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}
