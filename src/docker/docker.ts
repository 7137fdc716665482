// The container tool adapter: runs `podman` or `docker` with argument arrays (never a shell string).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CloudliftError } from '../errors.js';
import type { Env } from '../context.js';

/** What a finished container-tool command printed. */
export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** Options for one container-tool command. */
export interface RunOptions {
  /** Written to the tool's stdin (e.g. a registry password); never logged. */
  input?: string;
  /** Called for each line the tool prints, for live build/push output. */
  onLine?: (line: string) => void;
  cwd?: string;
}

/** Runs the user's container tool. */
export interface DockerRunner {
  /** The tool's full path; podman wins when both are installed, as in the original. */
  tool(): string;
  run(args: readonly string[], options?: RunOptions): Promise<ToolResult>;
}

/** Finds an executable on PATH. */
export function findOnPath(name: string, env: Env): string | undefined {
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (folder === '') {
      continue;
    }
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** The real runner over node:child_process. */
export class ChildProcessDocker implements DockerRunner {
  private resolved: string | undefined;

  constructor(private readonly env: Env) {}

  tool(): string {
    if (this.resolved !== undefined) {
      return this.resolved;
    }
    const override = this.env.CLOUDLIFT_CONTAINER_TOOL;
    const found =
      override !== undefined && override !== ''
        ? findOnPath(override, this.env)
        : (findOnPath('podman', this.env) ?? findOnPath('docker', this.env));
    if (found === undefined) {
      throw new CloudliftError('DockerMissing', 'Neither docker nor podman was found on PATH', {
        hint: 'Install Docker (https://docs.docker.com/engine/install/) or Podman, then run the command again.',
      });
    }
    this.resolved = found;
    return found;
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<ToolResult> {
    const tool = this.tool();
    return new Promise((resolve, reject) => {
      const child = spawn(tool, args, {
        cwd: options.cwd,
        env: this.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const forward = (chunk: Buffer, sink: 'out' | 'err'): void => {
        const text = chunk.toString();
        if (sink === 'out') {
          stdout += text;
        } else {
          stderr += text;
        }
        if (options.onLine) {
          for (const line of text.split('\n')) {
            if (line.trim() !== '') {
              options.onLine(line);
            }
          }
        }
      };
      child.stdout.on('data', (chunk: Buffer) => forward(chunk, 'out'));
      child.stderr.on('data', (chunk: Buffer) => forward(chunk, 'err'));
      child.on('error', (error) =>
        reject(
          new CloudliftError('DockerFailed', `could not start ${tool}: ${error.message}`, { cause: error }),
        ),
      );
      child.on('close', (code) => {
        if (code === 0) {
          resolve({ stdout, stderr });
          return;
        }
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(
          new CloudliftError(
            'DockerFailed',
            `${tool} ${args[0] ?? ''} exited with status ${code ?? 'unknown'}`,
            {
              details: last === '' ? [] : [last],
              hint: 'Check that the Docker daemon is running (`docker info`) and read the output above.',
            },
          ),
        );
      });
      child.stdin.end(options.input ?? '');
    });
  }
}
