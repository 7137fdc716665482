// THE list of deliberate differences between our templates and the original Cloudlift 2.1.1's, rendered from the same
// stored records (test/parity/templates.test.ts reads it; README.md's "Compatibility" decisions table mirrors it, by
// id). Matching the original is the default: every entry says why we differ and what the first cloudlift update does
// to a stack the original created. Any other difference fails the parity test, and so does an entry nothing matches.

/**
 * What a difference does to a stack the original created, on cloudlift's first update of it: `replaces` a resource
 * (for us only ever a task definition, which ECS then rolls the service to), `adds` resources, `modifies` one in place,
 * `conditional` (a conditionally create-only property: DescribeChangeSet says `Replacement: Conditional`; the entry
 * says why nothing is replaced), or `none` (an output, resource metadata, or something that never applies to an
 * existing stack). For entries the reference run exercises, the parity test checks it against CloudFormation's
 * create-only properties.
 */
export type Effect = 'none' | 'modifies' | 'conditional' | 'adds' | 'replaces';

/** One deliberate difference. */
export interface DeliberateDifference {
  /** Stable name, quoted in README.md's decisions table. */
  id: string;
  /** The spec's Appendix A quirk it decides, if any. */
  quirk?: number;
  /** Which template. */
  kind: 'environment' | 'service';
  /**
   * `update`: in what cloudlift renders for a stack the original created (running images and listener rules read
   * back, as update_service does). `create`: only when cloudlift creates the stack or a service (nothing is running).
   */
  scenario: 'update' | 'create';
  /**
   * Matched against the difference's path, e.g. `Resources/WebTaskDefinition/Properties/ContainerDefinitions/0/...`,
   * for differences the reference run shows. Absent for records the reference run did not have: `evidence` then names
   * the tests or golden files that pin our side (each file must contain the text given).
   */
  at?: RegExp;
  evidence?: ReadonlyArray<{ file: string; contains: string }>;
  original: string;
  ours: string;
  why: string;
  effect: Effect;
  /** In words: what happens to an existing stack the original created (and when the original updates it again). */
  onExistingStack: string;
}

export const deliberateDifferences: readonly DeliberateDifference[] = [
  {
    id: 'rendered-by',
    kind: 'environment',
    scenario: 'update',
    at: /^Outputs\/CloudliftOptions\/Value\/rendered_by$/,
    original: 'CloudliftOptions names only `cloudlift_version: "2.1.1"`',
    ours: 'the same keys (`cloudlift_version` is the 2.1.1 layout, as on our records) plus `rendered_by: "cloudlift-ts <version>"`',
    why: 'Says which tool and version rendered the stack; our own version under cloudlift_version read as an older Cloudlift.',
    effect: 'none',
    onExistingStack: 'Output value only; no resource changes.',
  },
  {
    id: 'cfn-hup-mode',
    kind: 'environment',
    scenario: 'update',
    at: /^Resources\/LaunchTemplate(OnDemand|Spot)\/Metadata\/AWS::CloudFormation::Init\/config\/files\/\/etc\/cfn\/cfn-hup\.conf\/mode$/,
    original: "`mode: '256'` (0400 in decimal)",
    ours: "`mode: '000400'`",
    why: 'cfn-init reads the mode as octal: 0256 makes /etc/cfn/cfn-hup.conf writable by every user of the host.',
    effect: 'none',
    onExistingStack:
      'Launch-template metadata only (no new launch-template version, no instance replaced); hosts launched afterwards get 0400.',
  },
  {
    id: 'spot-allocation-strategy',
    quirk: 3,
    kind: 'environment',
    scenario: 'update',
    at: /^Resources\/AutoScalingGroupSpot\/Properties\/MixedInstancesPolicy\/InstancesDistribution\/SpotAllocationStrategy$/,
    original:
      'always `capacity-optimized`: it saves the answer as `spot_allocation_strategy` but reads `allocation_strategy`',
    ours: 'the strategy the record holds (`allocation_strategy`, else `spot_allocation_strategy`)',
    why: 'The strategy chosen when the environment was created is the one the user asked for.',
    effect: 'conditional',
    onExistingStack:
      "Only when the record's strategy is not capacity-optimized: AutoScalingGroupSpot's MixedInstancesPolicy changes, which DescribeChangeSet reports as Replacement Conditional (and AutoScalingPolicySpot too, by reference): the property is replaced only under an AutoScalingReplacingUpdate policy, and the original's UpdatePolicy is empty, so the group is updated in place and keeps its instances; later launches use the strategy. The original's next update sets capacity-optimized again.",
  },
  {
    id: 'oom-rule',
    quirk: 5,
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/EcsOOM[A-Za-z0-9]+\/Properties\/EventPattern\/detail\/(clusterArn\/0|taskDefinitionArn\/0\/(anything-but|prefix))$/,
    original:
      '`anything-but` the cluster and the family: fires for OOM kills of every other cluster and family',
    ours: 'this cluster (ARN) and the service family (ARN prefix)',
    why: 'The original rule notifies about the wrong tasks.',
    effect: 'modifies',
    onExistingStack: "EcsOOM<Svc> is modified in place. The original's next update restores its pattern.",
  },
  {
    id: 'fargate-memory-alarm',
    quirk: 6,
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/EcsHighMemoryAlarm[A-Za-z0-9]+\/Properties\/Threshold$/,
    original: "`'120'` for every service",
    ours: "`'80'` for Fargate services (EC2 keeps `'120'`)",
    why: 'On Fargate the metric is relative to the task memory and never reaches 120 %, so the alarm could never fire.',
    effect: 'modifies',
    onExistingStack:
      "EcsHighMemoryAlarm<Svc> of Fargate services is modified in place; the original's next update sets 120 again.",
  },
  {
    id: 'circuit-breaker',
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/[A-Za-z0-9]+\/Properties\/DeploymentConfiguration(\/DeploymentCircuitBreaker)?$/,
    original: 'no circuit breaker (and no DeploymentConfiguration at all behind a load balancer)',
    ours: "circuit breaker with rollback, MaximumPercent 200 / MinimumHealthyPercent 100 (ECS's defaults)",
    why: 'A deploy whose tasks keep failing is rolled back by ECS instead of retrying forever; `"deployment_circuit_breaker": false` turns it off.',
    effect: 'modifies',
    onExistingStack:
      "The ECS service is modified in place (no new deployment, no task replaced); the original's next update removes the breaker.",
  },
  {
    id: 'health-check-grace-period',
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/[A-Za-z0-9]+\/Properties\/HealthCheckGracePeriodSeconds$/,
    original: 'none',
    ours: '60 s for services behind a load balancer (`health_check_grace_period_seconds`)',
    why: 'Tasks that start slowly are not killed by failing load-balancer health checks during start-up.',
    effect: 'modifies',
    onExistingStack:
      "The ECS service is modified in place (no new deployment); the original's next update removes it.",
  },
  {
    id: 'placement-constraints',
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/[A-Za-z0-9]+\/Properties\/PlacementConstraints\/[1-9]$/,
    original: '`placement_constraints` is not in its schema: kept in the record, never rendered',
    ours: 'rendered after the spot/on-demand constraint (EC2 services)',
    why: 'A documented cloudlift option; a record holds the key only because someone wrote it to take effect.',
    effect: 'modifies',
    onExistingStack:
      "Only for records with the key: the ECS service is modified in place; running tasks stay, new placements obey it (a distinctInstance with more tasks than hosts leaves the rest unplaced). The original's next update drops it.",
  },
  {
    id: 'sidecar-start-period',
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/[A-Za-z0-9]+TaskDefinition\/Properties\/ContainerDefinitions\/[1-9]\/HealthCheck\/StartPeriod$/,
    original: "a sidecar's `health_check.start_period` is validated by its schema, then dropped",
    ours: 'rendered as `StartPeriod`',
    why: 'The record asks for it: failed checks during start-up should not count.',
    effect: 'replaces',
    onExistingStack:
      "Only for sidecars with start_period: a new task-definition revision, and the ECS service rolls to it (as every deploy does). The original's next update rolls it back to a revision without it.",
  },
  {
    id: 'firelens-router-only',
    kind: 'service',
    scenario: 'update',
    at: /^Resources\/[A-Za-z0-9]+TaskDefinition\/Properties\/ContainerDefinitions\/[1-9]\/FirelensConfiguration$/,
    original:
      'with `logging: awsfirelens`, every sidecar gets `FirelensConfiguration: fluentbit`, user sidecars included',
    ours: 'only the log router `fluentbit-firelens-sidecar` gets it',
    why: "A task has one log router: ECS's agent configures the first container with a FireLens configuration, which in the original's order is the user's sidecar (fluent-bit is appended last), and AWS CDK refuses a second router.",
    effect: 'replaces',
    onExistingStack:
      "Only for awsfirelens services with their own sidecars: a new task-definition revision and a rolling deployment to it; the original's next update rolls back to its shape.",
  },
  {
    id: 'kinesis-role',
    quirk: 4,
    kind: 'service',
    scenario: 'update',
    evidence: [
      {
        file: 'test/core/templates/service.test.ts',
        contains:
          'the FireLens task role may assume fluentbit_config.env.kinesis_role_arn, where it is written',
      },
    ],
    original:
      "the awsfirelens task role's sts:AssumeRole is on `service_defaults.env.kinesis_role_arn`, else `*`; the environment questions write the role under `service_defaults.fluentbit_config.env`",
    ours: '`fluentbit_config.env.kinesis_role_arn`, else `service_defaults.env.kinesis_role_arn`, else `*`',
    why: 'The role the environment names is the one fluent-bit assumes; `*` lets the task assume any role.',
    effect: 'modifies',
    onExistingStack:
      "Only where fluentbit_config.env.kinesis_role_arn is not empty: <Svc>Role's policy is modified in place (narrowed to that role); the original's next update widens it to `*` again.",
  },
  {
    id: 'cpu-reservation',
    kind: 'service',
    scenario: 'update',
    evidence: [
      {
        file: 'test/core/templates/service.test.ts',
        contains: 'cpu_reservation gives an EC2 task-level CPU of 125 %, rounded half to even like Python',
      },
    ],
    original: "`cpu_reservation` is not in 2.1.1's schema: kept, never rendered (newer originals render it)",
    ours: 'task-level `Cpu` of EC2 services: 125 % of it, rounded half to even, as the newer originals',
    why: 'Matches the newer originals, which teammates may run; a record holds the key only because someone wrote it.',
    effect: 'replaces',
    onExistingStack:
      'Only for records with the key: a new task-definition revision and a rolling deployment to it; a 2.1.1 update rolls back to a revision without it.',
  },
  {
    id: 'cloudlift-only-keys',
    kind: 'service',
    scenario: 'update',
    evidence: [
      {
        file: 'test/core/templates/service.test.ts',
        contains:
          'circuit breaker with rollback and a 60 s grace period are on by default, and can be changed',
      },
      {
        file: 'test/golden/service/autoscaling/template.json',
        contains: 'AWS::ApplicationAutoScaling::ScalableTarget',
      },
      { file: 'test/core/templates/service-exec.test.ts', contains: "describe('enable_execute_command'" },
    ],
    original: 'keys its schema does not define are kept in the record and ignored',
    ours: '`autoscaling`, `health_check_grace_period_seconds`, `deployment_circuit_breaker`, `enable_execute_command` are rendered (docs/services.md)',
    why: 'Options of cloudlift; the original never wrote them, so only records edited for cloudlift hold them.',
    effect: 'adds',
    onExistingStack:
      "None for a record the original saved. When a record has them: autoscaling adds <Svc>ScalableTarget and its policies; the others modify the ECS service (and for exec the task role) in place. The original's next update removes them all again.",
  },
  {
    id: 'new-service-image',
    quirk: 8,
    kind: 'service',
    scenario: 'create',
    at: /^Resources\/[A-Za-z0-9]+TaskDefinition\/Properties\/ContainerDefinitions\/0\/Image$/,
    original: '`<app>-repo:master` for a service that was never deployed',
    ours: '`<app>-repo:cloudlift-not-deployed-yet` (desired count 0: never pulled until deploy_service)',
    why: 'A `master` tag may exist and be the wrong image.',
    effect: 'none',
    onExistingStack:
      'None: services that exist keep the image their task definition runs (read from ECS on every update).',
  },
  {
    id: 'listener-rule-priority',
    kind: 'service',
    scenario: 'create',
    at: /^Resources\/[A-Za-z0-9]+ListenerRule\/Properties\/Priority$/,
    original: 'random in 100..49899 for a new rule',
    ours: 'FNV-1a of `<app>/<Svc>/<hostnames>` in the same range, probing past priorities in use',
    why: 'A render is repeatable (golden files, reviews, the change-set preview).',
    effect: 'none',
    onExistingStack:
      "None: a rule that already routes the service's first host name keeps its priority (both tools reuse it).",
  },
];
