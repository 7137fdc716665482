// Which creation questions a run without a terminal cannot answer: all of them at once, so one error names every
// missing flag; defaults derived from a missing or bad answer (the subnets from --vpc-cidr) are not reported.
import { describe, expect, it } from 'vitest';
import { environmentQuestions } from '../../../src/core/config/environment-answers.js';
import type { Answers } from '../../../src/core/config/environment-answers.js';
import { missingAnswers } from '../../../src/deploy/environment/environment-input.js';

const flagsMissing = (given: Answers) =>
  missingAnswers(environmentQuestions, given, { defaultRegion: 'us-east-1' }).missing.map((q) => q.flag);

describe('missingAnswers', () => {
  it('lists every flag without a default, not only the first', () => {
    expect(flagsMissing({})).toEqual([
      '--vpc-cidr',
      '--nat-eip-allocation-id',
      '--key-name',
      '--notifications-arn',
      '--ssl-certificate-arn',
    ]);
  });

  it('lists nothing when the required flags are given (the subnets default from the VPC CIDR)', () => {
    expect(
      flagsMissing({
        vpcCidr: '10.1.0.0/16',
        natEipAllocationId: 'eipalloc-1',
        keyName: 'k',
        notificationsArn: 'arn:aws:sns:us-east-1:1:t',
        sslCertificateArn: 'arn:aws:acm:us-east-1:1:certificate/c',
      }),
    ).toEqual([]);
  });

  it('follows the answers: Fargate needs no key pair, an existing VPC needs its subnet ids', () => {
    expect(flagsMissing({ clusterType: 'fargate', vpcId: 'vpc-1' })).toEqual([
      '--public-subnet-ids',
      '--private-subnet-ids',
      '--notifications-arn',
      '--ssl-certificate-arn',
    ]);
  });

  it('reports bad given values with the missing ones, without blaming the subnets a bad CIDR left undefaulted', () => {
    const result = missingAnswers(environmentQuestions, { vpcCidr: '10.1.0.0', keyName: 'k' }, {});
    expect(result.missing.map((q) => q.flag)).toEqual([
      '--nat-eip-allocation-id',
      '--notifications-arn',
      '--ssl-certificate-arn',
    ]);
    expect(result.invalid).toEqual([expect.stringMatching(/^--vpc-cidr 10\.1\.0\.0: /)]);
  });

  it('lists every subnet flag a VPC too small for the default /22 subnets leaves without a default', () => {
    const given = {
      vpcCidr: '10.1.0.0/21',
      natEipAllocationId: 'eipalloc-1',
      keyName: 'k',
      notificationsArn: 'arn:aws:sns:us-east-1:1:t',
      sslCertificateArn: 'arn:aws:acm:us-east-1:1:certificate/c',
    };
    // A /21 holds two /22s: the private subnets have no default; before, only the first of them was named.
    expect(flagsMissing(given)).toEqual(['--private-subnet-1-cidr', '--private-subnet-2-cidr']);
    expect(flagsMissing({ ...given, vpcCidr: '10.1.0.0/24' })).toEqual([
      '--public-subnet-1-cidr',
      '--public-subnet-2-cidr',
      '--private-subnet-1-cidr',
      '--private-subnet-2-cidr',
    ]);
  });
});
