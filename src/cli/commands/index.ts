// The list of commands, in the order `cloudlift --help` shows them.
import type { Runner } from '../runner.js';
import { createEnvironmentCommand, updateEnvironmentCommand } from './environment.js';
import { createServiceCommand, updateServiceCommand } from './service.js';
import { renderServiceCommand } from './render-service.js';
import { renderEnvironmentCommand } from './render-environment.js';
import { schemaCommand } from './schema.js';
import { editConfigCommand } from './edit-config.js';
import { createTaskDefinitionCommand, deployServiceCommand, updateTaskDefinitionCommand } from './deploy.js';
import { getVersionCommand, uploadToEcrCommand } from './image.js';
import { logsCommand, releasesCommand, rollbackCommand, statusCommand } from './operate.js';
import { execCommand, startSessionCommand } from './session.js';
import { editEnvironmentCommand, showEnvironmentCommand, showServiceCommand } from './config-records.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each factory returns its own typed Command
export const commandFactories: ReadonlyArray<(runner: Runner) => any> = [
  // environments
  createEnvironmentCommand,
  updateEnvironmentCommand,
  showEnvironmentCommand,
  editEnvironmentCommand,
  renderEnvironmentCommand,
  // services
  createServiceCommand,
  updateServiceCommand,
  showServiceCommand,
  renderServiceCommand,
  // environment variables
  editConfigCommand,
  // deploys and images
  deployServiceCommand,
  uploadToEcrCommand,
  getVersionCommand,
  createTaskDefinitionCommand,
  updateTaskDefinitionCommand,
  // operating
  statusCommand,
  logsCommand,
  releasesCommand,
  rollbackCommand,
  // shell access
  startSessionCommand,
  execCommand,
  // editor support
  schemaCommand,
];
