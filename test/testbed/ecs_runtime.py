"""ECS tasks as real containers on the testbed's Docker engine (test harness only; see test/testbed/README.md).

Every task the scheduler places (services and RunTask alike) gets a TaskRun: a thread that does what the ECS agent
does, in the same order and with ECS's own failure wording:

  1. resolve the task's `secrets` from this moto's Parameter Store / Secrets Manager (valueFrom ARN or name):
     missing -> `ResourceInitializationError: unable to pull secrets or registry auth: ... invalid ssm parameters: ...`
  2. check each `awslogs` log group (ECS creates only with awslogs-create-group): missing -> ResourceInitializationError
  3. pull each image (ECR images with this moto's ECR login, through the registry front; other images only when the
     engine has them, since the testbed has no internet): missing -> `CannotPullContainerError: ...`
  4. create and start the containers in dependsOn order, with `command`, `entryPoint`, `workingDirectory`,
     `environment` + secrets, hard/soft memory limits, cpu shares, a Docker health check for `healthCheck`, no network
  5. RUNNING: ship stdout/stderr of awslogs containers to CloudWatch Logs (`<prefix>/<container>/<task-id>`, each line
     with its own timestamp), follow container health, and stop the task when an essential container exits
     (`Essential container in task exited`, the real exit code; 137 + `OutOfMemoryError: ...` when OOM-killed)
  6. a stop request (scheduler or StopTask): optional draining delay, SIGTERM, SIGKILL after the stop timeout, real
     exit codes, STOPPED; the containers are removed once their logs are shipped.

Without a Docker engine (`testbed.mjs start --no-docker`, or not root) tasks are simulated: RUNNING after
pendingSeconds, stopped at once, exit code 0. Scripted failures (the `failTasks` control) apply in both modes.
All moto state is changed under the server's request lock; Docker calls are made outside it.
"""

import datetime
import logging
import threading
import time
import uuid
from typing import Any, Callable

from docker_api import DockerClient, DockerError

log = logging.getLogger("testbed.tasks")

MONITOR_SECONDS = 0.25
DEFAULT_STOP_TIMEOUT_SECONDS = 30.0  # ECS_CONTAINER_STOP_TIMEOUT's default; multiplied by timeScale
LABEL = "cloudlift-testbed.moto"


class _Config:
    lock: threading.RLock = threading.RLock()
    docker: DockerClient | None = None
    moto_id = "0"
    ecr_auth: Callable[[str], dict[str, str] | None] = staticmethod(lambda host: None)  # type: ignore[assignment]
    runs: dict[str, "TaskRun"] = {}
    generation = 0  # bumped by reset(): threads of an older generation stop touching moto


CONFIG = _Config()


def configure(lock: threading.RLock, docker_host: str | None, moto_id: str,
              ecr_auth: Callable[[str], dict[str, str] | None]) -> bool:
    """Called once by the launcher. Returns whether tasks run as containers (the engine answers)."""
    CONFIG.lock = lock
    CONFIG.moto_id = moto_id
    CONFIG.ecr_auth = ecr_auth  # type: ignore[assignment]
    if docker_host:
        client = DockerClient(docker_host)
        if client.ping():
            CONFIG.docker = client
            remove_containers()  # left by an earlier moto on this port (it is gone: we hold the port now)
        else:
            log.warning("testbed: Docker engine %s does not answer; ECS tasks are simulated", docker_host)
    return CONFIG.docker is not None


def containers_enabled() -> bool:
    return CONFIG.docker is not None


def remove_containers() -> int:
    """Removes every container this moto started (reset, shutdown)."""
    if CONFIG.docker is None:
        return 0
    removed = 0
    try:
        for item in CONFIG.docker.list(f"{LABEL}={CONFIG.moto_id}"):
            CONFIG.docker.remove(item["Id"])
            removed += 1
    except (OSError, DockerError) as error:
        log.warning("testbed: could not remove containers: %s", error)
    return removed


def reset() -> None:
    """Forgets every task run and removes their containers (POST /moto-api/reset)."""
    CONFIG.generation += 1
    for run in list(CONFIG.runs.values()):
        run.cancelled = True
    CONFIG.runs.clear()
    remove_containers()


def now() -> Any:
    from moto.core.utils import utcnow

    return utcnow()


def essential(definition: dict[str, Any]) -> bool:
    value = definition.get("essential", True)
    return not (value is False or str(value).lower() == "false")


def _ms(docker_timestamp: str) -> int:
    """RFC 3339 with nanoseconds (docker's log timestamps) -> epoch milliseconds."""
    stamp = docker_timestamp.rstrip("Z")
    main, _, fraction = stamp.partition(".")
    try:
        parsed = datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return int(time.time() * 1000)
    return int(parsed.timestamp() * 1000) + int((fraction + "000")[:3])


class TaskFailure(Exception):
    """A task that cannot start: ECS's stop code, stoppedReason and (optionally) the container's reason."""

    def __init__(self, code: str, reason: str, container: str | None = None, container_reason: str | None = None):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.container = container
        self.container_reason = container_reason or None


class ContainerRun:
    def __init__(self, definition: dict[str, Any], model: Any):
        self.definition = definition
        self.model = model  # the moto Container DescribeTasks shows
        self.name = str(definition.get("name"))
        self.id: str | None = None
        self.pid = 0
        self.started = False
        self.exited = False
        self.exit_code: int | None = None
        self.oom = False
        self.log_thread: threading.Thread | None = None


class TaskRun:
    """What the ECS agent does for one task (see the module docstring)."""

    def __init__(self, backend: Any, task: Any, task_definition: Any, behaviour: dict[str, Any],
                 overrides: dict[str, Any] | None, on_running: Callable[[Any], None] | None,
                 scripted: tuple[dict[str, Any], Any] | None, simulate: bool = False):
        self.backend = backend
        self.task = task
        self.task_definition = task_definition
        self.time_scale = float(behaviour.get("timeScale", 1.0))
        self.pending_seconds = float(behaviour.get("pendingSeconds", 0.5))
        self.overrides = overrides or {}
        self.on_running = on_running
        self.scripted = scripted
        self.simulate = simulate or CONFIG.docker is None
        self.generation = CONFIG.generation
        self.cancelled = False
        self.reached_running = False
        self.stop_requested = threading.Event()
        self.stop_reason: tuple[str, str, float] | None = None
        self.containers = [ContainerRun(d, m) for d, m in zip(task_definition.container_definitions, task.containers)]
        self.thread = threading.Thread(target=self._main, name=f"testbed-task-{task.id[:8]}", daemon=True)

    # ------------------------------------------------------------------ called under the lock

    def start(self) -> None:
        CONFIG.runs[self.task.task_arn] = self
        self.thread.start()

    def request_stop(self, reason: str, code: str, drain_seconds: float = 0.0) -> None:
        """Stops the task (scheduler, StopTask): desiredStatus STOPPED now, containers after the draining delay."""
        if self.stop_requested.is_set():
            return
        self.stop_reason = (reason, code, drain_seconds)
        self.task.desired_status = "STOPPED"
        self.task.stopping_at = now()
        if self.task.last_status == "PENDING" or not any(c.started for c in self.containers):
            self.task.stopped_reason = reason
        self.stop_requested.set()

    # ------------------------------------------------------------------ the agent thread

    def _alive(self) -> bool:
        return not self.cancelled and self.generation == CONFIG.generation

    def _main(self) -> None:
        try:
            self._run()
        except Exception:  # the scheduler must not lose a task: record it as stopped and say why in the log
            log.exception("testbed: task %s failed in the emulation", self.task.id)
            self._finish("TaskFailedToStart", "testbed: the emulation of this task failed (see the moto log)")
        finally:
            self._cleanup()

    def _run(self) -> None:
        if self.stop_requested.wait(self.pending_seconds):
            self._finish(self.stop_reason[1], self.stop_reason[0])  # type: ignore[index]
            return
        if self.scripted is not None:
            self._scripted_failure(*self.scripted)
            return
        if self.simulate:
            self._simulated()
            return
        marks = [("begin", time.time())]
        try:
            environment = self._resolve_secrets()
            self._check_log_groups()
            self.task.pull_started_at = self._locked(now)
            marks.append(("secrets+logs", time.time()))
            digests = self._pull_images()
            self.task.pull_stopped_at = self._locked(now)
            marks.append(("pull", time.time()))
            self._create_containers(environment, digests)
            marks.append(("create", time.time()))
            self._start_containers()
            marks.append(("start", time.time()))
        except TaskFailure as failure:
            log.info("task %s could not start: %s", self.task.id, failure.reason)
            self._fail(failure)
            return
        self._running()
        log.info("task %s RUNNING (%s)", self.task.id,
                 ", ".join(f"{name} {end - marks[i][1]:.2f}s" for i, (name, end) in enumerate(marks[1:])))
        self._monitor()

    def _locked(self, fn: Callable[[], Any]) -> Any:
        with CONFIG.lock:
            return fn()

    # ------------------------------------------------------------------ 1-2: secrets and log groups

    def _resolve_secrets(self) -> dict[str, dict[str, str]]:
        """Per container: the environment ECS gives it (environment, then secrets, then overrides)."""
        from moto.ssm.models import ssm_backends

        result: dict[str, dict[str, str]] = {}
        missing_ssm: list[str] = []
        missing_asm: list[str] = []
        overrides = {o.get("name"): o for o in self.overrides.get("containerOverrides", []) or []}
        with CONFIG.lock:
            for run in self.containers:
                env = {e["name"]: str(e.get("value", "")) for e in run.definition.get("environment") or []}
                for secret in run.definition.get("secrets") or []:
                    value_from = str(secret.get("valueFrom", ""))
                    value = self._secret_value(value_from, ssm_backends)
                    if value is None:
                        (missing_asm if ":secretsmanager:" in value_from else missing_ssm).append(
                            value_from.split(":parameter", 1)[-1] if ":parameter" in value_from else value_from
                        )
                    else:
                        env[str(secret.get("name"))] = value
                for item in (overrides.get(run.name) or {}).get("environment") or []:
                    env[str(item.get("name"))] = str(item.get("value", ""))
                result[run.name] = env
        if missing_ssm:
            raise TaskFailure(
                "TaskFailedToStart",
                "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
                "failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm "
                f"parameters: {' '.join(missing_ssm)}",
            )
        if missing_asm:
            raise TaskFailure(
                "TaskFailedToStart",
                "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
                f"failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch "
                f"secret {missing_asm[0]} from secrets manager: ResourceNotFoundException: Secrets Manager can't find "
                "the specified secret.",
            )
        return result

    def _secret_value(self, value_from: str, ssm_backends: Any) -> str | None:
        account, region = self.backend.account_id, self.backend.region_name
        if value_from.startswith("arn:"):
            parts = value_from.split(":", 6)
            region, account = parts[3] or region, parts[4] or account
            if parts[2] == "secretsmanager":
                from moto.secretsmanager.models import secretsmanager_backends

                try:
                    secret = secretsmanager_backends[account][region].get_secret_value(value_from, None, None)
                except Exception:
                    return None
                return str(secret.get("SecretString") if isinstance(secret, dict) else getattr(secret, "secret_string", ""))
            name = parts[5].split("parameter", 1)[-1] if len(parts) > 5 else ""
        else:
            name = value_from
        try:
            parameter = ssm_backends[account][region].get_parameter(name if name.startswith("/") else name)
        except Exception:
            return None
        if parameter is None:
            return None
        if getattr(parameter, "parameter_type", "") == "SecureString":
            return str(parameter.decrypt(parameter.value))  # moto keeps SecureStrings as kms:<key>:<value>
        return str(parameter.value)

    def _check_log_groups(self) -> None:
        from moto.logs.models import logs_backends

        with CONFIG.lock:
            for run in self.containers:
                config = run.definition.get("logConfiguration") or {}
                if config.get("logDriver") != "awslogs":
                    continue
                options = config.get("options") or {}
                group = options.get("awslogs-group")
                region = options.get("awslogs-region") or self.backend.region_name
                backend = logs_backends[self.backend.account_id][region]
                if group and group not in backend.groups:
                    if str(options.get("awslogs-create-group", "")).lower() == "true":
                        backend.create_log_group(group, {})
                        continue
                    raise TaskFailure(
                        "TaskFailedToStart",
                        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 "
                        "times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log "
                        "group does not exist. : exit status 1",
                    )

    # ------------------------------------------------------------------ 3: images

    def _pull_images(self) -> dict[str, str]:
        assert CONFIG.docker is not None
        digests: dict[str, str] = {}
        for image in dict.fromkeys(str(run.definition.get("image") or "") for run in self.containers):
            host = image.split("/", 1)[0] if "/" in image else ""
            auth = CONFIG.ecr_auth(host) if host else None
            try:
                if auth is None and CONFIG.docker.image_exists(image):
                    pass  # not an ECR image: the testbed has no internet, so an image the engine has is used
                else:
                    CONFIG.docker.pull(image, auth)
            except (DockerError, OSError) as error:
                detail = getattr(error, "message", str(error))
                not_found = "not found" in detail or "manifest unknown" in detail or "does not exist" in detail
                cause = f"{image}: not found" if not_found else detail
                raise TaskFailure(
                    "TaskFailedToStart",
                    f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
                    f"{image}: {cause}",
                    next(r.name for r in self.containers if r.definition.get("image") == image),
                    f"CannotPullContainerError: failed to resolve ref {image}: {cause}",
                ) from None
            try:
                details = CONFIG.docker._call("GET", f"/images/{image}/json")  # noqa: SLF001 (same module family)
                repo_digests = details.get("RepoDigests") or []
                if repo_digests:
                    digests[image] = str(repo_digests[0]).split("@", 1)[-1]
            except (DockerError, OSError):
                pass
        return digests

    # ------------------------------------------------------------------ 4: containers

    def _container_config(self, run: ContainerRun, env: dict[str, str]) -> dict[str, Any]:
        definition = run.definition
        override = next((o for o in self.overrides.get("containerOverrides", []) or [] if o.get("name") == run.name), {})
        host: dict[str, Any] = {"NetworkMode": "none"}
        memory = override.get("memory", definition.get("memory"))
        reservation = override.get("memoryReservation", definition.get("memoryReservation"))
        if memory is None and self.task_definition.memory and self.task_definition.network_mode == "awsvpc":
            memory = self.task_definition.memory  # Fargate: the task's memory is the limit of containers without one
        if memory is not None:
            host["Memory"] = max(int(memory), 6) * 1024 * 1024
        if reservation is not None:
            host["MemoryReservation"] = int(reservation) * 1024 * 1024
        cpu = int(override.get("cpu", definition.get("cpu") or 0) or 0)
        host["CpuShares"] = max(cpu, 2)
        if ((definition.get("linuxParameters") or {}).get("initProcessEnabled")) is True:
            host["Init"] = True
        config: dict[str, Any] = {
            "Image": definition.get("image"),
            "Env": [f"{k}={v}" for k, v in env.items()],
            "Labels": {
                LABEL: CONFIG.moto_id,
                "com.amazonaws.ecs.task-arn": self.task.task_arn,
                "com.amazonaws.ecs.container-name": run.name,
                "com.amazonaws.ecs.cluster": self.task.cluster_name,
                "com.amazonaws.ecs.task-definition-family": self.task_definition.family,
                "com.amazonaws.ecs.task-definition-version": str(self.task_definition.revision),
            },
            "HostConfig": host,
            "Hostname": f"ip-{self.task.id[:8]}",
        }
        command = override.get("command", definition.get("command"))
        if command:
            config["Cmd"] = list(command)
        if definition.get("entryPoint"):
            config["Entrypoint"] = list(definition["entryPoint"])
        if definition.get("workingDirectory"):
            config["WorkingDir"] = definition["workingDirectory"]
        if definition.get("user"):
            config["User"] = definition["user"]
        stop_timeout = definition.get("stopTimeout")
        if stop_timeout is not None:
            config["StopTimeout"] = int(stop_timeout)
        health = definition.get("healthCheck")
        if health and health.get("command"):
            scale = self.time_scale

            def nanos(seconds: Any, default: float) -> int:
                return max(int(float(seconds if seconds is not None else default) * scale * 1e9), 1_000_000)

            config["Healthcheck"] = {
                "Test": list(health["command"]),
                "Interval": nanos(health.get("interval"), 30),
                "Timeout": nanos(health.get("timeout"), 5),
                "Retries": int(health.get("retries", 3)),
                "StartPeriod": nanos(health.get("startPeriod"), 0) if health.get("startPeriod") else 0,
            }
        return config

    def _create_containers(self, environment: dict[str, dict[str, str]], digests: dict[str, str]) -> None:
        assert CONFIG.docker is not None
        for run in self.containers:
            name = f"cltb-{CONFIG.moto_id}-{self.task.id[:12]}-{run.name}"[:120]
            try:
                run.id = CONFIG.docker.create(name, self._container_config(run, environment.get(run.name, {})))
            except (DockerError, OSError) as error:
                raise TaskFailure(
                    "TaskFailedToStart",
                    f"CannotCreateContainerError: Error response from daemon: {getattr(error, 'message', error)}",
                    run.name,
                ) from None
            digest = digests.get(str(run.definition.get("image")))
            with CONFIG.lock:
                run.model.runtime_id = run.id
                if digest:
                    run.model.image_digest = digest

    def _start_containers(self) -> None:
        """Starts containers in dependsOn order (START, HEALTHY, COMPLETE, SUCCESS), as the agent does."""
        assert CONFIG.docker is not None
        by_name = {run.name: run for run in self.containers}
        pending = list(self.containers)
        deadline = time.time() + 600 * self.time_scale + 5
        while pending:
            progressed = False
            for run in list(pending):
                if all(self._dependency_met(by_name.get(d.get("containerName")), d.get("condition", "START"))
                       for d in run.definition.get("dependsOn") or []):
                    self._start_one(run)
                    pending.remove(run)
                    progressed = True
            if pending and not progressed:
                if time.time() > deadline or self.stop_requested.is_set():
                    raise TaskFailure("TaskFailedToStart", "DependencyViolation: a container dependency was not met",
                                      pending[0].name)
                time.sleep(MONITOR_SECONDS)

    def _dependency_met(self, run: ContainerRun | None, condition: str) -> bool:
        if run is None or not run.started:
            return False
        if condition == "START":
            return True
        state = (CONFIG.docker.inspect(run.id) or {}).get("State", {}) if CONFIG.docker and run.id else {}
        if condition == "HEALTHY":
            return (state.get("Health") or {}).get("Status") == "healthy"
        if condition == "COMPLETE":
            return not state.get("Running", False)
        if condition == "SUCCESS":
            return not state.get("Running", False) and state.get("ExitCode") == 0
        return True

    def _start_one(self, run: ContainerRun) -> None:
        assert CONFIG.docker is not None and run.id is not None
        try:
            CONFIG.docker.start(run.id)
        except (DockerError, OSError) as error:
            raise TaskFailure(
                "TaskFailedToStart",
                f"CannotStartContainerError: Error response from daemon: {getattr(error, 'message', error)}",
                run.name,
                f"CannotStartContainerError: Error response from daemon: {getattr(error, 'message', error)}",
            ) from None
        run.started = True
        state = (CONFIG.docker.inspect(run.id) or {}).get("State", {})
        run.pid = int(state.get("Pid") or 0)
        self._start_log_shipping(run)

    # ------------------------------------------------------------------ 5: running

    def _running(self) -> None:
        with CONFIG.lock:
            if not self._alive():
                return
            stamp = now()
            self.reached_running = True
            self.task.last_status = "RUNNING"
            self.task.started_at = self.task.connectivity_at = stamp
            self.task.connectivity = "CONNECTED"
            for run in self.containers:
                run.model.last_status = "RUNNING" if run.started else "PENDING"
                if getattr(self.task, "enable_execute_command", False) and run.started:
                    # ECS injects its SSM agent into every container of a task started with exec enabled
                    run.model.managed_agents = [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING",
                                                 "lastStartedAt": stamp}]
            if self.on_running is not None:
                self.on_running(self)

    def _monitor(self) -> None:
        assert CONFIG.docker is not None
        while self._alive():
            if self.stop_requested.wait(MONITOR_SECONDS):
                self._stop_containers()
                return
            exited_essential: ContainerRun | None = None
            for run in self.containers:
                if run.exited or run.id is None:
                    continue
                info = CONFIG.docker.inspect(run.id)
                state = (info or {}).get("State", {})
                health = (state.get("Health") or {}).get("Status")
                with CONFIG.lock:
                    run.model.health_status = {"healthy": "HEALTHY", "unhealthy": "UNHEALTHY"}.get(health or "", "UNKNOWN")
                if info is None or not state.get("Running", False):
                    self._record_exit(run, state)
                    if essential(run.definition):
                        exited_essential = run
            self._update_task_health()
            if exited_essential is not None:
                self._stop_containers(("Essential container in task exited", "EssentialContainerExited"))
                return

    def _record_exit(self, run: ContainerRun, state: dict[str, Any]) -> None:
        run.exited = True
        run.exit_code = int(state.get("ExitCode", 137 if state.get("OOMKilled") else 0))
        run.oom = bool(state.get("OOMKilled"))
        with CONFIG.lock:
            run.model.last_status = "STOPPED"
            run.model.exitCode = run.exit_code
            if run.oom:
                run.model.reason = "OutOfMemoryError: Container killed due to memory usage"

    def _update_task_health(self) -> None:
        """HEALTHY when every essential container with a health check is healthy, UNHEALTHY when one is not."""
        with CONFIG.lock:
            checked = [r for r in self.containers if essential(r.definition) and r.definition.get("healthCheck")]
            states = [r.model.health_status for r in checked]
            if "UNHEALTHY" in states:
                self.task.health_status = "UNHEALTHY"
            elif checked and all(s == "HEALTHY" for s in states):
                self.task.health_status = "HEALTHY"
            else:
                self.task.health_status = "UNKNOWN"

    # ------------------------------------------------------------------ 6: stopping

    def _stop_containers(self, cause: tuple[str, str] | None = None) -> None:
        """Stops every running container (SIGTERM, SIGKILL after its stop timeout) and finishes the task."""
        assert CONFIG.docker is not None
        if cause is None:
            reason, code, drain = self.stop_reason or ("Task stopped", "UserInitiated", 0.0)
            if drain > 0:
                time.sleep(drain)
        else:
            reason, code = cause
            with CONFIG.lock:
                self.task.desired_status = "STOPPED"
                self.task.stopping_at = now()
        threads = []
        for run in self.containers:
            if run.id is None or run.exited:
                continue
            timeout = float(run.definition.get("stopTimeout") or DEFAULT_STOP_TIMEOUT_SECONDS) * self.time_scale
            thread = threading.Thread(target=self._stop_one, args=(run, timeout), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        self._finish(code, reason)

    def _stop_one(self, run: ContainerRun, timeout: float) -> None:
        assert CONFIG.docker is not None and run.id is not None
        try:
            if run.started:
                CONFIG.docker.stop(run.id, timeout)
            state = (CONFIG.docker.inspect(run.id) or {}).get("State", {})
        except (DockerError, OSError):
            state = {}
        if run.started:
            self._record_exit(run, state)

    def _finish(self, code: str, reason: str, failed: bool = False) -> None:
        for run in self.containers:
            if run.log_thread is not None:
                run.log_thread.join(timeout=5)
        with CONFIG.lock:
            if not self._alive():
                return
            stamp = now()
            task = self.task
            task.last_status = "STOPPED"
            task.desired_status = "STOPPED"
            if not task.stopped_reason:
                task.stopped_reason = reason
            task.stop_code = code
            task.stopping_at = getattr(task, "stopping_at", None) or stamp
            task.stopped_at = task.execution_stopped_at = stamp
            # What ECS counts as a failed task (Deployment.failedTasks, the circuit breaker): one it could not start,
            # one that never reached RUNNING, one stopped for failing its health checks (the scheduler marks those).
            # An essential container that exits AFTER the task was RUNNING is not counted (ECS's stage 1 succeeded;
            # aws/containers-roadmap#1206), though the task is stopped and the scheduler backs off before the next.
            task.testbed_failed = (getattr(task, "testbed_failed", False) or failed or code == "TaskFailedToStart"
                                   or (code == "EssentialContainerExited" and not self.reached_running))
            task.testbed_backoff = task.testbed_failed or code == "EssentialContainerExited"
            for run in self.containers:
                run.model.last_status = "STOPPED"
                if run.started and run.model.exitCode is None:
                    run.model.exitCode = run.exit_code if run.exit_code is not None else 0

    def _fail(self, failure: TaskFailure) -> None:
        with CONFIG.lock:
            if failure.container_reason:
                for run in self.containers:
                    if failure.container is None or run.name == failure.container:
                        run.model.reason = failure.container_reason
        # containers already started (a later one failed to start) are stopped first
        if CONFIG.docker is not None and any(r.started and not r.exited for r in self.containers):
            for run in self.containers:
                if run.started and not run.exited and run.id:
                    self._stop_one(run, 0)
        self._finish(failure.code, failure.reason, failed=True)

    def _cleanup(self) -> None:
        if CONFIG.docker is not None:
            for run in self.containers:
                if run.log_thread is not None:
                    run.log_thread.join(timeout=5)
                if run.id is not None:
                    try:
                        CONFIG.docker.remove(run.id)
                    except (DockerError, OSError):
                        pass
        with CONFIG.lock:
            if CONFIG.runs.get(self.task.task_arn) is self:
                del CONFIG.runs[self.task.task_arn]

    # ------------------------------------------------------------------ logs

    def _start_log_shipping(self, run: ContainerRun) -> None:
        config = run.definition.get("logConfiguration") or {}
        if config.get("logDriver") != "awslogs" or CONFIG.docker is None or run.id is None:
            return  # awsfirelens goes to the log router, `none`/no configuration goes nowhere, as on ECS
        options = config.get("options") or {}
        group = options.get("awslogs-group")
        prefix = options.get("awslogs-stream-prefix")
        stream = f"{prefix}/{run.name}/{self.task.id}" if prefix else run.id
        region = options.get("awslogs-region") or self.backend.region_name
        account = self.backend.account_id
        container_id = run.id
        docker = CONFIG.docker

        def ship() -> None:
            from moto.logs.models import logs_backends

            with CONFIG.lock:
                try:
                    logs_backends[account][region].create_log_stream(group, stream)
                except Exception:  # already there, or the group was deleted meanwhile
                    pass
            try:
                for stamp, line in docker.follow_logs(container_id):
                    if not self._alive():
                        return
                    event = {"timestamp": _ms(stamp), "message": line}
                    with CONFIG.lock:
                        try:
                            logs_backends[account][region].put_log_events(group, stream, [event])
                        except Exception as error:
                            log.info("testbed: log line of %s not shipped: %s", stream, error)
            except (DockerError, OSError) as error:
                log.info("testbed: logs of %s ended: %s", stream, error)

        run.log_thread = threading.Thread(target=ship, name=f"testbed-logs-{run.name}", daemon=True)
        run.log_thread.start()

    # ------------------------------------------------------------------ scripted and simulated tasks

    def _simulated(self) -> None:
        with CONFIG.lock:
            if not self._alive():
                return
            stamp = now()
            self.task.last_status = "RUNNING"
            self.task.pull_started_at = self.task.pull_stopped_at = self.task.started_at = stamp
            self.task.connectivity_at = stamp
            self.task.connectivity = "CONNECTED"
            for run in self.containers:
                run.model.last_status = "RUNNING"
                run.started = True
            if self.on_running is not None:
                self.on_running(self)
        self.stop_requested.wait()
        reason, code, _drain = self.stop_reason or ("Task stopped", "UserInitiated", 0.0)
        self._finish(code, reason)

    def _scripted_failure(self, rule: dict[str, Any], container: Any) -> None:
        """The `failTasks` control: a failure no real container can produce here, as ECS reports it."""
        import shim_ecs

        code, reason, exit_code, container_reason = shim_ecs.FAILURES[rule.get("reason", "exit")]
        image = container.image
        with CONFIG.lock:
            container.exitCode = exit_code
            if container_reason:
                container.reason = container_reason.format(image=image)
        for run in self.containers:
            if run.model is container:
                run.exit_code = exit_code
        self._finish(code, reason.format(image=image), failed=True)


def launch(backend: Any, task: Any, task_definition: Any, behaviour: dict[str, Any],
           overrides: dict[str, Any] | None = None, on_running: Callable[[Any], None] | None = None,
           scripted: tuple[dict[str, Any], Any] | None = None) -> TaskRun:
    """Starts the agent thread of a PENDING task (call under the lock)."""
    run = TaskRun(backend, task, task_definition, behaviour, overrides, on_running, scripted)
    run.start()
    return run


def run_of(task: Any) -> TaskRun | None:
    return CONFIG.runs.get(task.task_arn)


def new_id() -> str:
    return str(uuid.uuid4())
