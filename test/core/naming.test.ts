import { describe, expect, it } from 'vitest';
import * as naming from '../../src/core/naming.js';

describe('stack and store names (shared with the original Cloudlift)', () => {
  it('names the environment and service stacks', () => {
    expect(naming.clusterStackName('staging')).toBe('cluster-staging');
    expect(naming.clusterName('prod-2')).toBe('cluster-prod-2');
    expect(naming.serviceStackName('dummy', 'staging')).toBe('dummy-staging');
  });

  it('uses the original tables, SSM paths and ECR repository names', () => {
    expect(naming.tables.environments).toBe('environment_configurations');
    expect(naming.tables.services).toBe('service_configurations');
    expect(naming.parameterPrefix('staging', 'dummy')).toBe('/staging/dummy/');
    expect(naming.parameterName('staging', 'dummy', 'PORT')).toBe('/staging/dummy/PORT');
    expect(naming.ecrRepositoryName('dummy')).toBe('dummy-repo');
    expect(naming.localImageName('dummyFargate', 'abc')).toBe('dummy-fargate:abc');
    expect(naming.logGroupName('staging')).toBe('staging-logs');
  });

  it('deduces the app name from a folder the way the original does', () => {
    expect(naming.appNameFromDirectory('MyService')).toBe('my-service');
    expect(naming.appNameFromDirectory('rippling-main')).toBe('rippling-main');
  });

  it('builds camel logical ids and drops characters CloudFormation rejects', () => {
    expect(naming.camelLogicalId('stagingVpc')).toBe('stagingVpc');
    expect(naming.camelLogicalId('dummy-stagingVpc')).toBe('dummyStagingVpc');
    expect(naming.camelLogicalId('prod-2Vpc')).toBe('prod2Vpc');
  });

  it('names service containers, families and outputs', () => {
    expect(naming.containerName('Web')).toBe('WebContainer');
    expect(naming.taskFamily('Web')).toBe('WebFamily');
    expect(naming.ecsServiceNameOutput('Web')).toBe('WebEcsServiceName');
  });
});
