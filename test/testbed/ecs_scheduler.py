"""The ECS service scheduler of the testbed: a thread that runs services the way ECS does (see shim_ecs.py).

Every TICK_SECONDS, under the server's request lock, for every ACTIVE service of every account/region:
  1. the emulated ECS agent registers the cluster's EC2 hosts (ecs_hosts.py);
  2. tasks that stopped since the last tick are accounted: a failed one (it could not start, never reached RUNNING,
     or failed its health checks) counts in its deployment's failedTasks and the circuit breaker's count (which a
     healthy task resets: resetOnHealthyTask); one whose essential container exited after RUNNING is not a failure to
     ECS (aws/containers-roadmap#1206). After either, the next launch waits a moment, as ECS backs off;
  3. tasks past the health-check grace period whose load-balancer target is unhealthy, or whose essential container
     health check fails, are stopped (`Task failed ELB health checks in (target-group <arn>)`, `Task failed
     container health checks`) and count as failed;
  4. the deployment circuit breaker: after the threshold of failed tasks (the control's, else ECS's
     0.5 x desired count within 3..200) the PRIMARY is FAILED and, with rollback, the last COMPLETED deployment's
     task definition becomes PRIMARY again;
  5. a rolling update within maximumPercent / minimumHealthyPercent: new tasks of the PRIMARY are placed (EC2 tasks on
     a registered container instance with room, else `was unable to place a task ...` events every 10 s; FARGATE
     anywhere) and started as real containers (ecs_runtime.py); tasks of older deployments are stopped, after
     draining their load-balancer targets, only while enough tasks stay healthy;
  6. counts on the service, each deployment and the cluster follow the tasks; a PRIMARY with every task healthy and
     nothing else left is COMPLETED and the service reaches a steady state.
Tasks are real moto Task objects, so DescribeTasks/ListTasks/StopTask see them.
"""

import logging
import math
import threading
import time
import uuid
from typing import Any

import ecs_hosts
import ecs_runtime
import elb_targets
import shim_ecs

log = logging.getLogger("testbed.ecs")

TICK_SECONDS = 0.2
UNABLE_EVENT_EVERY_SECONDS = 10.0
RELAUNCH_AFTER_FAILURE_SECONDS = 1.0
MAX_STOPPED_TASKS_PER_SERVICE = 100
MAX_EVENTS = 100
DEFAULT_GRACE_SECONDS = 0.0
STABLE_SECONDS = 20.0  # on AWS's clock (x timeScale): how long a task without health checks must run to count as up


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
        container.network_bindings = []
        containers.append(container)
    return containers


def _eni_ip(task: Any) -> str | None:
    for attachment in getattr(task, "attachments", []) or []:
        for detail in attachment.get("details", []):
            if detail.get("name") == "privateIPv4Address":
                return str(detail.get("value"))
    return None


def _bind_ports(backend: Any, task: Any, task_definition: Any, container_instance: Any) -> list[int]:
    """networkBindings as ECS reports them: bridge mode maps hostPort 0 to a free dynamic port of the host."""
    assigned: list[int] = []
    for container, definition in zip(task.containers, task_definition.container_definitions):
        for mapping in definition.get("portMappings") or []:
            container_port = int(mapping.get("containerPort") or 0)
            host_port = int(mapping.get("hostPort") or 0)
            if task_definition.network_mode == "awsvpc" or task_definition.network_mode == "host":
                host_port = container_port
            elif host_port == 0 and container_instance is not None:
                used = ecs_hosts.usage(backend, task.cluster_name, container_instance)["ports"] | set(assigned)
                host_port = next(p for p in ecs_hosts.EPHEMERAL_PORTS if p not in used)
            assigned.append(host_port)
            container.network_bindings.append({"bindIP": "0.0.0.0", "containerPort": container_port,
                                               "hostPort": host_port, "protocol": mapping.get("protocol", "tcp")})
    return assigned


def new_task(backend: Any, cluster_name: str, task_definition: Any, *, group: str, launch_type: str,
             started_by: str, network: dict[str, Any] | None, container_instance: Any, tags: list[Any],
             platform_version: Any = None, enable_execute_command: bool = False, overrides: Any = None) -> Any:
    """A PENDING moto task as ECS creates it (also used for RunTask)."""
    from moto.ecs.models import Task

    if task_definition.network_mode == "awsvpc":
        network = network or _default_network(backend)
        network.setdefault("awsvpcConfiguration", {}).setdefault("securityGroups", [])
    else:
        network = None
    task = Task(
        backend._get_cluster(cluster_name),
        task_definition,
        container_instance.container_instance_arn if container_instance is not None else None,
        backend._calculate_task_resource_requirements(task_definition),
        backend=backend,
        group=group,
        launch_type=launch_type,
        started_by=started_by,
        tags=tags,
        networking_configuration=network,
        platform_version=platform_version,
        overrides=overrides,
    )
    task.id = uuid.uuid4().hex  # ECS task ids are 32 hex digits (moto: a dashed UUID); the ARN follows the id
    now = shim_ecs._now()
    task.last_status = "PENDING"
    task.created_at = now
    task.cpu = task_definition.cpu
    task.memory = task_definition.memory
    task.health_status = "UNKNOWN"
    task.enable_execute_command = bool(enable_execute_command)
    task.testbed_needs = ecs_hosts.requirements(task_definition)
    task.testbed_failed = False
    task.testbed_counted = False
    if container_instance is not None:
        from moto.ec2.models import ec2_backends

        instance = ec2_backends[backend.account_id][backend.region_name].get_instance(container_instance.ec2_instance_id)
        placement = getattr(instance, "_placement", None)
        task.availability_zone = getattr(placement, "zone", None)
    task.containers = _containers(backend, task, task_definition)
    task.testbed_needs["ports"] = task.testbed_needs["ports"] + _bind_ports(backend, task, task_definition,
                                                                           container_instance)
    backend.tasks.setdefault(task.cluster_name, {})[task.task_arn] = task
    return task


def _launch_type(service: Any) -> str:
    if service.launch_type:
        return str(service.launch_type)
    strategy = getattr(service, "capacity_provider_strategy", None) or []
    if any("FARGATE" in str(item.get("capacityProvider", "")) for item in strategy):
        return "FARGATE"
    return "EC2"


def _launch(backend: Any, service: Any, deployment: dict[str, Any], behaviour: dict[str, Any]) -> tuple[Any, str | None]:
    task_definition = backend.describe_task_definition(deployment["taskDefinition"])
    launch_type = _launch_type(service)
    container_instance = None
    if launch_type == "EC2":
        constraints = list(getattr(task_definition, "placement_constraints", None) or [])
        constraints += list(getattr(service, "placement_constraints", None) or [])
        strategy = list(getattr(service, "placement_strategy", None) or ecs_hosts.SERVICE_DEFAULT_STRATEGY)
        container_instance, why = ecs_hosts.place(backend, service.cluster_name,
                                                  ecs_hosts.requirements(task_definition), constraints,
                                                  strategy, f"service:{service.name}")
        if container_instance is None:
            return None, why
    task = new_task(
        backend, service.cluster_name, task_definition,
        group=f"service:{service.name}",
        launch_type=launch_type,
        started_by=deployment["id"],
        network=service.network_configuration or None,
        container_instance=container_instance,
        tags=list(service.tags) if service.propagate_tags == "SERVICE" else [],
        platform_version=service.platform_version,
        enable_execute_command=bool(getattr(service, "enable_execute_command", False)),
    )
    scripted = _matching_rule(behaviour, task)
    # a task behind a load balancer counts as healthy only once its targets pass their health checks
    task.testbed_needs_targets = bool(service.load_balancers) and ecs_runtime.containers_enabled() and not scripted
    ecs_runtime.launch(backend, task, task_definition, behaviour,
                       on_running=lambda run: _register_targets(backend, service, run, behaviour),
                       scripted=scripted)
    return task, None


def _register_targets(backend: Any, service: Any, run: Any, behaviour: dict[str, Any]) -> None:
    """Called under the lock when a service task is RUNNING: it joins the service's target groups."""
    from moto.elbv2.models import elbv2_backends

    if not service.load_balancers or run.task.desired_status != "RUNNING" or run.simulate:
        return  # simulated tasks (no Docker engine) have nothing to health-check: they count as healthy
    elbv2 = elbv2_backends[backend.account_id][backend.region_name]
    task = run.task
    for entry in service.load_balancers:
        arn = entry.get("targetGroupArn")
        group = elbv2.target_groups.get(arn)
        if group is None:
            continue
        name, port = entry.get("containerName"), int(entry.get("containerPort") or 0)
        container_run = next((c for c in run.containers if c.name == name), None)
        binding = next((b for c in task.containers if c.name == name for b in c.network_bindings
                        if int(b["containerPort"]) == port), None)
        if container_run is None or binding is None:
            continue
        if getattr(group, "target_type", "instance") == "ip":
            target_id = _eni_ip(task) or "10.0.0.1"
        else:
            instance = next((ci for ci in backend.container_instances.get(task.cluster_name, {}).values()
                             if ci.container_instance_arn == task.container_instance_arn), None)
            target_id = instance.ec2_instance_id if instance is not None else f"i-{task.id[:17]}"
        pid = container_run.pid
        if pid <= 0 and not run.simulate:
            continue
        elb_targets.register(group, target_id, int(binding["hostPort"]), pid, port, task.task_arn, service.name,
                             float(behaviour.get("timeScale", 1.0)))
        add_event(service, f"(service {service.name}) registered 1 targets in (target-group {arn})")


def _matching_rule(behaviour: dict[str, Any], task: Any) -> tuple[dict[str, Any], Any] | None:
    for rule in behaviour["failTasks"]:
        for container in task.containers:
            if rule["imageContains"] in (container.image or ""):
                return rule, container
    return None


def stop_task(backend: Any, task: Any, reason: str, code: str, behaviour: dict[str, Any], service: Any = None,
              failed: bool = False) -> None:
    """Stops a task as ECS does: its load-balancer targets drain first, then SIGTERM/SIGKILL (ecs_runtime)."""
    log.info("stopping task %s (%s): %s", task.id, code, reason)
    scale = float(behaviour.get("timeScale", 1.0))
    targets = [t for t in elb_targets.targets_of_task(task.task_arn) if t.state != "draining"]
    drain = 0.0
    for target in targets:
        drain = max(drain, elb_targets.deregistration_delay(target.group) * scale)
        elb_targets.deregister(target, elb_targets.deregistration_delay(target.group) * scale)
    if failed:
        drain = 0.0  # a failed task goes at once; its target is already unhealthy
    run = ecs_runtime.run_of(task)
    task.testbed_failed = failed
    if run is None:
        ecs_runtime_fallback_stop(task, reason, code)
        return
    if failed:
        task.stopped_reason = reason
    run.request_stop(reason, code, drain)
    if targets and service is not None and not failed:
        add_event(service, f"(service {service.name}) has begun draining connections on 1 tasks.")


def ecs_runtime_fallback_stop(task: Any, reason: str, code: str) -> None:
    """A task without an agent thread (made before a reset, or by plain moto): STOPPED at once."""
    now = shim_ecs._now()
    task.last_status = task.desired_status = "STOPPED"
    task.stopped_reason = task.stopped_reason or reason
    task.stop_code = code
    task.stopping_at = task.stopped_at = task.execution_stopped_at = now
    for container in task.containers:
        container.last_status = "STOPPED"
        if container.exitCode is None:
            container.exitCode = 0


def _threshold(behaviour: dict[str, Any], service: Any) -> int:
    control = behaviour["circuitBreaker"]
    if control is not None and control.get("threshold") is not None:
        return int(control["threshold"])
    return min(max(math.ceil(0.5 * service.desired_count), 3), 200)  # ECS's documented failed-task threshold


def _breaker(behaviour: dict[str, Any], service: Any) -> dict[str, Any] | None:
    control = behaviour["circuitBreaker"]
    if control is not None:
        return {"rollback": bool(control.get("rollback", True)), "threshold": _threshold(behaviour, service)}
    config = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
    if str(config.get("enable")).lower() == "true":
        return {"rollback": str(config.get("rollback")).lower() == "true", "threshold": _threshold(behaviour, service)}
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


def _healthy(task: Any, time_scale: float) -> bool:
    """Counts toward minimumHealthyPercent, completion and the breaker's reset: running, its load-balancer targets
    healthy, its container health check passing; a task with no health check at all once it has stayed RUNNING for
    STABLE_SECONDS (a crash loop never reaches a steady state on ECS either)."""
    if task.last_status != "RUNNING" or task.desired_status != "RUNNING":
        return False
    if task.health_status == "UNHEALTHY":
        return False
    run = ecs_runtime.run_of(task)
    checked = run is not None and any(c.definition.get("healthCheck") and ecs_runtime.essential(c.definition)
                                      for c in run.containers)
    if checked and task.health_status != "HEALTHY":
        return False
    targets = elb_targets.targets_of_task(task.task_arn)
    needs_targets = getattr(task, "testbed_needs_targets", False)
    if targets or needs_targets:
        return bool(targets) and all(t.state == "healthy" for t in targets)
    if checked or run is None or run.simulate:
        return True
    started = task.started_at.timestamp() if getattr(task, "started_at", None) else time.time()
    return time.time() - started >= STABLE_SECONDS * time_scale


def _percentages(service: Any) -> tuple[int, int]:
    config = getattr(service, "deployment_configuration", None) or {}
    try:
        maximum = int(config.get("maximumPercent", 200))
    except (TypeError, ValueError):
        maximum = 200
    try:
        minimum = int(config.get("minimumHealthyPercent", 100))
    except (TypeError, ValueError):
        minimum = 100
    return maximum, minimum


def _account_stopped(service: Any, tasks: list[Any], by_id: dict[str, Any]) -> None:
    """failedTasks of each deployment, and the circuit breaker's own count (reset by a healthy task, see below)."""
    state = shim_ecs.state_of(service)
    breaker_counts = state.setdefault("breaker_counts", {})
    for task in tasks:
        if task.last_status != "STOPPED" or getattr(task, "testbed_counted", True):
            continue
        task.testbed_counted = True
        if getattr(task, "testbed_backoff", False) or getattr(task, "testbed_failed", False):
            state["steady"] = False
            state["next_launch"] = time.time() + RELAUNCH_AFTER_FAILURE_SECONDS
        if getattr(task, "testbed_failed", False):
            if task.started_by in by_id:
                by_id[task.started_by]["failedTasks"] += 1
                breaker_counts[task.started_by] = breaker_counts.get(task.started_by, 0) + 1


def _reset_on_healthy(service: Any, primary: dict[str, Any], live: list[Any], scale: float) -> None:
    """ECS's resetOnHealthyTask (default true): a task of the deployment that reaches a healthy state resets the
    circuit breaker's failure count to 0 (failedTasks, which DescribeServices shows, keeps counting)."""
    config = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
    if str(config.get("resetOnHealthyTask", True)).lower() == "false":
        return
    if any(t.started_by == primary["id"] and _healthy(t, scale) for t in live):
        shim_ecs.state_of(service).setdefault("breaker_counts", {})[primary["id"]] = 0


def _health_stops(backend: Any, service: Any, live: list[Any], behaviour: dict[str, Any]) -> None:
    scale = float(behaviour.get("timeScale", 1.0))
    grace = float(getattr(service, "health_check_grace_period_seconds", None) or DEFAULT_GRACE_SECONDS) * scale
    for task in live:
        if task.last_status != "RUNNING" or task.desired_status != "RUNNING":
            continue
        if task.health_status == "UNHEALTHY":
            stop_task(backend, task, "Task failed container health checks", "ServiceSchedulerInitiated",
                      behaviour, service, failed=True)
            add_event(service, f"(service {service.name}) (task {task.id}) failed container health checks.")
            continue
        started = task.started_at.timestamp() if getattr(task, "started_at", None) else time.time()
        if time.time() - started < grace:
            continue
        for target in elb_targets.targets_of_task(task.task_arn):
            if target.state == "unhealthy":
                add_event(service, f"(service {service.name}) (port {target.port}) is unhealthy in (target-group "
                          f"{target.group.arn}) due to (reason {target.description}).")
                stop_task(backend, task, f"Task failed ELB health checks in (target-group {target.group.arn})",
                          "ServiceSchedulerInitiated", behaviour, service, failed=True)
                break


def _place(backend: Any, service: Any, primary: dict[str, Any], live: list[Any], counted: int,
           behaviour: dict[str, Any]) -> None:
    """Starts tasks of the PRIMARY up to desiredCount, within maximumPercent of all tasks still running."""
    state = shim_ecs.state_of(service)
    mine = [t for t in live if t.started_by == primary["id"]]
    maximum, _minimum = _percentages(service)
    room = max(math.floor(service.desired_count * maximum / 100), service.desired_count if counted == len(mine) else 0)
    missing = min(service.desired_count - len(mine), room - counted)
    now = time.time()
    if missing <= 0 or primary["rolloutState"] == "FAILED":
        return
    unplaceable = behaviour["unplaceable"]
    why = None
    started = []
    if "*" in unplaceable or service.name in unplaceable:
        why = "Reason: the testbed's `unplaceable` control."
    elif now < state["next_launch"]:
        return  # back off a little after a failed task, as ECS does
    else:
        for _ in range(missing):
            task, why = _launch(backend, service, primary, behaviour)
            if task is None:
                break
            started.append(task)
    if started:
        add_event(service, f"(service {service.name}) has started {len(started)} tasks: {_task_ids(started)}.")
    if why is not None and now - state["last_unable_event"] >= UNABLE_EVENT_EVERY_SECONDS:
        state["last_unable_event"] = now
        add_event(service, f"(service {service.name}) was unable to place a task because no container instance met "
                  f"all of its requirements. {why} For more information, see the Troubleshooting section of the "
                  "Amazon ECS Developer Guide.")


def _retire(backend: Any, service: Any, primary: dict[str, Any], live: list[Any], behaviour: dict[str, Any]) -> None:
    """Stops tasks of older deployments while minimumHealthyPercent allows, and surplus tasks of the PRIMARY."""
    mine = [t for t in live if t.started_by == primary["id"]]
    others = [t for t in live if t.started_by != primary["id"]]
    _maximum, minimum = _percentages(service)
    scale = float(behaviour.get("timeScale", 1.0))
    min_healthy = math.ceil(service.desired_count * minimum / 100)
    healthy_total = sum(1 for t in live if _healthy(t, scale))
    stoppable = max(healthy_total - min_healthy, 0)
    retired = []
    # never-healthy tasks of older deployments go first and freely; healthy ones only above the minimum
    for task in sorted(others, key=lambda t: (_healthy(t, scale), t.created_at)):
        if not _healthy(task, scale):
            retired.append(task)
        elif stoppable > 0:
            stoppable -= 1
            retired.append(task)
    surplus = len(mine) - service.desired_count
    if surplus > 0:
        retired += sorted(mine, key=lambda t: (_healthy(t, scale), t.created_at), reverse=False)[:surplus]
    if retired:
        log.info("retiring %s: healthy %s of %s live, minimum %s, desired %s, config %s", [t.id[:8] for t in retired],
                 healthy_total, len(live), min_healthy, service.desired_count,
                 getattr(service, "deployment_configuration", None))
    for task in retired:
        deployment = task.started_by if task.started_by != primary["id"] else primary["id"]
        stop_task(backend, task, f"Scaling activity initiated by (deployment {deployment})",
                  "ServiceSchedulerInitiated", behaviour, service)
    if retired:
        add_event(service, f"(service {service.name}) has stopped {len(retired)} running tasks: {_task_ids(retired)}.")


def _service_tasks(backend: Any, service: Any) -> list[Any]:
    cluster_tasks = backend.tasks.get(service.cluster_name, {})
    return [t for t in cluster_tasks.values() if t.group == f"service:{service.name}"]


def drive(backend: Any, service: Any, behaviour: dict[str, Any]) -> None:
    """One scheduler step for one service (see the module docstring)."""
    tasks = _service_tasks(backend, service)
    live = [t for t in tasks if t.last_status != "STOPPED" and t.desired_status == "RUNNING"]
    if service.status != "ACTIVE":
        for task in live:
            stop_task(backend, task, "Scaling activity initiated by (service deletion)", "ServiceSchedulerInitiated",
                      behaviour)
        return
    primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
    if primary is None:
        return
    state = shim_ecs.state_of(service)
    scale = float(behaviour.get("timeScale", 1.0))
    by_id = {d["id"]: d for d in service.deployments}
    _account_stopped(service, tasks, by_id)
    _health_stops(backend, service, live, behaviour)
    live = [t for t in live if t.desired_status == "RUNNING" and t.last_status != "STOPPED"]

    _reset_on_healthy(service, primary, live, scale)
    breaker = _breaker(behaviour, service)
    count = state.setdefault("breaker_counts", {}).get(primary["id"], 0)
    if breaker and primary["rolloutState"] == "IN_PROGRESS" and count >= breaker["threshold"]:
        _trip(service, primary, breaker["rollback"])
        primary = next(d for d in service.deployments if d["status"] == "PRIMARY")
    primary["desiredCount"] = service.desired_count

    # tasks still running while they stop (draining, SIGTERM) count toward maximumPercent, as on ECS
    stopping = [t for t in tasks if t.desired_status == "STOPPED" and t.last_status == "RUNNING"]
    _place(backend, service, primary, live, len(live) + len(stopping), behaviour)
    tasks = _service_tasks(backend, service)
    live = [t for t in tasks if t.last_status != "STOPPED" and t.desired_status == "RUNNING"]
    _retire(backend, service, primary, live, behaviour)

    tasks = _service_tasks(backend, service)
    not_stopped = [t for t in tasks if t.last_status != "STOPPED"]
    _count(service, not_stopped)
    mine = [t for t in not_stopped if t.started_by == primary["id"] and t.desired_status == "RUNNING"]
    others = [t for t in not_stopped if t.started_by != primary["id"] or t.desired_status != "RUNNING"]
    healthy_mine = sum(1 for t in mine if _healthy(t, scale))
    settled = healthy_mine == service.desired_count == len(mine) and not others
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
    if not settled and primary["rolloutState"] == "COMPLETED":
        state["steady"] = False
    # an older deployment with nothing left running is gone, as on ECS
    if primary["rolloutState"] != "IN_PROGRESS" or settled:
        running_by = {t.started_by for t in not_stopped}
        service.deployments[:] = [d for d in service.deployments if d is primary or d["id"] in running_by]
    _prune(backend, service, tasks)


def _count(service: Any, not_stopped: list[Any]) -> None:
    for deployment in service.deployments:
        mine = [t for t in not_stopped if t.started_by == deployment["id"]]
        deployment["runningCount"] = sum(1 for t in mine if t.last_status == "RUNNING")
        deployment["pendingCount"] = sum(1 for t in mine if t.last_status == "PENDING")
    service.running_count = sum(1 for t in not_stopped if t.last_status == "RUNNING")
    service.pending_count = sum(1 for t in not_stopped if t.last_status == "PENDING")


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
        cluster.registered_container_instances_count = sum(
            1 for ci in backend.container_instances.get(name, {}).values() if ci.status == "ACTIVE")


_last_agent_sync = 0.0


def tick() -> None:
    """One pass over every service of every account and region."""
    global _last_agent_sync
    from moto.ecs.models import ecs_backends

    behaviour = shim_ecs.get_behaviour()
    sync_agents = time.time() - _last_agent_sync >= 1.0
    if sync_agents:
        _last_agent_sync = time.time()
    for _account, _region, backend in list(ecs_backends.iter_backends()):
        if sync_agents:
            try:
                ecs_hosts.sync_agents(backend)
            except Exception:
                log.exception("testbed: the emulated ECS agent failed to sync hosts")
        for service in list(backend.services.values()):
            try:
                drive(backend, service, behaviour)
            except Exception:  # keep scheduling the other services; the log says what broke
                log.exception("testbed scheduler: service %s failed", getattr(service, "name", "?"))
        ecs_hosts.advance_agent_updates(backend)
        ecs_hosts.refresh_counts(backend)
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
