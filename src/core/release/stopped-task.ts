// Why an ECS task stopped, in plain words: crash, out of memory, image pull, task set-up, failed health check, or
// a normal stop (scale-in, replaced by a deployment) that is not a failure at all.

/** One container of a stopped task, as DescribeTasks reports it. */
export interface StoppedContainer {
  name: string;
  exitCode?: number;
  reason?: string;
  image?: string;
}

/** A stopped task of the revision being deployed. */
export interface StoppedTask {
  taskArn: string;
  taskDefinitionArn: string;
  startedAt?: Date;
  stoppedAt?: Date;
  stopCode?: string;
  stoppedReason?: string;
  containers: StoppedContainer[];
}

/** The kinds of failure cloudlift tells apart. */
export type FailureCategory = 'exit' | 'oom' | 'pull' | 'task-setup' | 'health-check' | 'other';

/** A stopped task that counts as a failure, explained. */
export interface TaskFailure {
  taskId: string;
  taskArn: string;
  category: FailureCategory;
  /** One line: what happened. */
  summary: string;
  /** ECS's own words (stoppedReason and the container's reason). */
  detail: string;
  /** The essential container that failed, when known (its logs are worth showing). */
  container?: string;
  /** That container's image, when ECS reports it (the next step names it: `docker run --rm <image>`). */
  image?: string;
  exitCode?: number;
  stoppedAt?: Date;
}

/** The task id: the last segment of its ARN. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

const hints: Record<FailureCategory, string> = {
  exit: 'The app exited: read its logs (the last lines are shown when it logs to CloudWatch) and try the image locally with `docker run --rm <image>`.',
  oom: 'The container went over its memory limit: raise `memory_reservation` (EC2) or `fargate.memory` with `cloudlift update_service`.',
  pull: 'ECS could not pull the image: check that it is in ECR and that the hosts can reach ECR (NAT or VPC endpoints).',
  'task-setup':
    'ECS could not prepare the task, usually because the task execution role (ecsTaskExecutionRole) cannot read the SSM parameters or pull from ECR.',
  'health-check':
    'The health check failed: check `health_check_path` and that the app listens on the container port within the grace period.',
  other: 'Read the reason above; `aws ecs describe-tasks` shows the full task.',
};

/** What to do about a kind of failure; `image` (of the failed container) replaces the `<image>` placeholder. */
export function failureHint(category: FailureCategory, image?: string): string {
  return image === undefined ? hints[category] : hints[category].replace('<image>', image);
}

function categoryOf(task: StoppedTask, reasons: string): FailureCategory | undefined {
  if (/OutOfMemory|OOM/i.test(reasons)) {
    return 'oom';
  }
  if (/CannotPullContainer|pull image/i.test(reasons)) {
    return 'pull';
  }
  if (
    /ResourceInitializationError|unable to pull secrets|CannotRetrieveSecret|secrets? from ssm/i.test(reasons)
  ) {
    return 'task-setup';
  }
  if (/health checks?/i.test(reasons)) {
    return 'health-check';
  }
  if (task.stopCode === 'EssentialContainerExited') {
    return 'exit';
  }
  if (task.stopCode === 'TaskFailedToStart') {
    return 'other';
  }
  // ServiceSchedulerInitiated (scale-in, replaced by a newer deployment), UserInitiated, SpotInterruption,
  // TerminationNotice: the task was stopped on purpose, not because it failed.
  return undefined;
}

/** The failed essential container: the one with a non-zero exit code or a reason. */
function failedContainer(task: StoppedTask): StoppedContainer | undefined {
  return (
    task.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ??
    task.containers.find((c) => c.reason !== undefined && c.reason !== '') ??
    task.containers.find((c) => c.exitCode !== undefined)
  );
}

/**
 * The task's and the container's reasons, each said once: for an OOM kill ECS puts the same `OutOfMemoryError: …`
 * text in both, and one that contains the other adds nothing.
 */
function distinctReasons(taskReason: string | undefined, containerReason: string | undefined): string[] {
  const task = (taskReason ?? '').trim();
  const container = (containerReason ?? '').trim();
  if (task === '' || container === '' || task.includes(container)) {
    return [task, container].filter((reason) => reason !== '').slice(0, 1);
  }
  return container.includes(task) ? [container] : [task, container];
}

/** The failure a stopped task represents, or undefined when it was stopped on purpose. */
export function classifyStoppedTask(task: StoppedTask): TaskFailure | undefined {
  const container = failedContainer(task);
  const reasons = distinctReasons(task.stoppedReason, container?.reason).join(' | ');
  const category = categoryOf(task, reasons);
  if (category === undefined) {
    return undefined;
  }
  const exit = container?.exitCode;
  const summaries: Record<FailureCategory, string> = {
    exit: `container ${container?.name ?? '?'} exited${exit === undefined ? '' : ` with code ${exit}`}`,
    oom: `container ${container?.name ?? '?'} ran out of memory${exit === undefined ? '' : ` (exit code ${exit})`}`,
    pull: 'the image could not be pulled (CannotPullContainerError)',
    'task-setup': 'the task could not be set up (ResourceInitializationError)',
    'health-check': 'the task failed its health checks',
    other: 'the task failed to start',
  };
  return {
    taskId: taskIdOf(task.taskArn),
    taskArn: task.taskArn,
    category,
    summary: summaries[category],
    detail: reasons === '' ? (task.stopCode ?? 'no reason given') : reasons,
    ...(container === undefined ? {} : { container: container.name }),
    ...(container?.image === undefined ? {} : { image: container.image }),
    ...(exit === undefined ? {} : { exitCode: exit }),
    ...(task.stoppedAt === undefined ? {} : { stoppedAt: task.stoppedAt }),
  };
}
