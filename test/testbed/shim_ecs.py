"""ECS patches for moto 5.2.1 plus a deployment scheduler that behaves like ECS (test harness only).

moto stores ECS services but never runs them: UpdateService keeps one stale PRIMARY deployment, no task is ever
started for a service, `events` stays empty (shared/spec/testbed.md 2.3, 5.6). A deploy watcher written against
that would be tested against nothing. This module gives the emulator a small, honest scheduler:

* UpdateService with a new task definition (or forceNewDeployment) creates a new PRIMARY deployment
  (rolloutState IN_PROGRESS) and demotes the previous one to ACTIVE, as ECS does.
* A thread keeps `desiredCount` tasks of the PRIMARY deployment running: tasks start PENDING (group
  `service:<name>`, startedBy the deployment id, like ECS), become RUNNING after `pendingSeconds`, then the tasks
  of older deployments are stopped. Counts on the service and on each deployment follow. When the PRIMARY has
  all its tasks and nothing else is left, it becomes COMPLETED, older deployments disappear and the service gets
  the event `(service <name>) has reached a steady state.` (events newest first, each with id and createdAt).
* Test-only behaviour controls (`POST /_testbed/ecs-behaviour`, see BEHAVIOUR_DOC) make tasks fail, make the
  service unable to place tasks, or trip a deployment circuit breaker with rollback.
"""

import copy
import logging
import random
from typing import Any

log = logging.getLogger("testbed.ecs")

BEHAVIOUR_DOC = """
POST /_testbed/ecs-behaviour   (JSON body; replaces the whole behaviour; omitted fields take their defaults)
GET  /_testbed/ecs-behaviour   -> the current behaviour
DELETE /_testbed/ecs-behaviour -> back to the defaults (POST /moto-api/reset does this too)

{
  "timeScale": 0.05,                   # default 0.05; every ECS/ELB duration of the emulation is multiplied by it:
                                       #   target-group health-check interval and timeout, deregistration delay,
                                       #   the service's health-check grace period, container stop timeout (30 s
                                       #   default), Docker health checks of a task definition's healthCheck.
                                       #   1 = AWS's real durations.
  "pendingSeconds": 0.3,               # default 0.3; how long a new task stays PENDING before the agent starts it
  "failTasks": [                       # default []; SCRIPTED failures, only for what no real container can do here:
    {"imageContains": "crash", "reason": "exit"}   # a task whose containers' images contain "crash" stops
  ],                                   #   reason "exit": stoppedReason "Essential container in task exited",
                                       #     stopCode EssentialContainerExited, container exitCode 1
                                       #   reason "pull": stoppedReason "CannotPullContainerError: ..."
                                       #     stopCode TaskFailedToStart, no exitCode
                                       #   reason "oom": container reason
                                       #     "OutOfMemoryError: Container killed due to memory usage", exitCode 137
  "unplaceable": ["web"],              # default []; SCRIPTED: service names ("*" = every service) whose tasks
                                       #   cannot be placed even where a host has room (real placement failures
                                       #   come from the cluster's container instances, see ecs_hosts.py)
  "circuitBreaker": {"rollback": true, "threshold": 2}
                                       # default null: services whose deploymentConfiguration enables the
                                       #   deployment circuit breaker get it, with ECS's threshold (0.5 x desired
                                       #   count, within 3..200) and their own rollback flag. An object applies it
                                       #   to every service; "threshold" (optional) replaces ECS's.
}
"""

DEFAULT_BEHAVIOUR: dict[str, Any] = {
    "failTasks": [],
    "unplaceable": [],
    "circuitBreaker": None,
    "pendingSeconds": 0.3,
    "timeScale": 0.05,
}
FAILURES = {
    "exit": ("EssentialContainerExited", "Essential container in task exited", 1, None),
    "pull": (
        "TaskFailedToStart",
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {image}: "
        "not found",
        None,
        "CannotPullContainerError: failed to resolve ref {image}: not found",
    ),
    "oom": (
        "EssentialContainerExited",
        "Essential container in task exited",
        137,
        "OutOfMemoryError: Container killed due to memory usage",
    ),
}
_behaviour: dict[str, Any] = copy.deepcopy(DEFAULT_BEHAVIOUR)


def validate_behaviour(body: Any) -> dict[str, Any]:
    """Checks a control request and returns the full behaviour (defaults filled in); raises ValueError."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    unknown = set(body) - set(DEFAULT_BEHAVIOUR)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(DEFAULT_BEHAVIOUR)}")
    result = copy.deepcopy(DEFAULT_BEHAVIOUR)
    result.update(copy.deepcopy(body))
    for rule in result["failTasks"]:
        if not isinstance(rule, dict) or not isinstance(rule.get("imageContains"), str) or not rule["imageContains"]:
            raise ValueError("failTasks entries need a non-empty string imageContains")
        if rule.get("reason", "exit") not in FAILURES:
            raise ValueError(f"failTasks reason must be one of {sorted(FAILURES)}")
    if not isinstance(result["unplaceable"], list) or not all(isinstance(s, str) for s in result["unplaceable"]):
        raise ValueError("unplaceable must be a list of service names")
    breaker = result["circuitBreaker"]
    if breaker is not None and (not isinstance(breaker, dict) or set(breaker) - {"rollback", "threshold"}):
        raise ValueError("circuitBreaker must be null or {rollback: boolean, threshold: number}")
    if not isinstance(result["pendingSeconds"], (int, float)) or not 0 <= result["pendingSeconds"] <= 3600:
        raise ValueError("pendingSeconds must be a number between 0 and 3600")
    if not isinstance(result["timeScale"], (int, float)) or not 0.001 <= result["timeScale"] <= 1:
        raise ValueError("timeScale must be a number between 0.001 and 1")
    return result


def set_behaviour(body: Any) -> dict[str, Any]:
    """Replaces the behaviour controls (see BEHAVIOUR_DOC)."""
    global _behaviour
    _behaviour = validate_behaviour(body)
    return get_behaviour()


def get_behaviour() -> dict[str, Any]:
    """The current behaviour controls."""
    return copy.deepcopy(_behaviour)


def reset_behaviour() -> None:
    """Back to the defaults."""
    set_behaviour({})


def _now() -> Any:
    from moto.core.utils import utcnow

    return utcnow()

# --------------------------------------------------------------------------------------------------------------
# 8. Task resource requirements.
# moto: RunTask for a task definition whose containers have no memory of their own (Fargate style: memory only at
# task level) -> HTTP 500 (`TypeError` adding None in `_calculate_task_resource_requirements`).
# patch: containers without cpu/memory count as 0, and the task-level cpu/memory is used when larger.
# --------------------------------------------------------------------------------------------------------------
def _patch_task_resources() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    def as_int(value: Any) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    def requirements(task_definition: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"CPU": 0, "MEMORY": 0, "PORTS": [], "PORTS_UDP": []}
        for container in task_definition.container_definitions:
            result["CPU"] += as_int(container.get("cpu", container.get("Cpu")))
            memory = container.get("memory", container.get("Memory"))
            if memory is None:
                memory = container.get("memoryReservation", container.get("MemoryReservation"))
            result["MEMORY"] += as_int(memory)
            for mapping in container.get("portMappings", container.get("PortMappings", [])) or []:
                port = mapping.get("hostPort", mapping.get("HostPort"))
                if port:
                    result["PORTS"].append(port)
        result["CPU"] = max(result["CPU"], as_int(task_definition.cpu))
        result["MEMORY"] = max(result["MEMORY"], as_int(task_definition.memory))
        return result

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(requirements)  # type: ignore


# --------------------------------------------------------------------------------------------------------------
# 9. NetworkInterface.private_dns_name.
# moto: the attribute is only set when the VPC has DNS hostnames, and moto's CFN VPC ignores EnableDnsHostnames, so
# RunTask of an awsvpc task in a CFN-made VPC -> HTTP 500 (`'NetworkInterface' object has no attribute
# 'private_dns_name'`).
# patch: class default None (AWS also has no private DNS name without DNS hostnames).
# --------------------------------------------------------------------------------------------------------------
def _patch_eni_dns_name() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    NetworkInterface.private_dns_name = None  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------------------------
# 12. ECS deployments (see the module docstring) and ListTasks.
# moto: UpdateService never creates a deployment, sets runningCount to the new desiredCount on the spot, keeps the
# task definition as the string it was given (family or family:rev instead of the ARN); CreateService reports
# counts from MOTO_ECS_SERVICE_RUNNING and answers HTTP 500 to an awsvpcConfiguration without securityGroups
# (optional in ECS); ListTasks ignores serviceName and returns STOPPED tasks without asking.
# patch: CreateService starts with runningCount 0 / pendingCount 0 and one IN_PROGRESS PRIMARY deployment that the
# scheduler drives; UpdateService stores the task definition ARN, keeps the real counts, and creates a new PRIMARY
# deployment when the task definition changes or forceNewDeployment is set; ListTasks filters by serviceName (task
# group `service:<name>`) and, as in ECS, lists desiredStatus RUNNING unless another desiredStatus is asked for.
# --------------------------------------------------------------------------------------------------------------
def _deployment_id() -> str:
    return f"ecs-svc/{random.randint(10**18, 10**19 - 1)}"


def _new_deployment(service: Any, task_definition: str) -> dict[str, Any]:
    now = _now()
    deployment_id = _deployment_id()
    return {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "launchType": service.launch_type,
        "platformFamily": "Linux" if service.launch_type == "FARGATE" else None,
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
    }


def start_deployment(service: Any, task_definition: str) -> dict[str, Any]:
    """Makes a new PRIMARY deployment for `task_definition` and demotes the current PRIMARY to ACTIVE."""
    now = _now()
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
            deployment["updatedAt"] = now
    deployment = _new_deployment(service, task_definition)
    service.deployments.insert(0, deployment)
    service.task_definition = task_definition
    state = state_of(service)
    state["steady"] = False
    state["last_unable_event"] = 0.0
    return deployment


def state_of(service: Any) -> dict[str, Any]:
    if not hasattr(service, "testbed_state"):
        service.testbed_state = {"steady": False, "last_unable_event": 0.0, "next_launch": 0.0}
    return service.testbed_state


SERVICE_EXTRAS = {
    "deploymentConfiguration": "deployment_configuration",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableExecuteCommand": "enable_execute_command",
    "placementConstraints": "placement_constraints",
    "placementStrategy": "placement_strategy",
    "capacityProviderStrategy": "capacity_provider_strategy",
}


def _patch_service_extras() -> None:
    """CreateService/UpdateService through the API keep what moto drops (deploymentConfiguration with the circuit
    breaker, the health-check grace period, enableExecuteCommand, placement), as the CloudFormation path does."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    for action in ("create_service", "update_service"):
        original = getattr(EC2ContainerServiceResponse, action)

        def wrapped(self: Any, _original: Any = original) -> Any:
            result = _original(self)
            service = getattr(result, "result", {}).get("service") if hasattr(result, "result") else None
            if service is None:
                cluster = self._get_param("cluster", "default").split("/")[-1]
                name = (self._get_param("serviceName") or self._get_param("service") or "").split("/")[-1]
                service = self.ecs_backend.services.get(f"{cluster}:{name}")
            for key, attribute in SERVICE_EXTRAS.items():
                value = self._get_param(key)
                if value is not None and service is not None:
                    setattr(service, attribute, value)
            return result

        setattr(EC2ContainerServiceResponse, action, wrapped)


def _patch_service_api() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    original_create = EC2ContainerServiceBackend.create_service
    original_update = EC2ContainerServiceBackend.update_service
    original_list_tasks = EC2ContainerServiceBackend.list_tasks

    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        network = kwargs.get("network_configuration") or {}
        if isinstance(network.get("awsvpcConfiguration"), dict):
            network["awsvpcConfiguration"].setdefault("securityGroups", [])  # optional in ECS; moto: KeyError
        service = original_create(self, *args, **kwargs)
        service.running_count = 0
        service.pending_count = 0
        service.created_at = _now()
        service.events = []
        if service.deployment_controller.get("type", "ECS") == "ECS" and service.task_definition:
            service.deployments = [_new_deployment(service, service.task_definition)]
        state_of(service)
        return service

    def update_service(self: Any, properties: dict[str, Any]) -> Any:
        properties = dict(properties)
        service = self._get_service(properties.get("cluster", "default"), properties["service"].split("/")[-1])
        before_task_definition = service.task_definition
        before_desired = service.desired_count
        force = bool(properties.pop("force_new_deployment", False))
        if properties.get("task_definition"):
            properties["task_definition"] = self.describe_task_definition(properties["task_definition"]).arn
        running, pending = service.running_count, service.pending_count
        service = original_update(self, properties)
        # moto sets runningCount to the new desiredCount on the spot; the scheduler owns the counts (also the
        # cluster's, which it recomputes from the tasks every tick)
        service.running_count, service.pending_count = running, pending
        if service.task_definition != before_task_definition or force:
            start_deployment(service, service.task_definition)
        elif service.desired_count != before_desired:
            for deployment in service.deployments:
                if deployment["status"] == "PRIMARY":
                    deployment["desiredCount"] = service.desired_count
                    deployment["updatedAt"] = _now()
            state_of(service)["steady"] = False
        return service

    def list_tasks(self: Any, cluster_str: Any = None, container_instance: Any = None, family: Any = None,
                   started_by: Any = None, service_name: Any = None, desiredStatus: Any = None) -> list[Any]:
        tasks = original_list_tasks(self, cluster_str, container_instance, family, started_by, None, None)
        wanted_status = desiredStatus or "RUNNING"
        tasks = [t for t in tasks if t.desired_status == wanted_status]
        if service_name:
            name = service_name.split("/")[-1]
            tasks = [t for t in tasks if t.group == f"service:{name}"]
        return tasks

    _patch_service_extras()
    EC2ContainerServiceBackend.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.list_tasks = list_tasks  # type: ignore[method-assign]

# --------------------------------------------------------------------------------------------------------------
# 15. RunTask and StopTask run real containers.
# moto: RunTask(EC2) without container instances -> HTTP 500 (`No instances found in cluster`), places on any instance
# with room but ignores placement constraints, answers `failures: []` always and starts tasks RUNNING with nothing
# behind them; StopTask marks a task STOPPED on the spot; enableExecuteCommand is dropped.
# UpdateContainerAgent is not implemented (HTTP 500): emulated in ecs_hosts.py.
# patch: tasks are placed like service tasks (ecs_hosts.py: memory, ports, memberOf constraints; no container
# instance at all -> InvalidParameterException `No Container Instances were found in your cluster.`, no room ->
# a `RESOURCE:MEMORY` failure as ECS answers), start PENDING and run as containers (ecs_runtime.py) with the
# command/environment/cpu/memory overrides; StopTask drains load-balancer targets, sends SIGTERM, then SIGKILL after
# the stop timeout (stopCode UserInitiated), and the task is STOPPED when its containers are.
# --------------------------------------------------------------------------------------------------------------
def _patch_task_api() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    def run_task(self: Any, cluster_str: str, task_definition_str: str, count: int, overrides: Any,
                 started_by: str, tags: Any, launch_type: Any, networking_configuration: Any = None,
                 group: Any = None, platform_version: Any = None, enable_execute_command: bool = False) -> Any:
        import ecs_hosts
        import ecs_runtime
        import ecs_scheduler

        if launch_type and launch_type not in ["EC2", "FARGATE", "EXTERNAL"]:
            raise InvalidParameterException("launch type should be one of [EC2,FARGATE,EXTERNAL]")
        cluster = self._get_cluster(cluster_str)
        task_definition = self.describe_task_definition(task_definition_str)
        launch_type = launch_type or "EC2"
        behaviour = get_behaviour()
        tasks, failures = [], []
        for _ in range(count):
            container_instance = None
            if launch_type == "EC2":
                container_instance, why = ecs_hosts.place(self, cluster.name, ecs_hosts.requirements(task_definition),
                                                          list(task_definition.placement_constraints or []))
                if container_instance is None:
                    if "No Container Instances" in str(why):
                        raise InvalidParameterException("No Container Instances were found in your cluster.")
                    instances = list(self.container_instances.get(cluster.name, {}).values())
                    failures.append({"arn": instances[0].container_instance_arn if instances else cluster.arn,
                                     "reason": "RESOURCE:MEMORY" if "memory" in str(why) else "MemberOf"})
                    continue
            task = ecs_scheduler.new_task(
                self, cluster.name, task_definition, group=group or f"family:{task_definition.family}",
                launch_type=launch_type, started_by=started_by or "", network=networking_configuration,
                container_instance=container_instance, tags=tags or [], platform_version=platform_version,
                enable_execute_command=enable_execute_command, overrides=overrides or {},
            )
            ecs_runtime.launch(self, task, task_definition, behaviour, overrides or {},
                               scripted=ecs_scheduler._matching_rule(behaviour, task))
            tasks.append(task)
        self.testbed_run_task_failures = failures
        return tasks

    def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        import ecs_scheduler

        cluster = self._get_cluster(cluster_str)
        task_id = task_str.split("/")[-1]
        for arn, task in self.tasks.get(cluster.name, {}).items():
            if arn.endswith(task_id):
                if task.last_status != "STOPPED":
                    ecs_scheduler.stop_task(self, task, reason or "Task stopped by user", "UserInitiated",
                                            get_behaviour())
                return task
        raise InvalidParameterException("The referenced task was not found.")

    def run_task_response(self: Any) -> ActionResult:
        tasks = self.ecs_backend.run_task(
            self._get_param("cluster", "default"),
            self._get_param("taskDefinition"),
            self._get_int_param("count", 1),
            self._get_param("overrides"),
            self._get_param("startedBy"),
            self._get_param("tags"),
            self._get_param("launchType"),
            self._get_param("networkConfiguration"),
            self._get_param("group"),
            self._get_param("platformVersion"),
            bool(self._get_param("enableExecuteCommand", False)),
        )
        return ActionResult({"tasks": tasks, "failures": getattr(self.ecs_backend, "testbed_run_task_failures", [])})

    def update_container_agent_response(self: Any) -> ActionResult:
        import ecs_hosts

        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        wanted = str(self._get_param("containerInstance") or "").split("/")[-1]
        instance = self.ecs_backend.container_instances.get(cluster.name, {}).get(wanted)
        if instance is None:
            raise InvalidParameterException("The referenced container instance was not found.")
        ecs_hosts.start_agent_update(instance)
        return ActionResult({"containerInstance": instance})

    EC2ContainerServiceResponse.update_container_agent = update_container_agent_response  # type: ignore[attr-defined]
    EC2ContainerServiceBackend.run_task = run_task  # type: ignore[method-assign]
    EC2ContainerServiceBackend.stop_task = stop_task  # type: ignore[method-assign]
    EC2ContainerServiceResponse.run_task = run_task_response  # type: ignore[method-assign]


def apply() -> list[str]:
    """Installs patches 8, 9, 12 and 15; returns their names for the health route."""
    _patch_task_resources()
    _patch_eni_dns_name()
    _patch_service_api()
    _patch_task_api()
    return ["8 task-resource-fallback", "9 eni-private-dns-name", "12 ecs-deployments-list-tasks",
            "15 run-stop-task-containers-agent-updates"]
