// The container tool adapter: runs `podman` or `docker` with argument arrays (never a shell string).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { CloudliftError } from '../errors.js';
import type { ErrorOptions } from '../errors.js';
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

/** A container-tool command that exited non-zero; `stderr` is everything it printed there. */
export class ContainerToolError extends CloudliftError {
  constructor(
    message: string,
    options: ErrorOptions,
    readonly stderr: string,
  ) {
    super('DockerFailed', message, options);
  }
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
        reject(toolFailure(`${basename(tool)} ${args[0] ?? ''}`, code, stderr));
      });
      // A tool that exits without reading stdin makes the write fail (EPIPE): its exit status says what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }
}

/** What docker and podman print when their daemon or machine does not answer (a stopped Docker, a wrong DOCKER_HOST). */
const unreachablePattern =
  /Cannot connect to the Docker daemon|Is the docker daemon running\?|Cannot connect to Podman|error during connect/i;

/** True when the tool failed because its daemon does not answer, not because of the command (callers keep its hint). */
export function daemonUnreachable(error: unknown): boolean {
  return error instanceof ContainerToolError && unreachablePattern.test(error.stderr);
}

/** `docker build` failed: the error names docker's own words (`ERROR: failed to solve: …`), not just an exit status. */
function toolFailure(command: string, code: number | null, stderr: string): CloudliftError {
  // Docker stopped: its "Cannot connect" line is the cause, whatever else the CLI printed first (a tar stream error
  // when the build context is large).
  const unreachable = stderr
    .split('\n')
    .map((line) => line.trim())
    .find((line) => unreachablePattern.test(line));
  const lines = unreachable === undefined ? meaningfulLines(stderr) : [unreachable];
  const status = `exit status ${code ?? 'unknown'}`;
  const [first, ...rest] = lines;
  const name = command.split(' ')[0] ?? command;
  return new ContainerToolError(
    first === undefined ? `${command} failed (${status})` : `${command} failed: ${first}`,
    {
      details: first === undefined ? [] : [...rest, `(${status})`],
      hint:
        unreachable !== undefined
          ? `Start ${name === 'podman' ? 'Podman' : 'Docker'} (or fix DOCKER_HOST) until \`${name} info\` answers, then run the same cloudlift command again.`
          : 'Check that the Docker daemon is running (`docker info`) and read the output above.',
    },
    stderr,
  );
}

/** Lines that are docker's advice, not its error (the legacy builder's deprecation notice, warnings). */
const noisePattern = /^(DEPRECATED:|WARNING\b|WARN\[|time="[^"]*" level=(warning|info))/i;
/** An error line, possibly inside a BuildKit step (`#7 ERROR: …`, `#7 0.52 error: …`). */
const errorPattern = /^(#\d+\s+(\d+(\.\d+)?\s+)?)?((ERROR|Error|error)\b:?|Error response from daemon:)/;

/**
 * The stderr lines that say what went wrong, at most `max`: the error lines when there are any (the last ones, BuildKit
 * step prefixes removed, each once), else the last lines that are not advice or decoration.
 */
export function meaningfulLines(stderr: string, max = 3): string[] {
  const lines: string[] = [];
  let inNotice = false;
  for (const raw of stderr.split('\n')) {
    // eslint-disable-next-line no-control-regex -- colour codes docker writes on a terminal
    const line = (raw.split('\r').pop() ?? '').replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trimEnd();
    if (line.trim() === '') {
      inNotice = false;
      continue;
    }
    const indented = /^\s/.test(line);
    inNotice = noisePattern.test(line) || (inNotice && indented);
    if (!inNotice && !/^[-=\s]+$/.test(line)) {
      lines.push(line.trim());
    }
  }
  const errors = lines
    .filter((line) => errorPattern.test(line))
    .map((line) => line.replace(/^#\d+\s+(\d+(\.\d+)?\s+)?/, ''));
  const picked = errors.length > 0 ? errors : lines;
  return [...new Set(picked)].slice(-max);
}
