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
  "failTasks": [                       # default []
    {"imageContains": "crash", "reason": "exit"}   # a task whose containers' images contain "crash" stops
  ],                                   #   reason "exit": stoppedReason "Essential container in task exited",
                                       #     stopCode EssentialContainerExited, container exitCode 1
                                       #   reason "pull": stoppedReason "CannotPullContainerError: ..."
                                       #     stopCode TaskFailedToStart, no exitCode
                                       #   reason "oom": stoppedReason
                                       #     "OutOfMemoryError: Container killed due to memory usage", exitCode 137
  "unplaceable": ["web"],              # default []; service names ("*" = every service) whose tasks cannot be
                                       #   placed: no task starts and the service gets the event
                                       #   "(service web) was unable to place a task because no container
                                       #    instance met all of its requirements." (repeated every 10 s)
  "circuitBreaker": {"rollback": true, "threshold": 2},
                                       # default null; after `threshold` failed tasks in the PRIMARY deployment,
                                       #   its rolloutState becomes FAILED; with rollback the task definition of
                                       #   the last COMPLETED deployment becomes PRIMARY again (as a new
                                       #   deployment) and the service's taskDefinition goes back to it. A service whose own
                                       #   deploymentConfiguration.deploymentCircuitBreaker.enable is true gets
                                       #   the same behaviour (threshold 3, its own rollback flag).
  "pendingSeconds": 0.5                # default 0.5; how long a new task stays PENDING before RUNNING/failing
}
"""

DEFAULT_BEHAVIOUR: dict[str, Any] = {"failTasks": [], "unplaceable": [], "circuitBreaker": None, "pendingSeconds": 0.5}
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
        "OutOfMemoryError: Container killed due to memory usage",
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
    if not isinstance(result["pendingSeconds"], (int, float)) or not 0 <= result["pendingSeconds"] <= 60:
        raise ValueError("pendingSeconds must be a number between 0 and 60")
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
# 5. TaskDefinition properties from CloudFormation.
# moto: CFN-created task definitions keep only Family, ContainerDefinitions, Volumes (name only) and Memory:
# NetworkMode comes back `bridge`, requiresCompatibilities/cpu/taskRoleArn/executionRoleArn None, EFS volume
# configuration dropped; an update compares camelCase with PascalCase, so it always registers a revision whose
# container definitions keep PascalCase keys.
# patch: pass NetworkMode, RequiresCompatibilities, Cpu, Memory, TaskRoleArn, ExecutionRoleArn, PlacementConstraints
# and Tags, convert keys to the API's camelCase (not inside Options / DockerLabels; EFSVolumeConfiguration ->
# efsVolumeConfiguration, FilesystemId -> fileSystemId, IAM -> iam), and register a new revision on every update
# (task definitions are immutable in ECS; CFN replaces them) and deregister the old one.
# --------------------------------------------------------------------------------------------------------------
SPECIAL_KEYS = {"EFSVolumeConfiguration": "efsVolumeConfiguration", "FilesystemId": "fileSystemId", "IAM": "iam"}
VERBATIM_CHILDREN = {"Options", "DockerLabels", "options", "dockerLabels"}
INTEGER_KEYS = {"cpu", "memory", "memoryReservation", "containerPort", "hostPort", "softLimit", "hardLimit"}


def api_keys(node: Any) -> Any:
    """Converts CloudFormation PascalCase keys into ECS API camelCase, recursively."""
    if isinstance(node, list):
        return [api_keys(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        new_key = SPECIAL_KEYS.get(key, key[:1].lower() + key[1:])
        if key in VERBATIM_CHILDREN:
            result[new_key] = copy.deepcopy(value)
        else:
            converted = api_keys(value)
            if new_key in INTEGER_KEYS and isinstance(converted, str) and converted.isdigit():
                converted = int(converted)
            result[new_key] = converted
    return result


def _tags(cfn_tags: Any) -> list[dict[str, str]]:
    return [{"key": str(t.get("Key")), "value": str(t.get("Value"))} for t in (cfn_tags or [])]


def _register_from_cfn(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
    from moto.ecs.models import ecs_backends

    def opt_str(value: Any) -> Any:
        return None if value is None else str(value)

    backend = ecs_backends[account_id][region_name]
    return backend.register_task_definition(
        family=properties.get("Family") or f"task-definition-{random.randint(0, 10**6)}",
        container_definitions=api_keys(properties.get("ContainerDefinitions", [])),
        volumes=api_keys(properties.get("Volumes", [])),
        network_mode=properties.get("NetworkMode"),
        tags=_tags(properties.get("Tags")),
        placement_constraints=api_keys(properties.get("PlacementConstraints")),
        requires_compatibilities=properties.get("RequiresCompatibilities"),
        cpu=opt_str(properties.get("Cpu")),
        memory=opt_str(properties.get("Memory")),
        task_role_arn=properties.get("TaskRoleArn"),
        execution_role_arn=properties.get("ExecutionRoleArn"),
    )


def _patch_task_definition_cfn() -> None:
    from moto.ecs.models import TaskDefinition, ecs_backends

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
               **kwargs: Any) -> Any:
        return _register_from_cfn(cloudformation_json["Properties"], account_id, region_name)

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
               account_id: str, region_name: str) -> Any:
        replacement = _register_from_cfn(cloudformation_json["Properties"], account_id, region_name)
        ecs_backends[account_id][region_name].deregister_task_definition(original_resource.arn)
        return replacement

    TaskDefinition.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign]
    TaskDefinition.update_from_cloudformation_json = classmethod(update)  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------------------------
# 6. Service properties from CloudFormation.
# moto: a CFN-created service keeps only Cluster, TaskDefinition (as the family name) and DesiredCount: launch type
# EC2 for a FARGATE service, no load balancers, network configuration, role, tags, service registries, placement or
# deployment configuration. A stack update always re-sends the template's TaskDefinition and DesiredCount, which
# would roll a service back from the revision `deploy` registered to the template's one.
# patch: pass LaunchType, LoadBalancers, NetworkConfiguration, Role (as an ARN), Tags, ServiceRegistries,
# PlacementConstraints/Strategies, DeploymentConfiguration, HealthCheckGracePeriodSeconds and the task definition
# ARN; on update send TaskDefinition / DesiredCount only when the template's value changed (what CFN does).
# --------------------------------------------------------------------------------------------------------------
def _cluster_name(value: Any) -> str:
    return value.name if hasattr(value, "name") and not isinstance(value, str) else str(value).split("/")[-1]


def _task_definition_arn(backend: Any, value: Any) -> str:
    if hasattr(value, "arn") and not isinstance(value, str):
        return value.arn
    return backend.describe_task_definition(str(value)).arn


def _service_extras(service: Any, properties: dict[str, Any]) -> None:
    extras = {
        "placement_constraints": api_keys(properties.get("PlacementConstraints")),
        "placement_strategy": api_keys(properties.get("PlacementStrategies")),
        "deployment_configuration": api_keys(properties.get("DeploymentConfiguration")),
        "health_check_grace_period_seconds": properties.get("HealthCheckGracePeriodSeconds"),
        "enable_execute_command": properties.get("EnableExecuteCommand"),
    }
    for attribute, value in extras.items():
        if value is not None:
            setattr(service, attribute, value)


def _patch_service_cfn() -> None:
    from moto.ecs.models import Service, ecs_backends

    def role_arn(value: Any, account_id: str) -> Any:
        if value is None or str(value).startswith("arn:"):
            return value
        return f"arn:aws:iam::{account_id}:role/{value}"

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
               **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ecs_backends[account_id][region_name]
        task_definition = _task_definition_arn(backend, properties["TaskDefinition"])
        desired = int(properties.get("DesiredCount", 1))
        service = backend.create_service(
            _cluster_name(properties.get("Cluster", "default")),
            properties.get("ServiceName") or resource_name,
            desired,
            task_definition_str=task_definition,
            load_balancers=api_keys(properties.get("LoadBalancers", [])),
            scheduling_strategy=properties.get("SchedulingStrategy"),
            tags=_tags(properties.get("Tags")),
            deployment_controller=api_keys(properties.get("DeploymentController")),
            launch_type=properties.get("LaunchType"),
            service_registries=api_keys(properties.get("ServiceRegistries")),
            platform_version=properties.get("PlatformVersion"),
            propagate_tags=properties.get("PropagateTags", "NONE"),
            network_configuration=api_keys(properties.get("NetworkConfiguration")),
            role_arn=role_arn(properties.get("Role"), account_id),
        )
        _service_extras(service, properties)
        service.testbed_cfn_values = {"task_definition": task_definition, "desired_count": desired}
        return service

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
               account_id: str, region_name: str) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ecs_backends[account_id][region_name]
        cluster = _cluster_name(properties.get("Cluster", "default"))
        if cluster != original_resource.cluster_name:
            backend.delete_service(original_resource.cluster_name, original_resource.name, force=True)
            return create(cls, new_resource_name, cloudformation_json, account_id, region_name)
        previous = getattr(original_resource, "testbed_cfn_values", {})
        task_definition = _task_definition_arn(backend, properties["TaskDefinition"])
        desired = int(properties.get("DesiredCount", 1))
        change: dict[str, Any] = {"cluster": cluster, "service": original_resource.name}
        if task_definition != previous.get("task_definition"):
            change["task_definition"] = task_definition
        if desired != previous.get("desired_count"):
            change["desired_count"] = desired
        for attribute, key in (("load_balancers", "LoadBalancers"), ("network_configuration", "NetworkConfiguration"),
                               ("service_registries", "ServiceRegistries")):
            if key in properties:
                change[attribute] = api_keys(properties[key])
        if "Role" in properties:
            change["role_arn"] = role_arn(properties["Role"], account_id)
        service = backend.update_service(change)
        _service_extras(service, properties)
        service.testbed_cfn_values = {"task_definition": task_definition, "desired_count": desired}
        return service

    Service.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign]
    Service.update_from_cloudformation_json = classmethod(update)  # type: ignore[method-assign]


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

    EC2ContainerServiceBackend.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.list_tasks = list_tasks  # type: ignore[method-assign]


def apply() -> list[str]:
    """Installs every ECS patch; returns their names for the health route."""
    _patch_task_definition_cfn()
    _patch_service_cfn()
    _patch_task_resources()
    _patch_eni_dns_name()
    _patch_service_api()
    return [
        "5 cfn-task-definition-properties",
        "6 cfn-service-properties",
        "8 task-resource-fallback",
        "9 eni-private-dns-name",
        "12 ecs-deployments-list-tasks",
    ]

