/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form templates */
// render_service --offline through the real, built CLI with AWS unreachable on purpose (a dead endpoint and no
// credentials): it must never need AWS, and bad input must fail before anything else happens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplateYaml } from '../../src/core/templates/yaml.js';
import { runCli, unreachableAws } from '../support/cli.js';

let folder = '';

const config = {
  notifications_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
  services: {
    Web: {
      command: null,
      memory_reservation: 256,
      http_interface: {
        internal: false,
        restrict_access_to: ['0.0.0.0/0'],
        container_port: 3000,
        hostnames: ['web.example.com'],
      },
    },
    Worker: { command: 'bin/worker', memory_reservation: 128, fargate: { cpu: 256, memory: 512 } },
  },
};

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'render-service-'));
  writeFileSync(join(folder, 'service.json'), JSON.stringify(config));
  writeFileSync(join(folder, 'env.sample'), 'DATABASE_URL=postgres://example\n# comment\nSECRET_KEY=\n');
  const invalid = structuredClone(config) as any;
  invalid.services.Worker.fargate = { cpu: 256, memory: 4096 };
  writeFileSync(join(folder, 'invalid.json'), JSON.stringify(invalid));
  const firelens = structuredClone(config) as any;
  firelens.services.Web.logging = 'awsfirelens';
  writeFileSync(join(folder, 'firelens.json'), JSON.stringify(firelens));
});

describe('render_service --offline', () => {
  it('prints the template as YAML, with env.sample secrets as SSM parameter ARNs', async () => {
    const result = await runCli(
      [
        'render_service',
        '-e',
        'staging',
        '--name',
        'shop',
        '--config-file',
        'service.json',
        '--offline',
        '--region',
        'eu-west-1',
      ],
      { cwd: folder, env: unreachableAws },
    );
    expect(result.code, result.stderr).toBe(0);
    const template = parseTemplateYaml(result.stdout) as any;
    expect(Object.keys(template.Resources)).toEqual(
      expect.arrayContaining([
        'WebTaskDefinition',
        'Web',
        'ALBWeb',
        'WorkerTaskDefinition',
        'Worker',
        'ECSServiceRole',
      ]),
    );
    const secrets = template.Resources.WebTaskDefinition.Properties.ContainerDefinitions[0].Secrets;
    expect(secrets).toEqual([
      {
        Name: 'DATABASE_URL',
        ValueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/staging/shop/DATABASE_URL',
      },
      {
        Name: 'SECRET_KEY',
        ValueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/staging/shop/SECRET_KEY',
      },
    ]);
    expect(template.Resources.WorkerTaskDefinition.Properties.Cpu).toBe('256');
    expect(result.stderr).toContain('placeholders');
    expect(result.stderr).toMatch(/Template: \d+ resources/);
  });

  it('prints JSON with --json', async () => {
    const result = await runCli(
      [
        'render_service',
        '-e',
        'staging',
        '--name',
        'shop',
        '--config-file',
        'service.json',
        '--offline',
        '--json',
      ],
      { cwd: folder, env: unreachableAws },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).Outputs.WebURL.Value).toEqual({
      'Fn::Sub': 'https://${ALBWeb.DNSName}',
    });
  });

  it('refuses --offline without --config-file (exit 2)', async () => {
    const result = await runCli(['render_service', '-e', 'staging', '--name', 'shop', '--offline'], {
      cwd: folder,
      env: unreachableAws,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--offline needs --config-file');
    expect(result.stdout).toBe('');
  });

  it('names the bad field of an invalid configuration (exit 2, nothing on stdout)', async () => {
    const result = await runCli(
      ['render_service', '-e', 'staging', '--name', 'shop', '--config-file', 'invalid.json', '--offline'],
      { cwd: folder, env: unreachableAws },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'services.Worker.fargate.memory: with cpu 256 Fargate accepts memory 512, 1024, 2048',
    );
    expect(result.stdout).toBe('');
  });

  it('asks for a fluent-bit image when a service logs through FireLens, and uses --fluentbit-image', async () => {
    const args = [
      'render_service',
      '-e',
      'staging',
      '--name',
      'shop',
      '--config-file',
      'firelens.json',
      '--offline',
    ];
    const missing = await runCli(args, { cwd: folder, env: unreachableAws });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--fluentbit-image');
    const given = await runCli([...args, '--fluentbit-image', 'amazon/aws-for-fluent-bit:stable', '--json'], {
      cwd: folder,
      env: unreachableAws,
    });
    expect(given.code, given.stderr).toBe(0);
    const containers = JSON.parse(given.stdout).Resources.WebTaskDefinition.Properties.ContainerDefinitions;
    expect(containers.map((container: any) => container.Name)).toEqual([
      'WebContainer',
      'fluentbit-firelens-sidecar',
    ]);
  });
});
