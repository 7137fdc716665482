// Why a task stopped, in plain words.
import { describe, expect, it } from 'vitest';
import { toStoppedTask } from '../../../src/aws/ecs.js';
import { classifyStoppedTask, failureHint } from '../../../src/core/release/stopped-task.js';
import {
  crash,
  healthCheck,
  newTd,
  oom,
  pullError,
  scaledIn,
  secretsError,
  stoppedTask,
} from '../../fixtures/ecs-payloads.js';

const classify = (how: Parameters<typeof stoppedTask>[3]) =>
  classifyStoppedTask(toStoppedTask(stoppedTask('abc123', newTd, 10, how)));

describe('classifyStoppedTask', () => {
  it('tells crashes, OOM, pull errors, secret errors and failed health checks apart', () => {
    expect(classify(crash)).toMatchObject({
      category: 'exit',
      exitCode: 1,
      container: 'WebContainer',
      summary: 'container WebContainer exited with code 1',
    });
    expect(classify(oom)).toMatchObject({ category: 'oom', exitCode: 137 });
    expect(classify(oom)?.detail).toContain('OutOfMemoryError: Container killed due to memory usage');
    expect(classify(pullError)).toMatchObject({ category: 'pull' });
    expect(classify(pullError)?.detail).toContain('CannotPullContainerError');
    expect(classify(secretsError)).toMatchObject({ category: 'task-setup' });
    expect(classify(healthCheck)).toMatchObject({ category: 'health-check', taskId: 'abc123' });
  });

  it('says the OOM reason once when ECS puts it on the task and on the container (exit code 137)', () => {
    const oomKill = 'OutOfMemoryError: Container killed due to memory usage';
    const failure = classify({
      stopCode: 'EssentialContainerExited',
      stoppedReason: oomKill,
      exitCode: 137,
      containerReason: oomKill,
    });
    expect(failure).toMatchObject({
      category: 'oom',
      summary: 'container WebContainer ran out of memory (exit code 137)',
      detail: oomKill,
    });
    // different reasons are both kept
    expect(classify(oom)?.detail).toBe(`Essential container in task exited | ${oomKill}`);
  });

  it('does not count tasks stopped on purpose', () => {
    expect(classify(scaledIn)).toBeUndefined();
    expect(classify({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })).toBeUndefined();
  });

  it('has a next step for every kind of failure', () => {
    for (const category of ['exit', 'oom', 'pull', 'task-setup', 'health-check', 'other'] as const) {
      expect(failureHint(category).length).toBeGreaterThan(20);
    }
  });

  it("names the failed container's image in the next step of a crash (a command to copy, not a placeholder)", () => {
    const failure = classify(crash);
    expect(failure?.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-repo:4f2a9c1');
    expect(failureHint('exit', failure?.image)).toContain(
      'try the image locally with `docker run --rm 123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-repo:4f2a9c1`.',
    );
    expect(failureHint('exit')).toContain('`docker run --rm <image>`');
  });
});
