import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const originalCommands = [
  'create_environment',
  'update_environment',
  'create_service',
  'update_service',
  'edit_config',
  'deploy_service',
  'create_task_definition',
  'update_task_definition',
  'upload_to_ecr',
  'get_version',
  'start_session',
];

describe('cloudlift --help', () => {
  it('lists every command of the original with its kebab-case alias', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of originalCommands) {
      expect(result.stdout).toContain(`${command}|${command.replace(/_/g, '-')}`);
    }
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cloudlift, version \d+\.\d+\.\d+/);
  });

  it('gives deploy_service its own --version flag', async () => {
    const result = await runCli(['deploy_service', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--version <tag>');
    expect(result.stdout).toContain('--build-arg <NAME VALUE...>');
  });

  it('shows each command its flags', async () => {
    const flags: Record<string, string[]> = {
      update_environment: ['--update_ecs_agents'],
      upload_to_ecr: ['--local_tag <tag>', '--additional_tags <tag>', '--name <app>'],
      get_version: ['-s, --short'],
      start_session: ['--mfa <code>', '--component <name>'],
    };
    for (const [command, expected] of Object.entries(flags)) {
      const result = await runCli([command, '--help']);
      for (const flag of expected) {
        expect(result.stdout).toContain(flag);
      }
    }
  });

  it('describes --config-file as each command uses it (only the editing commands open an editor)', async () => {
    const editorLine = /--config-file <file>[^\n]*instead of opening an editor/;
    const expected: Record<string, RegExp> = {
      create_environment:
        /--config-file <file>\s+Read the whole configuration from a JSON file instead of the questions/,
      render_environment:
        /--config-file <file>\s+Render this JSON configuration file instead of the stored one/,
      render_service: /--config-file <file>\s+Render this JSON configuration file instead of the stored one/,
      update_environment: editorLine,
      create_service: editorLine,
    };
    for (const [command, description] of Object.entries(expected)) {
      const result = await runCli([command, '--help']);
      expect(result.stdout.replace(/\n\s{10,}(?=\S)/g, ' ')).toMatch(description);
    }
  });

  it('treats an unknown command as a usage error and suggests the right one', async () => {
    const result = await runCli(['deploy_servic']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Did you mean deploy_service?');
  });
});
