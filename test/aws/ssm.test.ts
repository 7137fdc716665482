// Adapter checks for what moto cannot show: moto accepts more than 10 names per DeleteParameters (AWS refuses), its
// PutParameter validation errors do not quote the value the way AWS does, and it always returns a text Value. Everything else is covered against
// moto in test/integration/edit-config.test.ts.
import {
  DeleteParametersCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { parameterStore, scrubValue } from '../../src/aws/ssm.js';
import { CloudliftError } from '../../src/errors.js';

const ssm = mockClient(SSMClient);
const context = { aws: new AwsClients({ env: { AWS_REGION: 'us-east-1' } }) };

afterEach(() => {
  ssm.reset();
});

describe('parameterStore().delete', () => {
  it('sends at most 10 names per DeleteParameters call', async () => {
    ssm.on(DeleteParametersCommand).callsFake((input: { Names: string[] }) => ({
      DeletedParameters: input.Names.filter((name) => !name.endsWith('K7')),
      InvalidParameters: input.Names.filter((name) => name.endsWith('K7')),
    }));
    const names = Array.from({ length: 23 }, (_, index) => `/staging/web/K${index}`);
    const store = await parameterStore(context, 'us-east-1');
    const result = await store.delete(names);
    const calls = ssm.commandCalls(DeleteParametersCommand).map((call) => call.args[0].input.Names ?? []);
    expect(calls.map((chunk) => chunk.length)).toEqual([10, 10, 3]);
    expect(calls.flat()).toEqual(names);
    expect(result.missing).toEqual(['/staging/web/K7']);
    expect(result.deleted).toHaveLength(22);
  });
});

describe('parameterStore().put', () => {
  it('writes a SecureString with the aws/ssm key, and the Advanced tier only when asked', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 4 });
    const store = await parameterStore(context, 'us-east-1');
    expect(await store.put({ name: '/s/w/A', value: 'v', overwrite: true, advanced: false })).toBe(4);
    await store.put({ name: '/s/w/B', value: 'v', overwrite: false, advanced: true });
    const inputs = ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toEqual({
      Name: '/s/w/A',
      Value: 'v',
      Type: 'SecureString',
      KeyId: 'alias/aws/ssm',
      Overwrite: true,
    });
    expect(inputs[1]).toMatchObject({ Overwrite: false, Tier: 'Advanced' });
  });

  it('never lets the value reach the error message or its cause', async () => {
    const secret = 'hunter2-super-secret';
    const awsError = Object.assign(
      new Error(
        `1 validation error detected: Value '${secret}' at 'value' failed to satisfy constraint: Member must have length less than or equal to 4096`,
      ),
      { name: 'ValidationException', $metadata: { httpStatusCode: 400 } },
    );
    ssm.on(PutParameterCommand).rejects(awsError);
    const store = await parameterStore(context, 'us-east-1');
    const failure = await store
      .put({ name: '/s/w/A', value: secret, overwrite: true, advanced: false })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CloudliftError);
    const error = failure as CloudliftError;
    expect(error.message).toContain('/s/w/A');
    expect(error.message).toContain('length less than or equal to 4096');
    expect(`${error.message} ${error.hint ?? ''} ${String(error.cause)}`).not.toContain(secret);
  });

  it('turns ParameterAlreadyExists (someone created the key meanwhile) into a conflict', async () => {
    ssm
      .on(PutParameterCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ParameterAlreadyExists' }));
    const store = await parameterStore(context, 'us-east-1');
    await expect(
      store.put({ name: '/s/w/A', value: 'x', overwrite: false, advanced: false }),
    ).rejects.toMatchObject({
      code: 'Conflict',
    });
  });
});

describe('parameterStore().list', () => {
  const listed = (Value: unknown, Type = 'SecureString') => ({
    Parameters: [
      { Name: '/staging/web/OK', Value: 'fine', Type: 'SecureString', Version: 1, ARN: 'arn:ok' },
      { Name: '/staging/web/ODD', Value, Type, Version: 3, ARN: 'arn:odd' },
    ],
  });

  it.each([
    ['no Value', undefined, /Parameter Store returned no value for \/staging\/web\/ODD \(type SecureString\) in us-east-1/],
    ['a Value that is not text', ['a', 'b'], /returned a value that is not text \(object\) for \/staging\/web\/ODD/],
  ])('refuses %s with the parameter path and the commands to set it again', async (_name, value, message) => {
    ssm.on(GetParametersByPathCommand).resolves(listed(value) as never);
    const store = await parameterStore(context, 'us-east-1');
    const failure = await store.list('/staging/web/').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CloudliftError);
    const error = failure as CloudliftError;
    expect(error.code).toBe('ParameterUnreadable');
    expect(error.message).toMatch(message);
    expect(error.hint).toContain('aws ssm delete-parameter --name /staging/web/ODD --region us-east-1');
    expect(error.hint).toContain('cloudlift edit_config -e staging --name web');
  }); // prettier-ignore

  it('reads a StringList as its text and lists keys without values when not decrypting', async () => {
    ssm.on(GetParametersByPathCommand).resolves(listed('a,b', 'StringList') as never);
    const store = await parameterStore(context, 'us-east-1');
    expect((await store.list('/staging/web/')).map((p) => [p.key, p.value])).toEqual([
      ['OK', 'fine'],
      ['ODD', 'a,b'],
    ]);
    ssm.on(GetParametersByPathCommand).resolves(listed(undefined) as never);
    const keys = await store.list('/staging/web/', { decrypt: false });
    expect(keys.map((p) => [p.key, p.version, p.arn])).toEqual([
      ['OK', 1, 'arn:ok'],
      ['ODD', 3, 'arn:odd'],
    ]);
  });
});

describe('scrubValue', () => {
  it('removes the quoted value and any literal copy', () => {
    expect(scrubValue("Value 'a\nb' at 'value' failed; also a\nb here", 'a\nb')).toBe(
      "Value (hidden) at 'value' failed; also (hidden) here",
    );
  });
});
