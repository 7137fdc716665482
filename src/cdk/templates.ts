// The two templates cloudlift deploys, built: core's blueprints synthesized by the CDK adapter.
import type { EnvironmentConfig } from '../core/config/environment.js';
import type { ServiceConfig } from '../core/config/service.js';
import { environmentBlueprint } from '../core/templates/environment.js';
import type { EnvironmentFacts } from '../core/templates/environment.js';
import { serviceBlueprint } from '../core/templates/service.js';
import type { ServiceFacts } from '../core/templates/service.js';
import type { Template } from '../core/templates/template.js';
import { synthesize } from './synthesize.js';

/** The `cluster-<env>` template for a parsed configuration and the looked-up facts. */
export function environmentTemplate(config: EnvironmentConfig, facts: EnvironmentFacts): Template {
  return synthesize(environmentBlueprint(config, facts));
}

/** The `<app>-<env>` template for a parsed service configuration and the looked-up facts. */
export function serviceTemplate(config: ServiceConfig, facts: ServiceFacts): Template {
  return synthesize(serviceBlueprint(config, facts));
}
