"""EC2 container instances and task placement, as the ECS agent and scheduler do them (test harness only).

moto places an EC2-launch-type task on any registered container instance with room, but nothing ever registers one:
an environment's Auto Scaling group launches EC2 instances that never join the cluster, so RunTask(EC2) answered
HTTP 500 and the old scheduler ran EC2 services on no host at all. Here:

* An emulated ECS agent registers every running instance of an Auto Scaling group whose launch template (in a
  CloudFormation stack of this moto) writes `ECS_CLUSTER=<cluster>` into /etc/ecs/ecs.config, in UserData or in
  cfn-init metadata, as cloudlift's and the original's environment templates do. From the same lines it takes
  `ECS_INSTANCE_ATTRIBUTES` (custom attributes such as deployment_type) and `ECS_RESERVED_MEMORY`. Registered
  memory: the instance type's memory less 10 % for the OS, less the reserved memory; CPU: 1024 per vCPU.
  Instances that are gone (terminated, scaled in) are deregistered.
* Placement of EC2 tasks: memory (each container's memoryReservation, else its memory; the task's memory if
  larger), static host ports, and `memberOf` constraints of the task definition and the service (`attribute:X ==
  Y`, `!=`, `in [..]`, `=~`); among the instances that fit, the placement strategy decides (spread by instanceId or
  an attribute such as ecs.availability-zone, counting the service's tasks; binpack by memory; services without one:
  spread by zone, then instance, as ECS), then the most free memory. When none fits, the reason is worded as ECS
  words its service event.
* Dynamic host ports (hostPort 0 in bridge mode) come from 32768..60999 per instance.
* UpdateContainerAgent (moto: not implemented, HTTP 500): a host registers with agent REGISTERED_AGENT; an update
  goes PENDING -> STAGING -> STAGED -> UPDATING -> UPDATED in about 1.5 s and leaves LATEST_AGENT; a host already on
  it answers NoUpdateAvailableException, one being updated UpdateInProgressException, as ECS does.
"""

import json
import logging
import re
from typing import Any

log = logging.getLogger("testbed.hosts")

OS_OVERHEAD = 0.10
REGISTERED_AGENT = "1.88.0"  # what a new host runs; UpdateContainerAgent brings it to LATEST_AGENT
LATEST_AGENT = "1.89.0"
AGENT_UPDATE_STEPS = (("PENDING", 0.0), ("STAGING", 0.3), ("STAGED", 0.6), ("UPDATING", 0.9), ("UPDATED", 1.5))
EPHEMERAL_PORTS = range(32768, 61000)
_CLUSTER_LINE = re.compile(r"ECS_CLUSTER=([^\s\"'\\]+)")
_ATTRIBUTES_LINE = re.compile(r"ECS_INSTANCE_ATTRIBUTES='(\{.*?\})'")
_RESERVED_LINE = re.compile(r"ECS_RESERVED_MEMORY=(\d+)")


def _texts(node: Any) -> list[str]:
    """Every string in a template fragment (Fn::Sub strings included)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in _texts(value)]
    if isinstance(node, list):
        return [text for value in node for text in _texts(value)]
    return []


def _agent_config(stack: Any, logical_id: str, resource_json: dict[str, Any]) -> dict[str, Any] | None:
    """What the agent of a host launched from this launch template would read from /etc/ecs/ecs.config."""
    text = "\n".join(_texts(resource_json.get("Metadata")) + _texts(resource_json.get("Properties")))
    match = _CLUSTER_LINE.search(text)
    if match is None:
        return None
    cluster = match.group(1)
    reference = re.fullmatch(r"\$\{([A-Za-z0-9]+)\}", cluster)
    if reference:
        try:
            model = stack.resource_map[reference.group(1)]
        except Exception:
            model = None
        cluster = getattr(model, "physical_resource_id", None) or getattr(model, "name", None) or ""
    attributes: dict[str, str] = {}
    found = _ATTRIBUTES_LINE.search(text)
    if found:
        try:
            attributes = {str(k): str(v) for k, v in json.loads(found.group(1).replace('\\"', '"')).items()}
        except ValueError:
            log.warning("testbed: unreadable ECS_INSTANCE_ATTRIBUTES in %s", logical_id)
    reserved = _RESERVED_LINE.search(text)
    return {"cluster": cluster, "attributes": attributes, "reserved": int(reserved.group(1)) if reserved else 0}


def _launch_template_configs(account: str, region: str) -> dict[str, dict[str, Any]]:
    """Launch template id -> agent configuration, for every stack of this account and region."""
    from moto.cloudformation.models import cloudformation_backends

    result: dict[str, dict[str, Any]] = {}
    for stack in list(cloudformation_backends[account][region].stacks.values()):
        if "DELETE" in str(getattr(stack, "status", "")):
            continue
        resources = (getattr(stack, "template_dict", None) or {}).get("Resources") or {}
        for logical_id, resource_json in resources.items():
            if not isinstance(resource_json, dict) or resource_json.get("Type") != "AWS::EC2::LaunchTemplate":
                continue
            config = _agent_config(stack, logical_id, resource_json)
            if config is None or not config["cluster"]:
                continue
            model = stack.resource_map._parsed_resources.get(logical_id)  # noqa: SLF001 (moto internals)
            template_id = getattr(model, "id", None)
            if template_id:
                result[template_id] = config
    return result


def _memory_of(instance_type: str, reserved: int) -> int:
    from moto.ec2.models.instance_types import INSTANCE_TYPES

    size = int(((INSTANCE_TYPES.get(instance_type) or {}).get("MemoryInfo") or {}).get("SizeInMiB", 2048))
    return max(int(size * (1 - OS_OVERHEAD)) - reserved, 0)


def _cpu_of(instance_type: str) -> int:
    from moto.ec2.models.instance_types import INSTANCE_TYPES

    return int(((INSTANCE_TYPES.get(instance_type) or {}).get("VCpuInfo") or {}).get("DefaultVCpus", 2)) * 1024


def _set_resource(resources: list[dict[str, Any]], name: str, value: int) -> None:
    for resource in resources:
        if resource.get("name") == name:
            resource["integerValue"] = value


def sync_agents(ecs_backend: Any) -> None:
    """Registers the running ASG hosts of ECS clusters, deregisters those that are gone (call under the lock)."""
    from moto.autoscaling.models import autoscaling_backends

    account, region = ecs_backend.account_id, ecs_backend.region_name
    configs = _launch_template_configs(account, region)
    wanted: dict[str, tuple[str, dict[str, Any], Any]] = {}
    if configs:
        for group in list(autoscaling_backends[account][region].autoscaling_groups.values()):
            template = getattr(group, "ec2_launch_template", None)
            config = configs.get(getattr(template, "id", None)) if template is not None else None
            if config is None or config["cluster"] not in ecs_backend.clusters:
                continue
            for state in group.instance_states:
                instance = state.instance
                if getattr(instance, "state", "") == "running" and state.lifecycle_state == "InService":
                    wanted[instance.id] = (config["cluster"], config, instance)
    registered: dict[str, Any] = {}
    for cluster_name, instances in ecs_backend.container_instances.items():
        for container_instance in list(instances.values()):
            if getattr(container_instance, "testbed_agent", False):
                registered[container_instance.ec2_instance_id] = container_instance
                if container_instance.ec2_instance_id not in wanted and container_instance.status == "ACTIVE":
                    container_instance.status = "INACTIVE"
                    container_instance.agent_connected = False
    for instance_id, (cluster_name, config, instance) in wanted.items():
        existing = registered.get(instance_id)
        if existing is not None:
            if existing.status != "ACTIVE":
                existing.status, existing.agent_connected = "ACTIVE", True
            continue
        container_instance = ecs_backend.register_container_instance(cluster_name, instance_id)
        container_instance.testbed_agent = True
        memory = _memory_of(instance.instance_type, config["reserved"])
        cpu = _cpu_of(instance.instance_type)
        for resources in (container_instance.registered_resources, container_instance.remaining_resources):
            _set_resource(resources, "MEMORY", memory)
            _set_resource(resources, "CPU", cpu)
        container_instance.attributes.update(config["attributes"])
        container_instance.version_info = {"agentVersion": REGISTERED_AGENT, "agentHash": "testbed",
                                            "dockerVersion": "DockerVersion: 20.10.24"}
        log.info("testbed: %s joined %s (%s MiB, attributes %s)", instance_id, cluster_name, memory,
                 config["attributes"])


def requirements(task_definition: Any) -> dict[str, Any]:
    """Memory (MiB), cpu units and static host ports a task needs on a host."""
    memory = 0
    cpu = 0
    ports: list[int] = []
    for container in task_definition.container_definitions:
        value = container.get("memoryReservation") or container.get("memory") or 0
        memory += int(value)
        cpu += int(container.get("cpu") or 0)
        for mapping in container.get("portMappings") or []:
            if mapping.get("hostPort"):
                ports.append(int(mapping["hostPort"]))
    try:
        memory = max(memory, int(task_definition.memory or 0))
    except (TypeError, ValueError):
        pass
    return {"memory": memory, "cpu": cpu, "ports": ports}


def _live_tasks_on(ecs_backend: Any, cluster_name: str, container_instance_arn: str) -> list[Any]:
    tasks = ecs_backend.tasks.get(cluster_name, {}).values()
    return [t for t in tasks if t.container_instance_arn == container_instance_arn and t.last_status != "STOPPED"]


def usage(ecs_backend: Any, cluster_name: str, container_instance: Any) -> dict[str, Any]:
    used = {"memory": 0, "cpu": 0, "ports": set()}
    for task in _live_tasks_on(ecs_backend, cluster_name, container_instance.container_instance_arn):
        need = getattr(task, "testbed_needs", None) or {"memory": 0, "cpu": 0, "ports": []}
        used["memory"] += need["memory"]
        used["cpu"] += need["cpu"]
        used["ports"].update(need["ports"])
        for container in task.containers:
            for binding in getattr(container, "network_bindings", None) or []:
                used["ports"].add(int(binding["hostPort"]))
    return used


def _registered(container_instance: Any, name: str) -> int:
    for resource in container_instance.registered_resources:
        if resource.get("name") == name:
            return int(resource.get("integerValue") or 0)
    return 0


def refresh_counts(ecs_backend: Any) -> None:
    """remainingResources and task counts of every container instance, from the live tasks."""
    for cluster_name, instances in ecs_backend.container_instances.items():
        for container_instance in instances.values():
            used = usage(ecs_backend, cluster_name, container_instance)
            _set_resource(container_instance.remaining_resources, "MEMORY",
                          _registered(container_instance, "MEMORY") - used["memory"])
            _set_resource(container_instance.remaining_resources, "CPU",
                          _registered(container_instance, "CPU") - used["cpu"])
            live = _live_tasks_on(ecs_backend, cluster_name, container_instance.container_instance_arn)
            container_instance.running_tasks_count = sum(1 for t in live if t.last_status == "RUNNING")
            container_instance.pending_tasks_count = sum(1 for t in live if t.last_status == "PENDING")


def _constraint_ok(expression: str, container_instance: Any) -> bool:
    match = re.fullmatch(r"\s*attribute:([\w.\-]+)\s*(==|!=|=~|!~|in|not_in)\s*(.+?)\s*", expression or "")
    if match is None:
        return True  # expressions the testbed does not model do not restrict placement (README: limits)
    name, operator, value = match.groups()
    actual = container_instance.attributes.get(name)
    if operator in ("in", "not_in"):
        options = [v.strip() for v in value.strip("[]").split(",")]
        return (actual in options) == (operator == "in")
    if operator in ("=~", "!~"):
        found = actual is not None and re.fullmatch(value.replace("*", ".*"), actual) is not None
        return found == (operator == "=~")
    return (actual == value) == (operator == "==")


SERVICE_DEFAULT_STRATEGY = [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                            {"type": "spread", "field": "instanceId"}]


def _strategy_key(ecs_backend: Any, cluster_name: str, container_instance: Any, free: int,
                  strategy: list[dict[str, Any]], group: str | None) -> tuple[Any, ...]:
    """Sort key of a fitting host under a placement strategy (smaller wins), as ECS applies them in order."""
    tasks = [t for t in ecs_backend.tasks.get(cluster_name, {}).values()
             if t.last_status != "STOPPED" and (group is None or t.group == group)]
    instances = {ci.container_instance_arn: ci for ci in ecs_backend.container_instances.get(cluster_name, {}).values()}
    key: list[Any] = []
    for item in strategy:
        kind, field = str(item.get("type", "")).lower(), str(item.get("field", ""))
        if kind == "spread" and field.lower() in ("instanceid", "host"):
            key.append(sum(1 for t in tasks if t.container_instance_arn == container_instance.container_instance_arn))
        elif kind == "spread" and field.startswith("attribute:"):
            name = field[len("attribute:"):]
            value = container_instance.attributes.get(name)
            key.append(sum(1 for t in tasks if t.container_instance_arn in instances
                           and instances[t.container_instance_arn].attributes.get(name) == value))
        elif kind == "binpack":
            key.append(free)  # the least free memory first
    key.append(-free)  # then the most free memory
    key.append(container_instance.container_instance_arn)
    return tuple(key)


def place(ecs_backend: Any, cluster_name: str, needs: dict[str, Any], constraints: list[dict[str, Any]],
          strategy: list[dict[str, Any]] | None = None, group: str | None = None) -> tuple[Any | None, str | None]:
    """(container instance, None) or (None, ECS's reason sentence) for an EC2 task. `strategy` (placementStrategy)
    orders the hosts that fit, counting the tasks of `group` (spread) or free memory (binpack)."""
    instances = [ci for ci in ecs_backend.container_instances.get(cluster_name, {}).values() if ci.status == "ACTIVE"]
    if not instances:
        return None, "Reason: No Container Instances were found in your cluster."
    closest: tuple[Any, str] | None = None
    fitting = []
    for container_instance in instances:
        if not all(_constraint_ok(c.get("expression", ""), container_instance)
                   for c in constraints if c.get("type") == "memberOf"):
            closest = closest or (container_instance, "is missing an attribute required by your task")
            continue
        used = usage(ecs_backend, cluster_name, container_instance)
        free = _registered(container_instance, "MEMORY") - used["memory"]
        if needs["memory"] > free:
            closest = (container_instance, "has insufficient memory available")
            continue
        if any(p in used["ports"] for p in needs["ports"]):
            closest = (container_instance, "is already using a port required by your task")
            continue
        fitting.append((free, container_instance))
    if fitting:
        fitting.sort(key=lambda pair: _strategy_key(ecs_backend, cluster_name, pair[1], pair[0], strategy or [], group))
        return fitting[0][1], None
    assert closest is not None
    instance_id = closest[0].container_instance_arn.split("/")[-1]
    return None, f"The closest matching (container-instance {instance_id}) {closest[1]}."


def host_port(ecs_backend: Any, cluster_name: str, container_instance: Any) -> int:
    used = usage(ecs_backend, cluster_name, container_instance)["ports"]
    for port in EPHEMERAL_PORTS:
        if port not in used:
            return port
    raise RuntimeError("no free dynamic host port")


def start_agent_update(container_instance: Any) -> None:
    """UpdateContainerAgent on one host (call under the lock); raises ECS's exceptions."""
    import time

    from moto.ecs.exceptions import ECSException

    status = getattr(container_instance, "agent_update_status", None)
    if status in ("PENDING", "STAGING", "STAGED", "UPDATING"):
        raise ECSException("UpdateInProgressException", "There is already a current agent update in progress.")
    if (container_instance.version_info or {}).get("agentVersion") == LATEST_AGENT:
        raise ECSException("NoUpdateAvailableException", "There is no update available for your container agent.")
    container_instance.agent_update_status = "PENDING"
    container_instance.testbed_update_started = time.time()


def advance_agent_updates(ecs_backend: Any) -> None:
    """Moves running agent updates along (every tick)."""
    import time

    for instances in ecs_backend.container_instances.values():
        for container_instance in instances.values():
            started = getattr(container_instance, "testbed_update_started", None)
            if started is None:
                continue
            elapsed = time.time() - started
            for status, after in AGENT_UPDATE_STEPS:
                if elapsed >= after:
                    container_instance.agent_update_status = status
            if container_instance.agent_update_status == "UPDATED":
                container_instance.version_info = {**container_instance.version_info, "agentVersion": LATEST_AGENT}
                container_instance.testbed_update_started = None
