import { describe, expect, it } from 'vitest';
import {
  ago,
  changedConfigKeys,
  chooseRollbackTarget,
  configFingerprint,
  displayOutcome,
  durationBetween,
  gitShaOf,
  isLockExpired,
  isNoTarget,
  lockHeldText,
  nextReleaseNumber,
  noRollbackTargetText,
  serviceOutcomeRecord,
  taskDefinitionLabel,
  undoCommand,
  undoInstruction,
  undoTarget,
} from '../../../src/core/release/releases.js';
import type { DeployLock, Release, ReleaseOutcome } from '../../../src/core/release/releases.js';
import { actorLabel, releaseRows } from '../../../src/core/release/release-table.js';

const td = (revision: number): string =>
  `arn:aws:ecs:us-east-1:123456789012:task-definition/WebFamily:${revision}`;

function release(number: number, outcome: ReleaseOutcome, extra: Partial<Release> = {}): Release {
  return {
    app: 'shop',
    environment: 'staging',
    number,
    kind: 'deploy',
    outcome,
    startedAt: '2026-11-26T10:00:00.000Z',
    actor: 'arn:aws:sts::123456789012:assumed-role/Dev/alice',
    services: [{ component: 'Web', ecsService: 'shop-staging-Web-1', taskDefinition: td(number) }],
    ...extra,
  };
}

describe('nextReleaseNumber', () => {
  it('starts at 1 and counts up', () => {
    expect(nextReleaseNumber(undefined)).toBe(1);
    expect(nextReleaseNumber(41)).toBe(42);
  });
});

describe('chooseRollbackTarget', () => {
  it('after a good deploy picks the successful release before the latest', () => {
    const target = chooseRollbackTarget([
      release(1, 'succeeded'),
      release(3, 'succeeded'),
      release(2, 'succeeded'),
    ]);
    expect(isNoTarget(target) ? target.problem : target.number).toBe(2);
  });

  it('after a failed deploy picks the last release that worked', () => {
    const target = chooseRollbackTarget([
      release(1, 'succeeded'),
      release(2, 'succeeded'),
      release(3, 'failed'),
    ]);
    expect(isNoTarget(target) ? target.problem : target.number).toBe(2);
  });

  it('skips failed and rolled-back releases and ones without task definitions', () => {
    const target = chooseRollbackTarget([
      release(1, 'succeeded'),
      release(2, 'rolled-back'),
      release(3, 'succeeded', { services: [] }),
      release(4, 'timed-out'),
      release(5, 'succeeded'),
    ]);
    expect(isNoTarget(target) ? target.problem : target.number).toBe(1);
  });

  it('toggles back after a rollback (like heroku)', () => {
    const target = chooseRollbackTarget([
      release(1, 'succeeded'),
      release(2, 'succeeded'),
      release(3, 'succeeded', { kind: 'rollback', rollbackOf: 1 }),
    ]);
    expect(isNoTarget(target) ? target.problem : target.number).toBe(2);
  });

  it('explains why there is nothing to roll back to', () => {
    expect(chooseRollbackTarget([])).toEqual({ problem: 'no releases are recorded yet' });
    expect(chooseRollbackTarget([release(1, 'succeeded')])).toEqual({
      problem: 'no successful release before release 1',
    });
  });

  it('says there is nothing to roll back to and which deploy to run instead', () => {
    const deployInstead =
      'Deploy a version you know works instead: cloudlift deploy_service -e staging --name shop --version <sha>';
    const empty = noRollbackTargetText('shop', 'staging', [], undefined);
    expect(empty?.message).toBe(
      'Nothing to roll back to: no releases of shop in staging are recorded yet; nothing was changed',
    );
    expect(empty?.hint).toContain(deployInstead);
    expect(empty?.hint).toContain('not in the ledger');
    const onlyFailures = noRollbackTargetText(
      'shop',
      'staging',
      [release(1, 'failed'), release(2, 'succeeded')],
      undefined,
    );
    expect(onlyFailures?.message).toBe(
      'Nothing to roll back to: no successful release of shop in staging before v2; nothing was changed',
    );
    expect(onlyFailures?.hint).toContain(deployInstead);
    expect(onlyFailures?.hint).toContain('cloudlift releases -e staging --name shop');
    const missing = noRollbackTargetText('shop', 'staging', [release(1, 'succeeded')], 9);
    expect(missing?.message).toBe(
      'Cannot roll back shop in staging: release 9 does not exist (the latest is 1); nothing was changed',
    );
    expect(missing?.hint).toContain('pick one with --to N');
    expect(
      noRollbackTargetText('shop', 'staging', [release(1, 'succeeded'), release(2, 'failed')], undefined),
    ).toBeUndefined();
  });

  it('honours --to, refusing unknown, unfinished and empty releases', () => {
    const ledger = [
      release(1, 'succeeded'),
      release(2, 'failed'),
      release(3, 'in-progress'),
      release(4, 'failed', { services: [] }),
    ];
    const two = chooseRollbackTarget(ledger, 2);
    expect(isNoTarget(two) ? two.problem : two.number).toBe(2);
    expect(chooseRollbackTarget(ledger, 9)).toEqual({
      problem: 'release 9 does not exist (the latest is 4)',
    });
    expect(chooseRollbackTarget(ledger, 3)).toEqual({ problem: 'release 3 has not finished' });
    expect(chooseRollbackTarget(ledger, 4)).toMatchObject({
      problem: expect.stringContaining('no task definitions'),
    });
  });
});

describe('undo of a rollback', () => {
  const ran = (revision: number) => [
    { component: 'Web', ecsService: 'shop-staging-Web-1', taskDefinition: td(revision) },
  ];

  it('latest release failed before registering: goes back to what ran, not to that release', () => {
    // v8 deployed WebFamily:8; v9's build failed (no task definitions): the rollback starts from WebFamily:8.
    const ledger = [release(7, 'succeeded'), release(8, 'succeeded'), release(9, 'failed', { services: [] })];
    expect(undoTarget(ledger, ran(8))?.number).toBe(8);
    expect(undoInstruction('shop', 'staging', 'cluster-staging', ledger, ran(8))).toEqual({
      release: 8,
      command: 'cloudlift rollback -e staging --name shop --to 8',
    });
  });

  it('never names an unfinished, failed or empty release, even when its task definitions run', () => {
    const ledger = [
      release(5, 'succeeded'),
      release(6, 'in-progress', { services: ran(5) }),
      release(7, 'failed', { services: ran(5) }),
      release(8, 'succeeded', { services: [] }),
    ];
    expect(undoTarget(ledger, ran(5))?.number).toBe(5);
  });

  it('takes the newest successful release with those task definitions (a rollback release counts)', () => {
    const ledger = [
      release(1, 'succeeded'),
      release(2, 'succeeded'),
      release(3, 'succeeded', { kind: 'rollback', rollbackOf: 1, services: ran(1) }),
    ];
    expect(undoTarget(ledger, ran(1))?.number).toBe(3);
  });

  it('needs every rolled-back service to match', () => {
    const both = (web: number, worker: number) => [
      ...ran(web),
      { component: 'Worker', ecsService: 'shop-staging-Worker-1', taskDefinition: td(100 + worker) },
    ];
    const ledger = [
      release(1, 'succeeded', { services: both(1, 1) }),
      release(2, 'succeeded', { services: ran(2) }),
    ];
    expect(undoTarget(ledger, both(1, 1))?.number).toBe(1);
    expect(undoTarget(ledger, both(1, 2))).toBeUndefined();
    expect(undoTarget(ledger, both(2, 2))).toBeUndefined(); // v2 does not know Worker
  });

  it('falls back to the UpdateService commands when no release fits (e.g. a deploy made by hand)', () => {
    const running = [
      { component: 'Web', ecsService: 'shop-staging-Web-1', taskDefinition: td(42) },
      { component: 'Worker', ecsService: 'shop-staging-Worker-1', taskDefinition: td(43) },
    ];
    expect(undoInstruction('shop', 'staging', 'cluster-staging', [release(1, 'succeeded')], running)).toEqual(
      {
        command:
          'aws ecs update-service --cluster cluster-staging --service shop-staging-Web-1 --task-definition WebFamily:42 && ' +
          'aws ecs update-service --cluster cluster-staging --service shop-staging-Worker-1 --task-definition WebFamily:43',
      },
    );
  });
});

describe('displayOutcome', () => {
  it('calls an unfinished release abandoned after the lock TTL', () => {
    const started = release(1, 'in-progress');
    expect(displayOutcome(started, new Date('2026-11-26T10:59:00Z'))).toBe('in-progress');
    expect(displayOutcome(started, new Date('2026-11-26T11:00:01Z'))).toBe('abandoned');
    expect(displayOutcome(release(1, 'failed'), new Date('2030-01-01T00:00:00Z'))).toBe('failed');
  });
});

describe('small formatters', () => {
  it('measures durations in tenths of seconds', () => {
    expect(durationBetween('2026-11-26T10:00:00.000Z', '2026-11-26T10:01:02.340Z')).toBe(62.3);
    expect(durationBetween('2026-11-26T10:00:01Z', '2026-11-26T10:00:00Z')).toBe(0);
  });

  it('shortens ARNs', () => {
    expect(taskDefinitionLabel(td(7))).toBe('WebFamily:7');
    expect(actorLabel('arn:aws:sts::1:assumed-role/Dev/alice')).toBe('alice');
    expect(actorLabel('arn:aws:iam::1:root')).toBe('arn:aws:iam::1:root');
  });

  it('knows a git sha tag from other tags', () => {
    expect(gitShaOf('0123456789abcdef0123456789abcdef01234567')).toBe(
      '0123456789abcdef0123456789abcdef01234567',
    );
    expect(gitShaOf('v1.2.0')).toBeUndefined();
    expect(gitShaOf('dirty')).toBeUndefined();
  });

  it('writes the undo command', () => {
    expect(undoCommand('shop', 'staging', 4)).toBe('cloudlift rollback -e staging --name shop --to 4');
  });

  it('says how long ago', () => {
    const now = new Date('2026-11-26T12:05:09Z');
    expect(ago('2026-11-26T12:05:00Z', now)).toBe('9s');
    expect(ago('2026-11-26T12:00:00Z', now)).toBe('5m 09s');
    expect(ago('2026-11-26T09:00:00Z', now)).toBe('3h 05m');
  });
});

describe('config versions', () => {
  it('fingerprints the set of name:version pairs independent of order', () => {
    const a = configFingerprint({ A: 1, B: 2 });
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(configFingerprint({ B: 2, A: 1 })).toBe(a);
    expect(configFingerprint({ A: 1, B: 3 })).not.toBe(a);
    expect(configFingerprint({ A: 1 })).not.toBe(a);
    expect(configFingerprint(undefined)).toBe('');
    expect(configFingerprint({})).toBe('none');
  });

  it('lists changed, added and removed variables', () => {
    expect(changedConfigKeys({ A: 1, B: 2, C: 1 }, { A: 1, B: 3, D: 1 })).toEqual(['B', 'C', 'D']);
    expect(changedConfigKeys(undefined, { A: 1 })).toEqual([]);
  });
});

describe('releaseRows', () => {
  it('lists newest first with short labels and a truncated reason', () => {
    const rows = releaseRows(
      [
        release(1, 'succeeded', { version: 'abc123', durationSeconds: 12.5, configVersions: { A: 1 } }),
        release(2, 'failed', { reason: 'x'.repeat(80) }),
        release(3, 'succeeded', { kind: 'rollback', rollbackOf: 1 }),
      ],
      new Date('2026-11-26T10:05:00Z'),
    );
    expect(rows.map((row) => row[0])).toEqual(['v3', 'v2', 'v1']);
    expect(rows[0]?.[3]).toBe('rollback to v1');
    // A commit sha is cut to 12 characters (the table would not fit a terminal otherwise); other tags stay whole.
    const sha = '8ee8d6b1673dac53063420325938276fc7f78da4';
    const [bySha, byTag] = releaseRows(
      [release(5, 'succeeded', { version: sha }), release(4, 'succeeded', { version: 'v1.4.0-rc.1' })],
      new Date('2026-11-26T10:05:00Z'),
    );
    expect(bySha?.[4]).toBe('8ee8d6b1673d');
    expect(byTag?.[4]).toBe('v1.4.0-rc.1');
    expect(rows[1]?.[7]).toBe(`failed: ${'x'.repeat(42)}...`);
    expect(rows[2]).toEqual([
      'v1',
      '2026-11-26 10:00:00Z',
      'alice',
      'deploy',
      'abc123',
      'Web: WebFamily:1',
      configFingerprint({ A: 1 }),
      'succeeded',
      '12.5s',
    ]);
  });
});

describe('per-service outcomes', () => {
  const progress = { desired: 2, running: 1, pending: 0, oldRunning: 1, failedTasks: 2, text: '1/2 running' };
  const crash = {
    taskId: 'c7529390',
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/cluster-staging/c7529390',
    category: 'exit' as const,
    summary: 'container WebContainer exited with code 1',
    detail: 'Essential container in task exited',
  };

  it('keeps why each service went wrong, with the last task failure', () => {
    expect(serviceOutcomeRecord('Web', { kind: 'succeeded', progress })).toEqual({
      component: 'Web',
      outcome: 'succeeded',
    });
    expect(serviceOutcomeRecord('Worker', { kind: 'unchanged' })).toEqual({
      component: 'Worker',
      outcome: 'unchanged',
    });
    expect(
      serviceOutcomeRecord('Web', {
        kind: 'failed',
        reason: '2 tasks of the new version failed in a row (--max-failed-tasks 2)',
        failures: [crash],
        progress,
      }),
    ).toEqual({
      component: 'Web',
      outcome: 'failed',
      reason:
        'container WebContainer exited with code 1; 2 tasks of the new version failed in a row (--max-failed-tasks 2)',
    });
    expect(serviceOutcomeRecord('Web', { kind: 'timed-out', progress }).reason).toContain('1/2 running');
    expect(serviceOutcomeRecord('Web', { kind: 'not-started' }).reason).toContain('nothing changed');
  });

  it('the table names each service that went wrong and why, under the outcome', () => {
    const failed = release(2, 'failed', {
      reason: 'Deployment of shop to staging failed: 2 of 3 services',
      serviceOutcomes: [
        { component: 'Web', outcome: 'failed', reason: 'container WebContainer exited with code 1' },
        { component: 'Worker', outcome: 'succeeded' },
        {
          component: 'Cron',
          outcome: 'rolled-back',
          reason: 'ECS rolled back to CronFamily:3: ' + 'y'.repeat(60),
        },
      ],
    });
    const [row] = releaseRows([failed], new Date('2026-11-26T10:05:00Z'));
    expect(row?.[7]).toBe(
      [
        'failed',
        'Web: container WebContainer exited with code 1',
        `Cron: ECS rolled back to CronFamily:3: ${'y'.repeat(9)}...`,
      ].join('\n'),
    );
  });

  it('records written before per-service outcomes were kept still show the overall reason', () => {
    const [row] = releaseRows(
      [release(2, 'failed', { reason: 'Deployment of shop to staging failed: Web' })],
      new Date('2026-11-26T10:05:00Z'),
    );
    expect(row?.[7]).toBe('failed: Deployment of shop to staging failed: Web');
  });
});

describe('deploy lock texts', () => {
  const lock: DeployLock = {
    app: 'shop',
    environment: 'staging',
    holder: 'arn:aws:sts::1:assumed-role/Dev/bob',
    host: 'ci-7 (pid 42)',
    purpose: 'deploy_service',
    acquiredAt: '2026-11-26T10:00:00.000Z',
    expiresAt: '2026-11-26T11:00:00.000Z',
    token: 't',
  };

  it('names who holds the lock, since when, and how to break it', () => {
    const text = lockHeldText(lock, new Date('2026-11-26T10:03:00Z'));
    expect(text.message).toBe(
      'Another deploy_service of shop to staging is running: started by arn:aws:sts::1:assumed-role/Dev/bob on ci-7 (pid 42) at 2026-11-26T10:00:00.000Z (3m 00s ago); nothing was changed',
    );
    expect(text.hint).toContain('--force-unlock');
    expect(text.hint).toContain('2026-11-26T11:00:00.000Z');
  });

  it('knows when a lock has expired', () => {
    expect(isLockExpired(lock, new Date('2026-11-26T10:59:59Z'))).toBe(false);
    expect(isLockExpired(lock, new Date('2026-11-26T11:00:00Z'))).toBe(true);
  });
});
