// git, run with argument arrays (never a shell): the facts deploy derives the image version from, and the commit
// details get_version prints.
import { spawn } from 'node:child_process';
import type { Context } from '../../context.js';
import type { GitFacts } from '../../core/release/image.js';
import { CloudliftError } from '../../errors.js';

/** What one git command printed. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `git ...args` in `cwd`; a missing git binary is reported as code 127. */
export function runGit(ctx: Pick<Context, 'cwd' | 'env'>, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    // Never wait for a credential prompt (git fetch in get_version): fail instead.
    const env = { ...ctx.env, GIT_TERMINAL_PROMPT: '0' };
    const child = spawn('git', args, { cwd: ctx.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** HEAD's full sha and whether the working tree has uncommitted changes (`git status --short`, as the original). */
export async function gitFacts(ctx: Pick<Context, 'cwd' | 'env'>): Promise<GitFacts> {
  const status = await runGit(ctx, ['status', '--short']);
  if (status.code === 127) {
    throw new CloudliftError(
      'GitMissing',
      'git is not installed, so the version to deploy cannot be derived',
      {
        hint: 'Install git, or pass --version <tag> of an image that is already in ECR.',
      },
    );
  }
  const head = await runGit(ctx, ['rev-list', '-n', '1', 'HEAD']);
  const sha = head.stdout.trim();
  return {
    headSha: head.code === 0 && sha !== '' ? sha : undefined,
    dirty: status.code === 0 && status.stdout.trim() !== '',
  };
}

/** The commit a branch, tag or (short) sha names, or undefined when git does not know it. */
export async function resolveCommit(
  ctx: Pick<Context, 'cwd' | 'env'>,
  ref: string,
): Promise<string | undefined> {
  if (ref.startsWith('-') || ref.trim() === '') {
    return undefined; // never let a version be read as a git option
  }
  const result = await runGit(ctx, ['rev-list', '-n', '1', ref, '--']);
  const sha = result.stdout.trim();
  return result.code === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}
