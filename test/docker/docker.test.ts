// What a failed docker/podman command reports: docker's own error line(s), not only an exit status. The stderr texts
// are what docker 20.10 (legacy builder), BuildKit and podman print; the runner is checked with a stand-in tool script.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChildProcessDocker,
  ContainerToolError,
  daemonUnreachable,
  meaningfulLines,
} from '../../src/docker/docker.js';

const legacyBuilder = `DEPRECATED: The legacy builder is deprecated and will be removed in a future release.
            Install the buildx component to build images with BuildKit:
            https://docs.docker.com/go/buildx/

COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist
`;

const buildKit = `#0 building with "default" instance using docker driver

#5 [2/2] RUN ./configure --with-ssl
#5 0.412 checking for openssl... no
#5 0.413 configure: error: OpenSSL headers not found
#5 ERROR: process "/bin/sh -c ./configure --with-ssl" did not complete successfully: exit code: 1
------
 > [2/2] RUN ./configure --with-ssl:
0.413 configure: error: OpenSSL headers not found
------
Dockerfile:2
--------------------
   1 |     FROM alpine:3.20
   2 | >>> RUN ./configure --with-ssl
--------------------
ERROR: failed to solve: process "/bin/sh -c ./configure --with-ssl" did not complete successfully: exit code: 1
`;

const podman = `STEP 1/2: FROM scratch
STEP 2/2: COPY missing.txt /
Error: building at STEP "COPY missing.txt /": checking on sources under "/app": copier: stat: "/missing.txt": no such file or directory
`;

const pushDenied = `The push refers to repository [123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-repo]
5f70bf18a086: Preparing
\u001b[1A\u001b[2K5f70bf18a086: Waiting
denied: Your authorization token has expired. Reauthenticate and try again.
`;

describe('meaningfulLines', () => {
  it("picks docker's error line, without the legacy builder's deprecation notice", () => {
    expect(meaningfulLines(legacyBuilder)).toEqual([
      'COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist',
    ]);
  });

  it('picks the ERROR lines of a BuildKit build (step prefix removed), not the decoration', () => {
    expect(meaningfulLines(buildKit)).toEqual([
      'ERROR: process "/bin/sh -c ./configure --with-ssl" did not complete successfully: exit code: 1',
      'ERROR: failed to solve: process "/bin/sh -c ./configure --with-ssl" did not complete successfully: exit code: 1',
    ]);
  });

  it("picks podman's Error line and a push's last lines (colour codes and progress rewrites removed)", () => {
    expect(meaningfulLines(podman)).toEqual([
      'Error: building at STEP "COPY missing.txt /": checking on sources under "/app": copier: stat: "/missing.txt": no such file or directory',
    ]);
    expect(meaningfulLines(pushDenied, 2)).toEqual([
      '5f70bf18a086: Waiting',
      'denied: Your authorization token has expired. Reauthenticate and try again.',
    ]);
    expect(meaningfulLines('\n\n')).toEqual([]);
  });
});

describe('ChildProcessDocker', () => {
  it("puts the tool's error line into the error message, with the exit status and everything printed kept", async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cloudlift-faketool-'));
    const script = join(bin, 'docker');
    writeFileSync(script, `#!/bin/sh\nprintf '%s' '${legacyBuilder.replace(/'/g, "'\\''")}' >&2\nexit 1\n`);
    chmodSync(script, 0o755);
    const docker = new ChildProcessDocker({ PATH: bin, CLOUDLIFT_CONTAINER_TOOL: 'docker' });
    const error: unknown = await docker.run(['build', '-t', 'x:1', '.']).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ContainerToolError);
    if (error instanceof ContainerToolError) {
      expect(error.message).toBe(
        'docker build failed: COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist',
      );
      expect(error.details).toEqual(['(exit status 1)']);
      expect(error.stderr).toContain('DEPRECATED');
    }
  });

  it('tells a daemon that does not answer (Docker stopped, wrong DOCKER_HOST) from a failing command', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cloudlift-faketool-'));
    const script = join(bin, 'docker');
    // What docker 20.10 prints with DOCKER_HOST=unix:///nonexistent (after the legacy builder's notice).
    const stopped =
      'Cannot connect to the Docker daemon at unix:///nonexistent. Is the docker daemon running?';
    // With a large build context the CLI may first complain about the tar stream it could not send.
    const tar = `time="2026-11-26T11:53:44Z" level=error msg="Can't add file /app/.git to tar: io: read/write on closed pipe"`;
    writeFileSync(join(bin, 'stderr.txt'), `${tar}\n${stopped}\n`);
    writeFileSync(script, `#!/bin/sh\n/bin/cat '${join(bin, 'stderr.txt')}' >&2\nexit 1\n`);
    chmodSync(script, 0o755);
    const docker = new ChildProcessDocker({ PATH: bin, CLOUDLIFT_CONTAINER_TOOL: 'docker' });
    const error: unknown = await docker.run(['build', '-t', 'x:1', '.']).catch((thrown: unknown) => thrown);
    expect(daemonUnreachable(error)).toBe(true);
    if (error instanceof ContainerToolError) {
      expect(error.message).toBe(`docker build failed: ${stopped}`);
      expect(error.hint).toBe(
        'Start Docker (or fix DOCKER_HOST) until `docker info` answers, then run the same cloudlift command again.',
      );
    }
    const missing = new ContainerToolError('docker build failed: x', {}, legacyBuilder);
    expect(daemonUnreachable(missing)).toBe(false);
  });
});
