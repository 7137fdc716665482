// The CDK adapter: the only code that loads aws-cdk-lib. It turns a core TemplateBlueprint into template JSON in
// memory (no cloud assembly on disk, no process.env), loading just the CDK modules the blueprint touches.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as CdkLib from 'aws-cdk-lib';
import type * as Constructs from 'constructs';
import { CloudliftError } from '../errors.js';
import type { Cdk, Template, TemplateBlueprint } from '../core/templates/template.js';

const require = createRequire(import.meta.url);

/**
 * Context set on the construct root, as the CDK CLI can set it: no creation stack traces and no logical-id metadata.
 * Both only go into a cloud assembly's manifest, which an in-memory synthesis never writes, and capturing a stack
 * trace per construct was most of a warm build.
 */
const rootContext = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-logicalId-metadata': true,
} as const;

/** What loadCdk() keeps: the CDK as core sees it, and the stack class an in-memory synthesis uses. */
interface LoadedCdk {
  cdk: Cdk;
  constructs: typeof Constructs;
  newStack: (scope: Constructs.Construct, stackName: string) => CdkLib.Stack & { render(): unknown };
}

let loaded: LoadedCdk | undefined;

/**
 * A service namespace (`aws_ec2`) is only that service's generated L1 file (`aws-ec2/lib/ec2.generated.js`), required
 * on first use: the package index would load each service's full module (L2 constructs, augmentations). Deep paths are
 * not in aws-cdk-lib's `exports`, so they are required by file name from the package folder.
 */
function serviceNamespaces(root: string, core: typeof CdkLib): Cdk {
  const services = new Map<string, unknown>();
  const namespaces = new Proxy<object>(core, {
    get(target, name, receiver): unknown {
      if (typeof name !== 'string' || !name.startsWith('aws_')) {
        return Reflect.get(target, name, receiver) as unknown;
      }
      if (!services.has(name)) {
        const service = name.slice('aws_'.length);
        services.set(name, require(join(root, `aws-${service}/lib/${service}.generated.js`)));
      }
      return services.get(name);
    },
  });
  return namespaces as Cdk;
}

/**
 * Loads the CDK once. aws-cdk-lib is CommonJS and loads fastest through require() (an ESM import costs ~1 s); of its
 * core, an in-memory synthesis needs neither an App (which reads CDK_* variables) nor the cloud assembly code, so the
 * stack below avoids both.
 */
function loadCdk(): LoadedCdk {
  if (loaded !== undefined) {
    return loaded;
  }
  const root = dirname(require.resolve('aws-cdk-lib/package.json'));
  const core = require(join(root, 'core/lib/index.js')) as typeof CdkLib;

  /** No assets and no cloud assembly: templates are rendered with InMemoryStack.render(), never synthesized. */
  class InMemorySynthesizer extends core.StackSynthesizer {
    addFileAsset(): never {
      throw notInMemory('file assets');
    }
    addDockerImageAsset(): never {
      throw notInMemory('Docker image assets');
    }
    synthesize(): never {
      throw notInMemory('a cloud assembly');
    }
  }

  /** A stack whose template is read in memory: `_toCloudFormation()` is what `app.synth()` writes to disk. */
  class InMemoryStack extends core.Stack {
    render(): unknown {
      return this._toCloudFormation();
    }
  }
  // A stack without an App has no account or region: Stack would say so with the cloud assembly library's constants
  // (loading it and its JSON-schema validator costs more than the rest of a build); these are the same values.
  Object.defineProperty(InMemoryStack.prototype, 'parseEnvironment', {
    value: () => ({
      account: core.Aws.ACCOUNT_ID,
      region: core.Aws.REGION,
      environment: 'aws://unknown-account/unknown-region',
    }),
  });

  loaded = {
    cdk: serviceNamespaces(root, core),
    constructs: require('constructs') as typeof Constructs,
    newStack: (scope, stackName) =>
      new InMemoryStack(scope, stackName, { stackName, synthesizer: new InMemorySynthesizer() }),
  };
  return loaded;
}

function notInMemory(what: string): CloudliftError {
  return new CloudliftError('CdkNotInMemory', `cloudlift renders templates in memory and has no ${what}`, {
    hint: 'This is a bug in a template: it used a CDK construct that needs assets or synthesis.',
  });
}

/**
 * Builds a blueprint's template: its `Cfn*` constructs are direct children of the stack (so their ids are the logical
 * ids, unchanged), and the result is exactly the JSON `app.synth()` would have written, without writing it.
 */
export function synthesize(blueprint: TemplateBlueprint): Template {
  const { cdk, constructs, newStack } = loadCdk();
  const root = new constructs.Construct(undefined as unknown as Constructs.Construct, '');
  for (const [key, value] of Object.entries(rootContext)) {
    root.node.setContext(key, value);
  }
  const stack = newStack(root, blueprint.stackName);
  blueprint.build(stack, cdk);
  // synth wrote the template as JSON and read it back: the round trip drops undefined values exactly the same way.
  return JSON.parse(JSON.stringify(stack.render())) as Template;
}
