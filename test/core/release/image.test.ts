// Tag rules, image references and the build argv of deploy_service.
import { describe, expect, it } from 'vitest';
import {
  buildArguments,
  checkTag,
  decideVersion,
  imageUri,
  registryHost,
  splitRegistryToken,
  tagOfImage,
  withTag,
} from '../../../src/core/release/image.js';
import { pairBuildArgs } from '../../../src/cli/options.js';

const sha = '4f2a9c1d0b8e7f6a5c4b3a29180706f5e4d3c2b1';

describe('decideVersion', () => {
  it('uses the full HEAD sha of a clean tree', () => {
    expect(decideVersion(undefined, undefined, { headSha: sha, dirty: false })).toEqual({
      tag: sha,
      source: 'head',
      mustExist: false,
      alwaysBuild: false,
    });
  });

  it('uses `dirty` (always rebuilt) when the tree has changes', () => {
    expect(decideVersion(undefined, undefined, { headSha: sha, dirty: true })).toMatchObject({
      tag: 'dirty',
      alwaysBuild: true,
      mustExist: false,
    });
  });

  it('resolves --version <branch> to its sha, and that sha is the tag (quirk #2 fixed)', () => {
    expect(decideVersion('main', sha, { headSha: undefined, dirty: false })).toEqual({
      tag: sha,
      source: 'requested',
      requested: 'main',
      mustExist: true,
      alwaysBuild: false,
    });
  });

  it('uses --version verbatim when git does not know it (a tag added in ECR)', () => {
    expect(decideVersion('rel1', undefined, { headSha: undefined, dirty: false })).toMatchObject({
      tag: 'rel1',
      mustExist: true,
    });
  });

  it('rejects a --version that is neither a git ref nor a valid tag, and a folder without commits', () => {
    expect(decideVersion('feature/login', undefined, { headSha: undefined, dirty: false })).toHaveProperty(
      'problem',
    );
    expect(decideVersion(undefined, undefined, { headSha: undefined, dirty: false })).toHaveProperty(
      'problem',
    );
  });
});

describe('image references', () => {
  it('takes the registry host from proxyEndpoint', () => {
    expect(registryHost('https://123456789012.dkr.ecr.us-east-1.amazonaws.com')).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    );
    expect(registryHost('https://123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/')).toBe(
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    );
    expect(imageUri('h.example', 'hello-repo', 'abc')).toBe('h.example/hello-repo:abc');
  });

  it('splits the decoded ECR token at the first colon', () => {
    expect(splitRegistryToken('AWS:eyJwYXlsb2FkIjoi:x')).toEqual({
      user: 'AWS',
      password: 'eyJwYXlsb2FkIjoi:x',
    });
    expect(splitRegistryToken('garbage')).toBeUndefined();
  });

  it('reads the tag of a deployed image as the original (after -repo:) and otherwise after the last colon', () => {
    expect(tagOfImage(`123.dkr.ecr.us-east-1.amazonaws.com/hello-repo:${sha}`)).toBe(sha);
    expect(tagOfImage('registry:5000/team/app:v2')).toBe('v2');
    expect(tagOfImage('registry:5000/team/app')).toBeUndefined();
    expect(tagOfImage('app@sha256:abcd')).toBeUndefined();
  });

  it('moves an image to another tag, keeping registry ports and dropping digests', () => {
    expect(withTag('registry:5000/team/worker:old', 'new')).toBe('registry:5000/team/worker:new');
    expect(withTag('registry:5000/team/worker', 'new')).toBe('registry:5000/team/worker:new');
    expect(withTag('team/worker@sha256:abcd', 'new')).toBe('team/worker:new');
  });

  it('checks tags with docker rules', () => {
    expect(checkTag(sha)).toBeUndefined();
    expect(checkTag('v1.2.3_rc-1')).toBeUndefined();
    expect(checkTag('-x')).toBeDefined();
    expect(checkTag('a/b')).toBeDefined();
    expect(checkTag('x'.repeat(129))).toBeDefined();
  });
});

describe('build arguments', () => {
  it('pairs --build-arg NAME VALUE tokens and accepts NAME=VALUE', () => {
    expect(pairBuildArgs(['NPM_TOKEN', 'abc def', 'MODE=prod', 'EMPTY', ''])).toEqual({
      NPM_TOKEN: 'abc def',
      MODE: 'prod',
      EMPTY: '',
    });
    expect(pairBuildArgs(undefined)).toEqual({});
    expect(() => pairBuildArgs(['LONELY'])).toThrow(/--build-arg LONELY has no value/);
  });

  it('builds an argv array (no shell: values with spaces and quotes stay one argument)', () => {
    expect(buildArguments('hello:abc', { SSH_KEY: '"`cat key`"', MODE: 'a b' })).toEqual([
      'build',
      '-t',
      'hello:abc',
      '--build-arg',
      'SSH_KEY="`cat key`"',
      '--build-arg',
      'MODE=a b',
      '.',
    ]);
  });
});
