"""The ECS service scheduler of the testbed: a thread that runs services the way ECS does (see shim_ecs.py).

Every TICK_SECONDS, under the server's request lock, for every ACTIVE service of every account/region:
  1. PENDING tasks whose pendingSeconds are over become RUNNING, or STOPPED when a failTasks rule matches;
  2. a circuit breaker (control or the service's own deploymentCircuitBreaker) marks the PRIMARY deployment FAILED
     after `threshold` failed tasks and, with rollback, makes the previous task definition PRIMARY again;
  3. the PRIMARY deployment gets desiredCount tasks (event `has started N tasks`), or the event
     `was unable to place a task ...` when the service is unplaceable; surplus tasks are stopped;
  4. once the PRIMARY has all its tasks RUNNING, tasks of older deployments are stopped;
  5. runningCount/pendingCount are recomputed for the service, each deployment and the cluster;
  6. a PRIMARY with everything in place becomes COMPLETED, older deployments are removed and the service gets
     `(service <name>) has reached a steady state.`
Tasks are real moto Task objects, so DescribeTasks/ListTasks/StopTask see them.
"""

import logging
import threading
import time
import uuid
from typing import Any

import shim_ecs

log = logging.getLogger("testbed.ecs")

TICK_SECONDS = 0.2
UNABLE_EVENT_EVERY_SECONDS = 10.0
RELAUNCH_AFTER_FAILURE_SECONDS = 1.0
MAX_STOPPED_TASKS_PER_SERVICE = 50
MAX_EVENTS = 100


def add_event(service: Any, message: str) -> None:
    """Adds a service event, newest first (as DescribeServices returns them)."""
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": shim_ecs._now(), "message": message})
    del service.events[MAX_EVENTS:]


def _task_ids(tasks: list[Any]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


def _default_network(backend: Any) -> dict[str, Any]:
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    subnet = sorted(ec2.describe_subnets(), key=lambda s: s.id)[0]
    groups = ec2.describe_security_groups(filters={"vpc-id": [subnet.vpc_id], "group-name": ["default"]})
    return {"awsvpcConfiguration": {"subnets": [subnet.id], "securityGroups": [g.id for g in groups[:1]]}}


def _containers(backend: Any, task: Any, task_definition: Any) -> list[Any]:
    from moto.ecs.models import Container

    containers = []
    for definition in task_definition.container_definitions:
        container = Container(task_definition)
        container.container_arn = (
            f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:container/{task.cluster_name}/{task.id}/"
            f"{uuid.uuid4()}"
        )
        container.task_arn = task.task_arn
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = str(definition.get("cpu", 0))
        container.memory = None if definition.get("memory") is None else str(definition.get("memory"))
        container.memory_reservation = (
            None if definition.get("memoryReservation") is None else str(definition.get("memoryReservation"))
        )
        container.last_status = "PENDING"
        container.exitCode = None
        container.health_status = "UNKNOWN"
        containers.append(container)
    return containers


def _launch(backend: Any, service: Any, deployment: dict[str, Any], pending_seconds: float) -> Any:
    from moto.ecs.models import Task

    task_definition = backend.describe_task_definition(deployment["taskDefinition"])
    network = None
    if task_definition.network_mode == "awsvpc":
        network = service.network_configuration or _default_network(backend)
        config = network.setdefault("awsvpcConfiguration", {})
        config.setdefault("securityGroups", [])
    task = Task(
        backend._get_cluster(service.cluster_name),
        task_definition,
        None,
        backend._calculate_task_resource_requirements(task_definition),
        backend=backend,
        group=f"service:{service.name}",
        launch_type=service.launch_type or "EC2",
        started_by=deployment["id"],
        tags=list(service.tags) if service.propagate_tags == "SERVICE" else [],
        networking_configuration=network,
        platform_version=service.platform_version,
    )
    now = shim_ecs._now()
    task.last_status = "PENDING"
    task.created_at = now
    task.cpu = task_definition.cpu
    task.memory = task_definition.memory
    task.health_status = "UNKNOWN"
    task.testbed_ready_at = time.time() + pending_seconds
    task.containers = _containers(backend, task, task_definition)
    backend.tasks.setdefault(task.cluster_name, {})[task.task_arn] = task
    return task


def _run(task: Any) -> None:
    now = shim_ecs._now()
    task.last_status = "RUNNING"
    task.pull_started_at = task.pull_stopped_at = task.started_at = task.connectivity_at = now
    task.connectivity = "CONNECTED"
    for container in task.containers:
        container.last_status = "RUNNING"


def _stop(task: Any, reason: str, code: str = "ServiceSchedulerInitiated") -> None:
    now = shim_ecs._now()
    task.last_status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = code
    task.stopping_at = task.stopped_at = task.execution_stopped_at = now
    for container in task.containers:
        if container.last_status == "RUNNING" and container.exitCode is None:
            container.exitCode = 0
        container.last_status = "STOPPED"


def _matching_rule(behaviour: dict[str, Any], task: Any) -> tuple[dict[str, Any], Any] | None:
    for rule in behaviour["failTasks"]:
        for container in task.containers:
            if rule["imageContains"] in (container.image or ""):
                return rule, container
    return None


def _fail(task: Any, rule: dict[str, Any], failed_container: Any) -> None:
    code, reason, exit_code, container_reason = shim_ecs.FAILURES[rule.get("reason", "exit")]
    _stop(task, reason.format(image=failed_container.image), code)
    failed_container.exitCode = exit_code
    if container_reason:
        failed_container.reason = container_reason.format(image=failed_container.image)


def _breaker(behaviour: dict[str, Any], service: Any) -> dict[str, Any] | None:
    control = behaviour["circuitBreaker"]
    if control is not None:
        return {"rollback": bool(control.get("rollback", True)), "threshold": int(control.get("threshold", 2))}
    config = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
    if config.get("enable"):
        return {"rollback": bool(config.get("rollback")), "threshold": 3}
    return None


def _trip(service: Any, primary: dict[str, Any], rollback: bool) -> None:
    primary["rolloutState"] = "FAILED"
    primary["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
    primary["updatedAt"] = shim_ecs._now()
    add_event(service, f"(service {service.name}) (deployment {primary['id']}) deployment failed: tasks failed to start.")
    target = shim_ecs.state_of(service).get("last_completed")
    if rollback and target is not None and target["taskDefinition"] != primary["taskDefinition"]:
        # like ECS: roll back to the last deployment that completed, as a new deployment
        shim_ecs.start_deployment(service, target["taskDefinition"])
        add_event(service, f"(service {service.name}) rolling back to deployment {target['id']}.")


def _place(backend: Any, service: Any, primary: dict[str, Any], live: list[Any], behaviour: dict[str, Any]) -> None:
    state = shim_ecs.state_of(service)
    mine = [t for t in live if t.started_by == primary["id"]]
    missing = service.desired_count - len(mine)
    now = time.time()
    if missing > 0 and primary["rolloutState"] != "FAILED":
        unplaceable = behaviour["unplaceable"]
        if "*" in unplaceable or service.name in unplaceable:
            if now - state["last_unable_event"] >= UNABLE_EVENT_EVERY_SECONDS:
                state["last_unable_event"] = now
                add_event(service, f"(service {service.name}) was unable to place a task because no container "
                          "instance met all of its requirements.")
            return
        if now < state["next_launch"]:
            return  # back off a little after a failed task, as ECS does
        started = [_launch(backend, service, primary, behaviour["pendingSeconds"]) for _ in range(missing)]
        add_event(service, f"(service {service.name}) has started {len(started)} tasks: {_task_ids(started)}.")
    elif missing < 0:
        surplus = sorted(mine, key=lambda t: t.created_at, reverse=True)[:-missing]
        for task in surplus:
            _stop(task, f"Scaling activity initiated by (deployment {primary['id']})")
        add_event(service, f"(service {service.name}) has stopped {len(surplus)} running tasks: {_task_ids(surplus)}.")


def _service_tasks(backend: Any, service: Any) -> list[Any]:
    cluster_tasks = backend.tasks.get(service.cluster_name, {})
    return [t for t in cluster_tasks.values() if t.group == f"service:{service.name}"]


def drive(backend: Any, service: Any, behaviour: dict[str, Any]) -> None:
    """One scheduler step for one service (see the module docstring)."""
    tasks = _service_tasks(backend, service)
    live = [t for t in tasks if t.last_status != "STOPPED"]
    if service.status != "ACTIVE":
        for task in live:
            _stop(task, "Scaling activity initiated by (service deletion)")
        return
    primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
    if primary is None:
        return
    state = shim_ecs.state_of(service)
    by_id = {d["id"]: d for d in service.deployments}
    for task in live:
        if task.last_status == "PENDING" and time.time() >= task.testbed_ready_at:
            match = _matching_rule(behaviour, task)
            if match is None:
                _run(task)
                continue
            _fail(task, *match)
            state["steady"] = False
            state["next_launch"] = time.time() + RELAUNCH_AFTER_FAILURE_SECONDS
            if task.started_by in by_id:
                by_id[task.started_by]["failedTasks"] += 1
    live = [t for t in live if t.last_status != "STOPPED"]

    breaker = _breaker(behaviour, service)
    if breaker and primary["rolloutState"] == "IN_PROGRESS" and primary["failedTasks"] >= breaker["threshold"]:
        _trip(service, primary, breaker["rollback"])
        primary = next(d for d in service.deployments if d["status"] == "PRIMARY")
    primary["desiredCount"] = service.desired_count

    _place(backend, service, primary, live, behaviour)
    tasks = _service_tasks(backend, service)
    live = [t for t in tasks if t.last_status != "STOPPED"]
    primary_running = [t for t in live if t.started_by == primary["id"] and t.last_status == "RUNNING"]
    others = [t for t in live if t.started_by != primary["id"]]
    if others and len(primary_running) >= service.desired_count:
        for task in others:
            _stop(task, f"Scaling activity initiated by (deployment {task.started_by})")
        add_event(service, f"(service {service.name}) has stopped {len(others)} running tasks: {_task_ids(others)}.")
        live = [t for t in live if t.last_status != "STOPPED"]
        others = []

    _count(service, live)
    settled = primary["runningCount"] == service.desired_count and primary["pendingCount"] == 0 and not others
    if settled and primary["rolloutState"] == "IN_PROGRESS":
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
        primary["updatedAt"] = shim_ecs._now()
        service.deployments[:] = [primary]
        state["last_completed"] = {"id": primary["id"], "taskDefinition": primary["taskDefinition"]}
        add_event(service, f"(service {service.name}) (deployment {primary['id']}) deployment completed.")
    if settled and primary["rolloutState"] == "COMPLETED" and not state["steady"]:
        state["steady"] = True
        add_event(service, f"(service {service.name}) has reached a steady state.")
    _prune(backend, service, tasks)


def _count(service: Any, live: list[Any]) -> None:
    for deployment in service.deployments:
        mine = [t for t in live if t.started_by == deployment["id"]]
        deployment["runningCount"] = sum(1 for t in mine if t.last_status == "RUNNING")
        deployment["pendingCount"] = sum(1 for t in mine if t.last_status == "PENDING")
    service.running_count = sum(1 for t in live if t.last_status == "RUNNING")
    service.pending_count = sum(1 for t in live if t.last_status == "PENDING")


def _prune(backend: Any, service: Any, tasks: list[Any]) -> None:
    stopped = sorted((t for t in tasks if t.last_status == "STOPPED"), key=lambda t: t.created_at, reverse=True)
    cluster_tasks = backend.tasks.get(service.cluster_name, {})
    for task in stopped[MAX_STOPPED_TASKS_PER_SERVICE:]:
        cluster_tasks.pop(task.task_arn, None)


def _recount_clusters(backend: Any) -> None:
    for name, cluster in backend.clusters.items():
        tasks = list(backend.tasks.get(name, {}).values())
        cluster.running_tasks_count = sum(1 for t in tasks if t.last_status == "RUNNING")
        cluster.pending_tasks_count = sum(1 for t in tasks if t.last_status == "PENDING")


def tick() -> None:
    """One pass over every service of every account and region."""
    from moto.ecs.models import ecs_backends

    behaviour = shim_ecs.get_behaviour()
    for _account, _region, backend in list(ecs_backends.iter_backends()):
        for service in list(backend.services.values()):
            try:
                drive(backend, service, behaviour)
            except Exception:  # keep scheduling the other services; the log says what broke
                log.exception("testbed scheduler: service %s failed", getattr(service, "name", "?"))
        _recount_clusters(backend)


def start(lock: threading.RLock) -> threading.Thread:
    """Starts the scheduler thread; it takes `lock` (the server's request lock) for every tick."""

    def loop() -> None:
        while True:
            with lock:
                try:
                    tick()
                except Exception:
                    log.exception("testbed scheduler tick failed")
            time.sleep(TICK_SECONDS)

    thread = threading.Thread(target=loop, name="testbed-ecs-scheduler", daemon=True)
    thread.start()
    return thread
