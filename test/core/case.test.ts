import { describe, expect, it } from 'vitest';
import { alphanumeric, camel, pascal, snake, spinal } from '../../src/core/case.js';

describe('camel (stringcase 1.0.6)', () => {
  it.each([
    ['stagingVpc', 'stagingVpc'],
    ['dummy-stagingVpc', 'dummyStagingVpc'],
    ['qa_envVpc', 'qaEnvVpc'],
    ['prod-2Vpc', 'prod-2Vpc'],
    ['StagingVpc', 'stagingVpc'],
    ['-leading', 'leading'],
    ['a.b c', 'aBC'],
    ['HTTPS', 'hTTPS'],
    ['my-App', 'my-App'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(camel(input)).toBe(expected);
  });
});

describe('pascal', () => {
  it.each([
    ['staging', 'Staging'],
    ['dummy-staging', 'DummyStaging'],
    ['FargateServicestagingDummy', 'FargateServicestagingDummy'],
    ['prod-2', 'Prod-2'],
    ['HTTPS', 'HTTPS'],
    ['subnet1', 'Subnet1'],
  ])('%s → %s', (input, expected) => {
    expect(pascal(input)).toBe(expected);
  });
});

describe('spinal and snake', () => {
  it.each([
    ['MyApp', 'my-app'],
    ['dummyFargate', 'dummy-fargate'],
    ['my_app', 'my-app'],
    ['My-App', 'my--app'],
    ['HTTPS', 'h-t-t-p-s'],
    ['app2go', 'app2go'],
    ['a.b c', 'a-b-c'],
  ])('spinal %s → %s', (input, expected) => {
    expect(spinal(input)).toBe(expected);
  });

  it('snake keeps underscores and splits capitals', () => {
    expect(snake('MyApp_v2')).toBe('my_app_v2');
  });

  it('alphanumeric strips everything CloudFormation rejects', () => {
    expect(alphanumeric('prod-2Vpc_x.y')).toBe('prod2Vpcxy');
  });
});
