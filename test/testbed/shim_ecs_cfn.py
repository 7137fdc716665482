"""ECS patches 5 and 6 for moto 5.2.1: task definitions and services made by CloudFormation (test harness only).

Each patch says what moto does wrong and what the patch does instead (shared/spec/testbed.md 2.1, 5.5).
"""

import copy
import random
from typing import Any

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


def apply() -> list[str]:
    """Installs patches 5 and 6; returns their names for the health route."""
    _patch_task_definition_cfn()
    _patch_service_cfn()
    return ["5 cfn-task-definition-properties", "6 cfn-service-properties"]
