import { describe, expect, it } from 'vitest';
import {
  answersToDocument,
  collectAnswers,
  environmentQuestions,
  normalizeClusterType,
} from '../../../src/core/config/environment-answers.js';
import type { Answers, Question } from '../../../src/core/config/environment-answers.js';
import { parseEnvironmentConfig } from '../../../src/core/config/environment.js';
import { ValidationError } from '../../../src/errors.js';

const required: Answers = {
  natEipAllocationId: 'eipalloc-0123456789abcdef0',
  keyName: 'staging-key',
  notificationsArn: 'arn:aws:sns:ap-south-1:123456789012:platform-team',
  sslCertificateArn: 'arn:aws:acm:ap-south-1:123456789012:certificate/abc',
};

/** An asker that takes every default, recording what it was asked; required questions without a default fail. */
function defaultsAsker(asked: string[]) {
  return (question: Question, defaultValue: string | undefined): Promise<string> => {
    asked.push(question.key);
    if (defaultValue === undefined) {
      return Promise.reject(new Error(`no value for ${question.flag}`));
    }
    return Promise.resolve(defaultValue);
  };
}

async function documentFor(flags: Answers): Promise<Record<string, unknown>> {
  return answersToDocument(await collectAnswers(flags, defaultsAsker([]), {}));
}

describe('environment questions', () => {
  it('has a flag for every question, and no flag twice', () => {
    const flags = environmentQuestions.map((question) => question.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const flag of flags) {
      expect(flag).toMatch(/^--[a-z0-9-]+$/);
    }
    expect(flags).not.toContain('--region'); // the global --region selects the configuration tables' region
  });

  it('derives the subnet defaults from the VPC CIDR: its first four /22 blocks', async () => {
    const document = await documentFor({ ...required, vpcCidr: '10.20.0.0/16' });
    expect(document.vpc).toEqual({
      cidr: '10.20.0.0/16',
      'nat-gateway': { 'elastic-ip-allocation-id': 'eipalloc-0123456789abcdef0' },
      subnets: {
        public: { 'subnet-1': { cidr: '10.20.0.0/22' }, 'subnet-2': { cidr: '10.20.4.0/22' } },
        private: { 'subnet-1': { cidr: '10.20.8.0/22' }, 'subnet-2': { cidr: '10.20.12.0/22' } },
      },
    });
  });

  it('writes the original layout for the default "both" cluster, with allocation_strategy (Appendix A #3)', async () => {
    const document = await documentFor({ ...required, vpcCidr: '10.20.0.0/16' });
    expect(document.region).toBe('ap-south-1');
    expect(document.cluster).toEqual({
      min_instances: 1,
      max_instances: 5,
      spot_min_instances: 1,
      spot_max_instances: 5,
      instance_type: 't2.micro,m5.xlarge',
      key_name: 'staging-key',
      ami_id: null,
      ecs_instance_default_lifecycle_type: 'ondemand',
      allocation_strategy: 'capacity-optimized',
    });
    expect(document.service_defaults).toEqual({
      logging: 'awslogs',
      fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable', env: { kinesis_role_arn: '' } },
      alb_mode: 'dedicated',
      disable_service_alarms: false,
    });
    expect(() => parseEnvironmentConfig('staging', document)).not.toThrow();
  });

  it('asks only what the cluster type needs', async () => {
    const asked: string[] = [];
    await collectAnswers({ ...required, vpcCidr: '10.20.0.0/16', clusterType: '1' }, defaultsAsker(asked));
    expect(asked).toContain('minInstances');
    expect(asked).not.toContain('spotMinInstances');
    expect(asked).not.toContain('allocationStrategy');
    expect(asked).not.toContain('defaultLifecycle');
  });

  it('builds an on-demand-only cluster from the original menu number', async () => {
    const document = await documentFor({ ...required, vpcCidr: '10.20.0.0/16', clusterType: '1' });
    expect(document.cluster).toMatchObject({
      min_instances: 1,
      spot_min_instances: 0,
      spot_max_instances: 0,
      instance_type: 't2.micro',
      ecs_instance_default_lifecycle_type: 'ondemand',
    });
    expect(document.cluster).not.toHaveProperty('allocation_strategy');
  });

  it('writes spot_instance_pools only for lowest-price', async () => {
    const document = await documentFor({
      ...required,
      vpcCidr: '10.20.0.0/16',
      clusterType: 'spot',
      allocationStrategy: 'lowest-price',
    });
    expect(document.cluster).toMatchObject({
      min_instances: 0,
      max_instances: 0,
      spot_min_instances: 1,
      allocation_strategy: 'lowest-price',
      spot_instance_pools: 2,
      ecs_instance_default_lifecycle_type: 'spot',
    });
    expect(() => parseEnvironmentConfig('staging', document)).not.toThrow();
  });

  it('builds a Fargate-only environment in an existing VPC without EC2 questions', async () => {
    const asked: string[] = [];
    const answers = await collectAnswers(
      {
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        publicSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2',
        privateSubnetIds: 'subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2',
        clusterType: 'fargate',
        notificationsArn: required.notificationsArn ?? '',
        sslCertificateArn: required.sslCertificateArn ?? '',
      },
      defaultsAsker(asked),
      { defaultRegion: 'ap-south-1' },
    );
    expect(asked).toEqual(['region']);
    const document = answersToDocument(answers);
    expect(document.vpc).toEqual({
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
    });
    expect(document.cluster).toEqual({
      type: 'fargate',
      min_instances: 0,
      max_instances: 0,
      spot_min_instances: 0,
      spot_max_instances: 0,
    });
    expect(() => parseEnvironmentConfig('staging', document)).not.toThrow();
  });

  it('offers the profile region as the default region', async () => {
    const document = answersToDocument(
      await collectAnswers({ ...required, vpcCidr: '10.0.0.0/16' }, defaultsAsker([]), {
        defaultRegion: 'eu-west-1',
      }),
    );
    expect(document.region).toBe('eu-west-1');
  });

  it('re-asks a typed answer that fails its check, saying why', async () => {
    const typed = ['t2.mciro', 't3.micro'];
    const problems: (string | undefined)[] = [];
    const answers = await collectAnswers(
      { ...required, vpcCidr: '10.0.0.0/16' },
      (question, fallback, problem) => {
        if (question.key === 'instanceTypes') {
          problems.push(problem);
          return Promise.resolve(typed.shift() ?? '');
        }
        return Promise.resolve(fallback ?? '');
      },
    );
    expect(answers.instanceTypes).toBe('t3.micro');
    expect(problems).toEqual([undefined, 'Invalid instance type: t2.mciro']);
  });

  it('re-asks a VPC or subnet CIDR AWS would refuse at once, not after every other question', async () => {
    // Validation refuses these after all questions were answered; on a terminal that meant answering them all again.
    const typed: Partial<Record<string, string[]>> = {
      vpcCidr: ['10.0.0.0/8', '10.0.0.0/16'],
      publicSubnet1Cidr: ['10.1.0.0/22', '10.0.0.0/29', '10.0.0.0/22'],
    };
    const problems: string[] = [];
    const answers = await collectAnswers({ ...required }, (question, fallback, problem) => {
      if (problem !== undefined) {
        problems.push(`${question.key}: ${problem}`);
      }
      return Promise.resolve(typed[question.key]?.shift() ?? fallback ?? '');
    });
    expect([answers.vpcCidr, answers.publicSubnet1Cidr]).toEqual(['10.0.0.0/16', '10.0.0.0/22']);
    expect(problems).toEqual([
      'vpcCidr: 10.0.0.0/8 is /8; AWS allows /16 to /28',
      'publicSubnet1Cidr: 10.1.0.0/22 is not inside the VPC 10.0.0.0/16',
      'publicSubnet1Cidr: 10.0.0.0/29 is /29; AWS allows /16 to /28',
    ]);
  });

  it.each(['1', 'On-Demand', 'ondemand', 'ONDEMAND'])('reads cluster type %s as on-demand', (text) => {
    expect(normalizeClusterType(text)).toBe('ondemand');
  });
});

// Each bad flag fails before anything is asked or written, naming the flag.
const badFlags: [string, Answers, RegExp][] = [
  ['region', { region: 'mars-1' }, /^--env-region mars-1: "mars-1" is not an AWS region code$/],
  ['VPC CIDR', { vpcCidr: '10.0.0.0' }, /^--vpc-cidr 10\.0\.0\.0: "10\.0\.0\.0" is not a CIDR block/],
  ['subnet CIDR', { vpcCidr: '10.0.0.0/16', publicSubnet1Cidr: '10.0.0.1/22' }, /^--public-subnet-1-cidr .*host bits set/],
  ['VPC CIDR size', { vpcCidr: '10.0.0.0/8' }, /^--vpc-cidr 10\.0\.0\.0\/8: 10\.0\.0\.0\/8 is \/8; AWS allows \/16 to \/28$/],
  ['subnet outside the VPC', { vpcCidr: '10.0.0.0/16', privateSubnet2Cidr: '10.9.0.0/22' }, /^--private-subnet-2-cidr 10\.9\.0\.0\/22: 10\.9\.0\.0\/22 is not inside the VPC 10\.0\.0\.0\/16$/],
  ['cluster type', { clusterType: 'k8s' }, /^--cluster-type k8s: "k8s" is not one of ondemand, spot, both, fargate$/],
  ['instance count', { clusterType: 'both', minInstances: 'two' }, /^--min-instances two: "two" is not a whole number$/],
  ['instance type', { instanceTypes: 't3.micro,m5.huge' }, /^--instance-types .*Invalid instance type: m5\.huge$/],
  ['allocation strategy', { allocationStrategy: 'cheapest' }, /^--allocation-strategy cheapest: "cheapest" is not one of/],
  ['VPC id', { vpcId: 'my-vpc' }, /^--vpc-id my-vpc: "my-vpc" is not a vpc-\.\.\. id$/],
  ['one subnet id', { vpcId: 'vpc-1', publicSubnetIds: 'subnet-1' }, /^--public-subnet-ids subnet-1: give at least two ids/],
  ['default lifecycle', { clusterType: 'both', defaultLifecycle: 'reserved' }, /^--default-lifecycle reserved: "reserved" is not OnDemand or Spot$/],
]; // prettier-ignore

describe('bad flags', () => {
  it.each(badFlags)('rejects a bad %s flag', async (_name, flags, message) => {
    const error = await collectAnswers(
      { ...required, vpcCidr: '10.0.0.0/16', ...flags },
      defaultsAsker([]),
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(message);
    expect((error as ValidationError).hint).toMatch(/^Pass --/);
  });
});
