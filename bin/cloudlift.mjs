#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `cloudlift --help` and `--version` are answered from text pre-rendered by the build (scripts/build.mjs), so they
// cost no more than starting Node; everything else loads the CLI.
const args = process.argv.slice(2);
const fast =
  args.length === 1
    ? { '--help': 'help', '-h': 'help', '--version': 'version', '-V': 'version' }[args[0]]
    : undefined;
if (fast !== undefined) {
  const text = JSON.parse(readFileSync(new URL('../dist/fast-path.json', import.meta.url), 'utf8'))[fast];
  process.stdout.write(text);
} else {
  // The AWS SDK prints a Node-version warning on every run under Node 20; it is noise for our users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { run } = await import('../dist/main.mjs');
  process.exitCode = await run(args);
}
