// The service stack `<app>-<env>` as a pure function of the service configuration and the facts looked up from AWS:
// the original Cloudlift's resources, logical ids, parameters and outputs, plus our deployment safety nets.
import type { ServiceConfig, ServiceSettings } from '../config/service.js';
import { CloudliftError } from '../../errors.js';
import { ecsServiceRoleId, environmentIds, serviceStackIds, serviceStackName } from '../naming.js';
import type { Cdk, TemplateBlueprint, TemplateStack as Stack } from './template.js';
import { addAlbAlarms, addServiceAlarms } from './service/alarms.js';
import { addAutoscaling } from './service/autoscaling.js';
import type { Build, StackParameters } from './service/build.js';
import { unitOf } from './service/build.js';
import { pythonJson } from './python-json.js';
import { addEcsService } from './service/ecs-service.js';
import type { ServiceFacts } from './service/facts.js';
import { environmentOutput, teamOf } from './service/facts.js';
import { addLoadBalancing } from './service/load-balancing.js';
import { addServiceRegistry, addTaskDefinition } from './service/task-definition.js';

export type { ExistingListenerRule, ServiceFacts } from './service/facts.js';

function addParameters(stack: Stack, cdk: Cdk, config: ServiceConfig, facts: ServiceFacts): StackParameters {
  const names = serviceStackIds.parameters;
  const fromEnvironment = (id: string, type: string) =>
    new cdk.CfnParameter(stack, id, {
      description: '',
      type,
      default: environmentOutput(facts, id, 'every service stack takes as a parameter default'),
    });
  const parameters: StackParameters = {
    notificationSnsArn: new cdk.CfnParameter(stack, names.notificationSnsArn, {
      description: '',
      type: 'String',
      default: config.notifications_arn,
    }),
    vpc: fromEnvironment(names.vpc, 'AWS::EC2::VPC::Id'),
    publicSubnet1: fromEnvironment(names.publicSubnet1, 'AWS::EC2::Subnet::Id'),
    publicSubnet2: fromEnvironment(names.publicSubnet2, 'AWS::EC2::Subnet::Id'),
    privateSubnet1: fromEnvironment(names.privateSubnet1, 'AWS::EC2::Subnet::Id'),
    privateSubnet2: fromEnvironment(names.privateSubnet2, 'AWS::EC2::Subnet::Id'),
  };
  new cdk.CfnParameter(stack, names.environment, { description: '', type: 'String', default: 'production' });
  return parameters;
}

function addStackOutputs(stack: Stack, cdk: Cdk, config: ServiceConfig): void {
  const outputs = serviceStackIds.outputs;
  const { cloudlift_version: _version, ...options } = config;
  new cdk.CfnOutput(stack, outputs.cloudliftOptions, {
    description: 'Options used with cloudlift when building this service',
    value: pythonJson(options),
  });
  new cdk.CfnOutput(stack, outputs.stackId, {
    description:
      'The unique ID of the stack. To be supplied to circle CI environment variables to validate during deployment.',
    value: cdk.Aws.STACK_ID,
  });
  new cdk.CfnOutput(stack, outputs.stackName, {
    description: 'The name of the stack',
    value: cdk.Aws.STACK_NAME,
  });
}

function addEcsServiceRole(stack: Stack, cdk: Cdk) {
  return new cdk.aws_iam.CfnRole(stack, ecsServiceRoleId, {
    path: '/',
    managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'],
    roleName: cdk.Fn.sub('ecs-svc-${AWS::StackName}-${AWS::Region}'),
    assumeRolePolicyDocument: {
      Statement: [
        { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['ecs.amazonaws.com'] } },
      ],
    },
  });
}

function addService(build: Build, key: string, settings: ServiceSettings): void {
  const unit = unitOf(build, key, settings);
  if (
    !unit.isFargate &&
    build.facts.environmentOutputs[environmentIds(build.facts.environment).outputs.clusterType] === 'fargate'
  ) {
    throw new CloudliftError(
      'NoEc2Hosts',
      `services.${key} runs on EC2, but environment ${build.facts.environment} is Fargate-only (it has no EC2 hosts)`,
      {
        exitCode: 2,
        hint: `Give services.${key} a fargate block, e.g. "fargate": {"cpu": 256, "memory": 512}.`,
      },
    );
  }
  const taskDefinition = addTaskDefinition(build, unit);
  const registry = addServiceRegistry(build, unit);
  const balancing = unit.http === undefined ? undefined : addLoadBalancing(build, unit, unit.http);
  const service = addEcsService(build, unit, { taskDefinition, registry, balancing });
  const { cdk, stack } = build;
  new cdk.CfnOutput(stack, unit.ids.outputs.ecsServiceName, {
    description: 'The ECS name which needs to be entered',
    value: service.getAtt('Name').toString(),
  });
  if (balancing?.alb !== undefined) {
    new cdk.CfnOutput(stack, unit.ids.outputs.url, {
      description: 'The URL at which the service is accessible',
      value: cdk.Fn.sub(`https://\${${unit.ids.alb}.DNSName}`),
    });
    if (unit.alarmsEnabled) {
      addAlbAlarms(build, unit, balancing.alb);
    }
  }
  if (unit.alarmsEnabled) {
    addServiceAlarms(build, unit, service);
  }
  if (unit.settings.autoscaling !== undefined) {
    addAutoscaling(build, unit, unit.settings.autoscaling, service, balancing);
  }
}

/**
 * The blueprint of the service stack's template (src/cdk/ builds it) for a validated configuration (see
 * parseServiceConfig) and the facts looked up from AWS. Pure: the same inputs always give the same template.
 */
export function serviceBlueprint(config: ServiceConfig, facts: ServiceFacts): TemplateBlueprint {
  return {
    stackName: serviceStackName(facts.app, facts.environment),
    build: (stack, cdk) => {
      const params = addParameters(stack, cdk, config, facts);
      addStackOutputs(stack, cdk, config);
      const build: Build = {
        stack,
        cdk,
        config,
        facts,
        team: teamOf(config.notifications_arn),
        params,
        ecsServiceRole: addEcsServiceRole(stack, cdk),
        takenPriorities: new Map(),
      };
      for (const [key, settings] of Object.entries(config.services)) {
        addService(build, key, settings);
      }
    },
  };
}
