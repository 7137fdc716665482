#!/usr/bin/env node
// The AWS SDK prints a Node-version warning on every run under Node 20; it is noise for our users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { run } = await import('../dist/main.mjs');
process.exitCode = await run(process.argv.slice(2));
