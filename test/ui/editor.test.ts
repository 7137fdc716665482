import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudliftError } from '../../src/errors.js';
import { editText, resolveEditor } from '../../src/ui/editor.js';
import { Ui } from '../../src/ui/output.js';

let scratch: string;

function ui(): Ui {
  return new Ui({
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    color: false,
    json: false,
    verbose: false,
    interactive: false,
    yes: false,
  });
}

/** A fake editor: records the file it got (path, modes, content), then runs `body` (sh) with the file as $1. */
function fakeEditor(name: string, body: string): { command: string; log: string } {
  const log = join(scratch, `${name}.log`);
  const script = join(scratch, `${name}.sh`);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$1" > '${log}'`,
      `stat -c '%a' "$1" >> '${log}'`,
      `stat -c '%a' "$(dirname "$1")" >> '${log}'`,
      body,
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return { command: script, log };
}

function logged(log: string): { file: string; fileMode: string; folderMode: string } {
  const [file = '', fileMode = '', folderMode = ''] = readFileSync(log, 'utf8').split('\n');
  return { file, fileMode, folderMode };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cloudlift-editor-test-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('editText', () => {
  it('returns the saved text; the temp file was private and is gone afterwards', async () => {
    const editor = fakeEditor('rewrite', `printf 'B=2\\n' >> "$1"`);
    const result = await editText(ui(), 'A=1\n', {
      suffix: '.env',
      env: { VISUAL: editor.command, PATH: process.env.PATH },
      terminal: false,
    });
    expect(result).toBe('A=1\nB=2\n');
    const seen = logged(editor.log);
    expect(seen.file.endsWith('.env')).toBe(true);
    expect(seen.fileMode).toBe('600');
    expect(seen.folderMode).toBe('700');
    expect(existsSync(seen.file)).toBe(false);
  });

  it('returns undefined when the file was not changed', async () => {
    const editor = fakeEditor('noop', 'true');
    expect(
      await editText(ui(), 'A=1\n', {
        suffix: '.env',
        env: { EDITOR: editor.command, PATH: process.env.PATH },
      }),
    ).toBeUndefined();
    expect(existsSync(logged(editor.log).file)).toBe(false);
  });

  it('fails on a non-zero editor exit, says nothing changed, and removes the file', async () => {
    const editor = fakeEditor('crash', `printf 'SECRET=changed\\n' > "$1"; exit 3`);
    const failure = editText(ui(), 'A=1\n', {
      suffix: '.env',
      env: { VISUAL: editor.command, PATH: process.env.PATH },
    });
    await expect(failure).rejects.toThrow('editor exited with status 3; nothing was changed');
    expect(existsSync(logged(editor.log).file)).toBe(false);
  });

  it('runs editor values with arguments through the shell', async () => {
    const result = await editText(ui(), 'A=1\n', {
      suffix: '.env',
      env: { VISUAL: `sed -i -e s/1/42/`, PATH: process.env.PATH },
    });
    expect(result).toBe('A=42\n');
  });

  it('prefers $VISUAL over $EDITOR', async () => {
    const visual = fakeEditor('visual', `printf 'V\\n' > "$1"`);
    const editor = fakeEditor('editor', `printf 'E\\n' > "$1"`);
    const result = await editText(ui(), 'x', {
      suffix: '.txt',
      env: { VISUAL: visual.command, EDITOR: editor.command, PATH: process.env.PATH },
    });
    expect(result).toBe('V\n');
  });

  it('says an edit interrupted while the editor was open changed nothing, and still removes the file', async () => {
    const editor = fakeEditor('interrupted', `printf 'A=2\\n' > "$1"; sleep 0.5`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const failure = editText(ui(), 'A=1\n', {
      suffix: '.env',
      env: { VISUAL: editor.command, PATH: process.env.PATH },
      signal: controller.signal,
    });
    await expect(failure).rejects.toMatchObject({ code: 'Interrupted', exitCode: 130 });
    expect(existsSync(logged(editor.log).file)).toBe(false);
  });

  it('does not open the editor once interrupted', async () => {
    const editor = fakeEditor('never', 'true');
    const controller = new AbortController();
    controller.abort();
    const failure = editText(ui(), 'A=1\n', {
      suffix: '.env',
      env: { VISUAL: editor.command },
      signal: controller.signal,
    });
    await expect(failure).rejects.toMatchObject({ code: 'Interrupted' });
    expect(existsSync(editor.log)).toBe(false);
  });

  it('fails when the editor deletes the file', async () => {
    const editor = fakeEditor('deleter', `rm "$1"`);
    await expect(
      editText(ui(), 'A=1\n', { suffix: '.env', env: { VISUAL: editor.command, PATH: process.env.PATH } }),
    ).rejects.toThrow('the edited file is gone');
  });
});

describe('resolveEditor', () => {
  it('refuses to guess an editor without a terminal, pointing at the non-interactive flags', () => {
    let caught: unknown;
    try {
      resolveEditor({ PATH: process.env.PATH }, false, 'Use --set instead.');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CloudliftError);
    expect((caught as CloudliftError).exitCode).toBe(2);
    expect((caught as CloudliftError).hint).toBe('Use --set instead.');
  });

  it('falls back to vim, nano, vi on PATH on a terminal', () => {
    const bin = join(scratch, 'bin-nano');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nano'), '#!/bin/sh\n');
    chmodSync(join(bin, 'nano'), 0o755);
    writeFileSync(join(bin, 'vi'), '#!/bin/sh\n');
    chmodSync(join(bin, 'vi'), 0o755);
    expect(resolveEditor({ PATH: bin }, true)).toBe('nano');
    expect(resolveEditor({ PATH: bin, EDITOR: 'code --wait' }, true)).toBe('code --wait');
  });

  it('without a terminal refuses a terminal-only $EDITOR (it would wait forever) but runs scripts and GUI editors', () => {
    let caught: unknown;
    try {
      resolveEditor({ EDITOR: '/usr/bin/vim -n' }, false, 'Pass --config-file FILE instead.');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CloudliftError);
    expect((caught as CloudliftError).message).toBe(
      'No editor to open: $EDITOR is /usr/bin/vim -n, which needs a terminal, and there is none',
    );
    expect((caught as CloudliftError).exitCode).toBe(2);
    expect((caught as CloudliftError).hint).toBe('Pass --config-file FILE instead.');
    expect(() => resolveEditor({ VISUAL: 'nano' }, false)).toThrow('$VISUAL is nano');
    expect(resolveEditor({ VISUAL: '/tmp/edit-script.sh' }, false)).toBe('/tmp/edit-script.sh');
    expect(resolveEditor({ EDITOR: 'code --wait' }, false)).toBe('code --wait');
    expect(resolveEditor({ EDITOR: 'vi' }, true)).toBe('vi');
  });

  it('says so when no editor exists at all', () => {
    expect(() => resolveEditor({ PATH: join(scratch, 'nothing-here') }, true)).toThrow('No editor found');
  });
});
