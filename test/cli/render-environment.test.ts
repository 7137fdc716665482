// render_environment and schema through the real, built CLI. AWS is unreachable on purpose (a dead endpoint and no
// credentials): with --config-file the command must not need it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplateYaml } from '../../src/core/templates/yaml.js';
import { readEnvironmentInput, renderEnvironmentCase } from '../golden/environment-cases.js';
import { runCli, unreachableAws } from '../support/cli.js';

let folder = '';

/** The golden template without the version stamp, which is the CLI's own version here. */
function withoutVersion(template: unknown): unknown {
  const copy = structuredClone(template) as { Outputs: Record<string, { Value: unknown }> };
  delete copy.Outputs.CloudliftOptions;
  return copy;
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'render-environment-'));
  for (const name of ['default-ec2', 'existing-vpc', 'fargate-only', 'ondemand-only']) {
    writeFileSync(join(folder, `${name}.json`), JSON.stringify(readEnvironmentInput(name).config));
  }
  const stored = { staging: readEnvironmentInput('default-ec2').config, cloudlift_version: '2.1.1' };
  writeFileSync(join(folder, 'stored.json'), JSON.stringify(stored));
  writeFileSync(join(folder, 'broken.json'), '{ "region": "ap-south-1", }');
  const invalid = structuredClone(readEnvironmentInput('default-ec2').config) as { vpc: { cidr: string } };
  invalid.vpc.cidr = '10.10.0.0/33';
  writeFileSync(join(folder, 'invalid.json'), JSON.stringify(invalid));
});

describe('render_environment', () => {
  it.each([
    ['default-ec2', 'staging'],
    ['existing-vpc', 'qa'],
    ['fargate-only', 'sandbox'],
  ])('prints the golden %s template as YAML without AWS', async (name, environment) => {
    const facts = readEnvironmentInput(name).facts;
    const result = await runCli(
      ['render_environment', '-e', environment, '--config-file', `${name}.json`, '--az', facts.availabilityZones.join(','),
        '--ami-id', facts.amiId],
      { cwd: folder, env: unreachableAws },
    ); // prettier-ignore
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/!Ref /);
    expect(withoutVersion(parseTemplateYaml(result.stdout))).toEqual(
      withoutVersion(renderEnvironmentCase(name)),
    );
  });

  it('prints JSON with --json, reads the stored layout from stdin, and says the AMI is a placeholder', async () => {
    const result = await runCli(['render_environment', '-e', 'staging', '--config-file', '-', '--json'], {
      cwd: folder,
      env: unreachableAws,
      input: JSON.stringify({ staging: readEnvironmentInput('default-ec2').config }),
    });
    expect(result.code).toBe(0);
    const template = JSON.parse(result.stdout);
    expect(template.Mappings.AWSRegionToAMI['ap-south-1'].AMI).toBe('ami-00000000000000000');
    expect(template.Resources.stagingPublicSubnet1.Properties.AvailabilityZone).toBe('ap-south-1b');
    expect(result.stderr).toMatch(/AMI: ami-00000000000000000 \(placeholder; pass --ami-id/);
  });

  it('keeps desired counts per fleet from flags', async () => {
    const result = await runCli(
      ['render_environment', '-e', 'staging', '--config-file', 'stored.json', '--json', '--desired-on-demand', '3', '--desired-spot', '2'],
      { cwd: folder, env: unreachableAws },
    ); // prettier-ignore
    expect(result.code).toBe(0);
    const resources = JSON.parse(result.stdout).Resources;
    expect(resources.AutoScalingGroupOnDemand.Properties.DesiredCapacity).toBe('3');
    expect(resources.AutoScalingGroupSpot.Properties.DesiredCapacity).toBe('2');
  });

  it('warns when it clamps a desired count to the fleet size, so the template never silently differs', async () => {
    const result = await runCli(
      ['render_environment', '-e', 'staging', '--config-file', 'stored.json', '--json', '--desired-on-demand', '9', '--desired-spot', '0'],
      { cwd: folder, env: unreachableAws },
    ); // prettier-ignore
    expect(result.code).toBe(0);
    const resources = JSON.parse(result.stdout).Resources;
    expect(resources.AutoScalingGroupOnDemand.Properties.DesiredCapacity).toBe('5');
    expect(resources.AutoScalingGroupSpot.Properties.DesiredCapacity).toBe('1');
    expect(result.stderr).toContain(
      '--desired-on-demand 9 is above cluster.max_instances (5): AutoScalingGroupOnDemand gets desired capacity 5, the fleet maximum.',
    );
    expect(result.stderr).toContain(
      '--desired-spot 0 is below cluster.spot_min_instances (1): AutoScalingGroupSpot gets desired capacity 1, the fleet minimum.',
    );
  });

  it.each([
    [
      'ondemand-only',
      '--desired-spot 2: not used, the spot fleet is not in the template (cluster.spot_min_instances is 0).',
    ],
    ['fargate-only', '--desired-spot 2: not used, a Fargate-only environment has no EC2 fleets.'],
  ])('says a desired count the %s template has no fleet for is not used', async (name, warning) => {
    const result = await runCli(
      ['render_environment', '-e', 'sandbox', '--config-file', `${name}.json`, '--ami-id', 'ami-0123456789abcdef0', '--desired-spot', '2'],
      { cwd: folder, env: unreachableAws },
    ); // prettier-ignore
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(warning);
  });

  it.each([
    [['--config-file', 'broken.json'], /Invalid JSON in broken\.json at line 1/],
    [['--config-file', 'missing.json'], /Cannot read --config-file missing\.json/],
    [
      ['--config-file', 'default-ec2.json', '--az', 'ap-south-1a'],
      /--az ap-south-1a: expected two availability zones/,
    ],
    [['--config-file', 'default-ec2.json', '--ami-id', 'ubuntu'], /--ami-id ubuntu: not an AMI id/],
    [
      ['--config-file', 'default-ec2.json', '--desired-spot', 'many'],
      /--desired-spot many: expected a whole number/,
    ],
  ])('fails clearly on %j, printing no template', async (flags, message) => {
    const result = await runCli(['render_environment', '-e', 'staging', ...flags], {
      cwd: folder,
      env: unreachableAws,
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('reports an invalid configuration with its field', async () => {
    const result = await runCli(
      ['render_environment', '-e', 'qa', '--config-file', 'default-ec2.json', '--az', 'x,y'],
      {
        cwd: folder,
        env: unreachableAws,
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--az x,y: expected two availability zones/);
  });
});

describe('schema', () => {
  it.each(['environment', 'service'])('prints the %s JSON Schema', async (kind) => {
    const result = await runCli(['schema', kind], { env: unreachableAws });
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe('object');
  });
});
