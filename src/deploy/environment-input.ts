// Where an environment's configuration comes from for create/update_environment: the stored record, a --config-file,
// the editor, or (a new environment) the original's questions answered by flags, a terminal, or their defaults.
import type { Context } from '../context.js';
import type { Answers, Question } from '../core/config/environment-answers.js';
import type { EnvironmentConfig } from '../core/config/environment.js';
import { UsageError } from '../errors.js';
import type { ConfigStore, Revision, Stored } from './config-store.js';

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

async function fromQuestions(ctx: Context, request: InputRequest): Promise<Record<string, unknown>> {
  const { answersToDocument, collectAnswers } = await import('../core/config/environment-answers.js');
  ctx.ui.warn(
    ctx.ui.options.interactive
      ? `Configuration for environment ${request.environment} was not found in DynamoDB: answer the questions below ` +
          '(each has a flag, see --help). If this environment was configured before, check that you use the same ' +
          'AWS region (--region) as then.'
      : `Configuration for environment ${request.environment} was not found in DynamoDB: building it from the flags, ` +
          'with the defaults for the rest (see --help).',
  );
  const answers = await collectAnswers(request.answers, asker(ctx), {
    defaultRegion: await defaultRegion(ctx),
  });
  return answersToDocument(answers);
}

/** Resolves the configuration: validated, with the revision to save it under when it is new or changed. */
export async function environmentInput(
  ctx: Context,
  store: ConfigStore,
  stored: Stored | undefined,
  request: InputRequest,
): Promise<EnvironmentInput> {
  const { parseEnvironmentConfig, unwrapEnvironmentDocument } = await import('../core/config/environment.js');
  const { newRecordRevision } = await import('./config-store.js');
  const { environment } = request;
  const parse = (document: unknown): EnvironmentConfig => parseEnvironmentConfig(environment, document);
  const given = Object.keys(request.answers);
  if (stored !== undefined && given.length > 0) {
    throw new UsageError(`Environment ${environment} already has a stored configuration; the question flags only apply to a new one`, {
      hint: `Change it with \`cloudlift edit_environment -e ${environment}\` (or pass --config-file FILE), and leave out ${given.length === 1 ? 'that flag' : 'those flags'}.`,
    });
  } // prettier-ignore
  if (request.configFile !== undefined || (request.edit === true && stored !== undefined)) {
    const { editDocument } = await import('./edit-document.js');
    const edited = await editDocument(ctx, {
      current: stored?.document ?? {},
      isNew: stored === undefined,
      ...(request.configFile === undefined ? {} : { configFile: request.configFile }),
      what: `configuration of environment ${environment}`,
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
  return { document, config: parse(document), save: newRecordRevision() };
}
