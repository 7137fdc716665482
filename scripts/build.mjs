// Bundles the CLI with esbuild: one small entry chunk for start-up, heavy modules split into lazy chunks.
import { build } from 'esbuild';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Build next to dist/ and swap at the end, so CLI tests running meanwhile never see a half-written dist/.
const staging = `dist-next-${process.pid}`;
rmSync(`${root}/${staging}`, { recursive: true, force: true });
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

/**
 * With code splitting, esbuild turns `await import('<a CommonJS package>')` into a chunk that only has a default
 * export, so `const { SSMClient } = await import('@aws-sdk/client-ssm')` would get undefined
 * (https://github.com/evanw/esbuild/issues/3245). This plugin puts a small ES module with static named exports in
 * front of every CommonJS package our source imports, so imports behave as they do in Node.
 */
const requireFromRoot = createRequire(`${root}/package.json`);
const commonJsNamedExports = {
  name: 'commonjs-named-exports',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\// }, (args) => {
      if (args.namespace === 'commonjs-named-exports' || !args.importer.includes('/src/')) {
        return undefined;
      }
      return { path: args.path, namespace: 'commonjs-named-exports' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'commonjs-named-exports' }, (args) => {
      const names = Object.keys(requireFromRoot(args.path)).filter(
        (name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name),
      );
      const source = JSON.stringify(args.path);
      return {
        contents: `import m from ${source};\nexport const { ${names.join(', ')} } = m;\nexport default m;\n`,
        resolveDir: root,
        loader: 'js',
      };
    });
  },
};

/**
 * zod's classic API re-exports every locale (`z.locales`, ~370 KB, half of zod's chunk) while it only configures
 * English; cloudlift never switches locale, so the namespace keeps only `en` and the other locales stay out of the
 * bundle (less code to compile whenever a configuration is parsed).
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/')
        ? { path: `${args.resolveDir}/../locales/en.js`, namespace: 'zod-english-only' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

await build({
  plugins: [commonJsNamedExports, zodEnglishOnly],
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts' },
  outdir: staging,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // aws-cdk-lib is CommonJS with lazy getters: it loads fastest through require() at run time (libraries.md §1).
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
  banner: {
    js: "import { createRequire as __cloudliftCreateRequire } from 'node:module'; const require = __cloudliftCreateRequire(import.meta.url);",
  },
  define: { CLOUDLIFT_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
});

// Pre-render the answers to `cloudlift --help` and `cloudlift --version`, so the bin script can print them without
// loading the CLI at all (start-up is measured in bench/startup.mjs; test/cli/fast-path.test.ts checks they match).
const { run } = await import(`${root}/${staging}/main.mjs`);
const capture = async (argv) => {
  let text = '';
  const sink = { write: (chunk) => ((text += chunk), true), isTTY: false };
  const code = await run(argv, { stdin: process.stdin, stdout: sink, stderr: sink, env: {}, cwd: root });
  if (code !== 0) {
    throw new Error(`cloudlift ${argv.join(' ')} exited with ${code} while pre-rendering`);
  }
  return text;
};
writeFileSync(
  `${root}/${staging}/fast-path.json`,
  JSON.stringify({ help: await capture(['--help']), version: await capture(['--version']) }),
);

const previous = `${root}/dist-old-${process.pid}`;
if (existsSync(`${root}/dist`)) {
  renameSync(`${root}/dist`, previous);
}
renameSync(`${root}/${staging}`, `${root}/dist`);
rmSync(previous, { recursive: true, force: true });
