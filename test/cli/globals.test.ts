import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { GlobalOptions } from '../../src/context.js';

/** Parses argv with the real command tree and returns the global options the command's Context was built with. */
async function globalsFor(argv: string[]): Promise<GlobalOptions> {
  let seen: GlobalOptions | undefined;
  const program = buildProgram((globals) => {
    seen = globals;
    // Stop before the handler does any work: the options are all this test needs.
    throw Object.assign(new Error('stop'), { name: 'StopHere' });
  });
  await program.parseAsync(argv, { from: 'user' }).catch((error: unknown) => {
    if (!(error instanceof Error) || error.name !== 'StopHere') {
      throw error;
    }
  });
  if (seen === undefined) {
    throw new Error(`no command ran for ${argv.join(' ')}`);
  }
  return seen;
}

describe('global options', () => {
  it('are read after the command name', async () => {
    expect(
      await globalsFor([
        'releases',
        '-e',
        'staging',
        '--no-color',
        '--json',
        '--yes',
        '--profile',
        'p',
        '--verbose',
      ]),
    ).toEqual({
      profile: 'p',
      region: undefined,
      yes: true,
      json: true,
      color: false,
      verbose: true,
    });
  });

  it('are read before the command name', async () => {
    expect(
      await globalsFor(['--no-color', '--region', 'eu-west-1', 'releases', '-e', 'staging']),
    ).toMatchObject({
      color: false,
      region: 'eu-west-1',
      yes: false,
    });
  });

  it('default to colour on, no JSON, asking allowed', async () => {
    expect(await globalsFor(['releases', '-e', 'staging'])).toEqual({
      profile: undefined,
      region: undefined,
      yes: false,
      json: false,
      color: true,
      verbose: false,
    });
  });
});
