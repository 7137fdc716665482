// Where an environment's configuration comes from for create/update_environment: the stored record, a --config-file,
// the editor, or (a new environment) the original's questions answered by flags, a terminal, or their defaults.
import type { Context } from '../../context.js';
import type { AnswerContext, Answers, Question } from '../../core/config/environment-answers.js';
import type { EnvironmentConfig } from '../../core/config/environment.js';
import { UsageError, ValidationError } from '../../errors.js';
import type { ConfigStore, Revision, Stored } from '../config/config-store.js';

/** The configuration to apply, and whether (and how) it must be saved first. */
export interface EnvironmentInput {
  document: Record<string, unknown>;
  config: EnvironmentConfig;
  /** Set when the document differs from the stored one: save with this revision before touching the stack. */
  save?: Revision;
}

/** How the user supplied the configuration. */
export interface InputRequest {
  environment: string;
  configFile?: string;
  /** Open the editor on the stored configuration (update_environment --edit). */
  edit?: boolean;
  /** Answers given as flags (create only). */
  answers: Answers;
}

/** Asks one question on the terminal, or takes its default when nobody can answer; no default is an error. */
function asker(ctx: Context) {
  return async (question: Question, fallback: string | undefined, problem?: string): Promise<string> => {
    if (!ctx.ui.options.interactive) {
      if (fallback !== undefined && problem === undefined) {
        return fallback;
      }
      throw new UsageError(`${question.prompt}: no value given (${question.flag})`, {
        hint: `Pass ${question.flag} ${question.placeholder}: ${question.description}`,
      });
    }
    if (problem !== undefined) {
      ctx.ui.failure(problem);
    }
    return ctx.ui.ask(question.prompt, {
      flag: question.flag,
      ...(fallback === undefined ? {} : { defaultValue: fallback }),
    });
  };
}

async function defaultRegion(ctx: Context): Promise<string | undefined> {
  try {
    return await ctx.aws.defaultRegion();
  } catch {
    return undefined; // no profile region: the original's ap-south-1 is offered instead
  }
}

/** What a run without a terminal lacks: questions with neither a flag nor a default, and flag values that fail. */
export interface MissingAnswers {
  missing: Question[];
  /** `--flag value: problem` for given values that fail their check (reported with the missing ones). */
  invalid: string[];
}

/**
 * Walks the questions as collectAnswers does, without asking: every missing flag at once, so one error names them
 * all (stopping at the first made users re-run once per flag).
 */
export function missingAnswers(
  questions: readonly Question[],
  given: Answers,
  context: AnswerContext,
): MissingAnswers {
  const answers: Answers = {};
  const result: MissingAnswers = { missing: [], invalid: [] };
  // Answers others derive their defaults from that are missing or bad: then those defaults are not reported.
  let unresolved = 0;
  for (const question of questions) {
    if (question.when !== undefined && !question.when(answers)) {
      continue;
    }
    const flagValue = given[question.key];
    const problem = flagValue === undefined ? undefined : question.check?.(flagValue, answers);
    if (problem !== undefined) {
      result.invalid.push(`${question.flag} ${flagValue ?? ''}: ${problem}`);
      unresolved += 1;
    }
    const value = flagValue ?? question.defaultValue?.(answers, context);
    if (value !== undefined) {
      answers[question.key] = value.trim();
    } else if (question.defaultValue === undefined) {
      result.missing.push(question);
      unresolved += 1;
    } else if (unresolved === 0) {
      // A default derived from a missing or bad answer (the subnet CIDRs from --vpc-cidr) exists once it is fixed;
      // from good answers it is really missing (a VPC too small for the default /22 subnets): name every such flag.
      result.missing.push(question);
    }
  }
  return result;
}

function missingFlagsError({ missing, invalid }: MissingAnswers, environment: string): UsageError {
  const flags = missing.map((question) => question.flag);
  return new UsageError(
    `Cannot build the configuration of ${environment} without a terminal: missing ${flags.join(', ')}`,
    {
      hint:
        `Pass ${missing.map((question) => `${question.flag} ${question.placeholder}`).join(' ')} ` +
        '(or run on a terminal without --yes to answer the questions). Nothing was written.',
      details: [
        ...missing.map(
          (question) =>
            // Only the subnet CIDRs have defaults that can be missing: the VPC CIDR holds no such /22.
            `${question.flag}: ${question.description}${question.defaultValue === undefined ? '' : ' None here: the VPC CIDR has no room for it.'}`,
        ),
        ...invalid.map((line) => `also wrong: ${line}`),
      ],
    },
  );
}

async function fromQuestions(ctx: Context, request: InputRequest): Promise<Record<string, unknown>> {
  const { answersToDocument, collectAnswers, environmentQuestions } =
    await import('../../core/config/environment-answers.js');
  ctx.ui.warn(
    ctx.ui.options.interactive
      ? `Configuration for environment ${request.environment} was not found in DynamoDB: answer the questions below ` +
          '(each has a flag, see --help). If this environment was configured before, check that you use the same ' +
          'AWS region (--region) as then.'
      : `Configuration for environment ${request.environment} was not found in DynamoDB: building it from the flags, ` +
          'with the defaults for the rest (see --help).',
  );
  const context = { defaultRegion: await defaultRegion(ctx) };
  if (!ctx.ui.options.interactive) {
    const lacking = missingAnswers(environmentQuestions, request.answers, context);
    if (lacking.missing.length > 0) {
      throw missingFlagsError(lacking, request.environment);
    }
  }
  const answers = await collectAnswers(request.answers, asker(ctx), context);
  return answersToDocument(answers);
}

/** The no-terminal alternative to editing the stored configuration: print it to a file, edit that, pass it. */
export function fileInsteadOfEditor(command: string, environment: string): string {
  return (
    `Edit it as a file instead: \`cloudlift show_environment -e ${environment} > ${environment}.json\`, change ` +
    `that file, then \`cloudlift ${command} -e ${environment} --config-file ${environment}.json\`.`
  );
}

/** Resolves the configuration: validated, with the revision to save it under when it is new or changed. */
export async function environmentInput(
  ctx: Context,
  store: ConfigStore,
  stored: Stored | undefined,
  request: InputRequest,
): Promise<EnvironmentInput> {
  const { parseEnvironmentConfig, unwrapEnvironmentDocument } =
    await import('../../core/config/environment.js');
  const { newRecordRevision } = await import('../config/config-store.js');
  const { environment } = request;
  const parse = (document: unknown): EnvironmentConfig => parseEnvironmentConfig(environment, document);
  const given = Object.keys(request.answers);
  if (stored !== undefined && given.length > 0) {
    throw new UsageError(`Environment ${environment} already has a stored configuration; the question flags only apply to a new one`, {
      hint: `Change it with \`cloudlift edit_environment -e ${environment}\` (or pass --config-file FILE), and leave out ${given.length === 1 ? 'that flag' : 'those flags'}.`,
    });
  } // prettier-ignore
  if (request.configFile !== undefined && given.length > 0) {
    const { environmentQuestions } = await import('../../core/config/environment-answers.js');
    const flags = environmentQuestions.filter((question) => given.includes(question.key)).map((q) => q.flag);
    throw new UsageError(`--config-file and ${flags.join(', ')} both describe the new environment ${environment}; give one or the other`, {
      hint: `Put ${flags.length === 1 ? 'that value' : 'those values'} in ${request.configFile === '-' ? 'the configuration' : request.configFile} and leave out ${flags.join(', ')}, or leave out --config-file to build the configuration from the flags. Nothing was written.`,
    });
  } // prettier-ignore
  if (request.configFile !== undefined && request.edit === true) {
    throw new UsageError('--edit and --config-file both give the new configuration; give one or the other', {
      hint: `Edit the stored one with \`cloudlift update_environment -e ${environment} --edit\`, or apply a file with \`cloudlift update_environment -e ${environment} --config-file ${request.configFile}\`. Nothing was changed.`,
    });
  } // prettier-ignore
  if (request.configFile !== undefined || (request.edit === true && stored !== undefined)) {
    const { editDocument } = await import('../config/edit-document.js');
    const edited = await editDocument(ctx, {
      current: stored?.document ?? {},
      isNew: stored === undefined,
      ...(request.configFile === undefined ? {} : { configFile: request.configFile }),
      what: `configuration of environment ${environment}`,
      noEditorHint: fileInsteadOfEditor('update_environment', environment),
      parse,
      unwrap: (document) => unwrapEnvironmentDocument(environment, document) as Record<string, unknown>,
    });
    if (edited !== undefined) {
      return {
        document: edited.document,
        config: edited.parsed,
        save: stored?.revision ?? newRecordRevision(),
      };
    }
  }
  if (stored !== undefined) {
    ctx.ui.info(`Using the stored configuration of ${environment} (table environment_configurations, region ${store.region}).`);
    return { document: stored.document, config: parse(stored.document) };
  } // prettier-ignore
  const document = await fromQuestions(ctx, request);
  try {
    return { document, config: parse(document), save: newRecordRevision() };
  } catch (error) {
    throw error instanceof ValidationError ? withFlagHint(error, environment) : error;
  }
}

/** The `<env>` fields the question flags write (longest first, so subnet-1 wins over the subnets' ids). */
const fieldFlags: readonly (readonly [string, string])[] = [
  ['vpc.subnets.public.subnet-1', '--public-subnet-1-cidr'],
  ['vpc.subnets.public.subnet-2', '--public-subnet-2-cidr'],
  ['vpc.subnets.private.subnet-1', '--private-subnet-1-cidr'],
  ['vpc.subnets.private.subnet-2', '--private-subnet-2-cidr'],
  ['vpc.subnets.public', '--public-subnet-ids'],
  ['vpc.subnets.private', '--private-subnet-ids'],
  ['vpc.nat-gateway', '--nat-eip-allocation-id'],
  ['vpc.cidr', '--vpc-cidr'],
  ['vpc.id', '--vpc-id'],
  ['cluster.min_instances', '--min-instances'],
  ['cluster.max_instances', '--max-instances'],
  ['cluster.spot_min_instances', '--spot-min-instances'],
  ['cluster.spot_max_instances', '--spot-max-instances'],
  ['cluster.instance_type', '--instance-types'],
  ['cluster.key_name', '--key-name'],
  ['cluster.allocation_strategy', '--allocation-strategy'],
  ['cluster.spot_instance_pools', '--spot-instance-pools'],
  ['cluster.ecs_instance_default_lifecycle_type', '--default-lifecycle'],
  ['cluster.ami_id', '--ami-ssm-parameter'],
  ['environment.notifications_arn', '--notifications-arn'],
  ['environment.ssl_certificate_arn', '--ssl-certificate-arn'],
  ['region', '--env-region'],
];

/**
 * A configuration built from flags that fails validation names the fields of a document the user never saw: the
 * hint names the flags that wrote them instead of pointing at a file to fix.
 */
function withFlagHint(error: ValidationError, environment: string): ValidationError {
  const flags: string[] = [];
  for (const line of [error.message, ...error.details]) {
    for (const [path] of line.matchAll(/[\w.-]+/g)) {
      const field = path.startsWith(`${environment}.`) ? path.slice(environment.length + 1) : undefined;
      const flag = fieldFlags.find(([known]) => field === known || field?.startsWith(`${known}.`))?.[1];
      if (flag !== undefined && !flags.includes(flag)) {
        flags.push(flag);
      }
    }
  }
  if (flags.length === 0) {
    return error;
  }
  return new ValidationError(error.message, {
    code: error.code,
    details: error.details,
    hint: `These values came from the flags (and their defaults): change ${flags.join(', ')} and run the command again. Nothing was written.`,
  });
}
