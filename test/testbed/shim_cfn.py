"""CloudFormation/EC2 patches for moto 5.2.1 (test harness only; see test/testbed/README.md).

Each patch says what moto does wrong and what the patch does instead. All of them were found by running the
real Cloudlift templates against moto (shared/spec/testbed.md sections 2.1, 2.2 and 5.5). The product code never
knows about any of this: it talks to this server exactly as it would talk to AWS.
"""

import copy
import logging
import re
import secrets
from typing import Any

import yaml

log = logging.getLogger("testbed.cfn")

# Types whose every property change creates a new physical resource in AWS *and* in moto (a new task definition
# revision). Resources that reference them are updated too, so change sets list them as ResourceReference changes.
ALWAYS_REPLACED_TYPES = {"AWS::ECS::TaskDefinition"}


# --------------------------------------------------------------------------------------------------------------
# 1. YAML short-form tags.
# moto: its multi-constructor returns the raw PyYAML node list for a tag on a mapping (`UserData: !Base64` followed
# by an indented `Fn::Sub:` block, exactly what cfn-flip emits), so CreateStack fails with HTTP 500
# (`'list' object has no attribute 'encode'`). `!GetAtt A.B.C` is also split on every dot.
# patch: build mappings and sequences deeply, split `!GetAtt` only on the first dot, map `!Condition` to
# `Condition`, and install the constructor under every name moto's modules call it by.
# --------------------------------------------------------------------------------------------------------------
def yaml_tag_constructor(loader: Any, tag: str, node: Any) -> Any:
    """Converts one short-form intrinsic (`!Ref X`, `!Base64 {...}`) into its long form."""
    if tag == "!Ref":
        key = "Ref"
    elif tag == "!Condition":
        key = "Condition"
    else:
        key = f"Fn::{tag[1:]}"
    if isinstance(node, yaml.MappingNode):
        value: Any = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)
        if tag == "!GetAtt":
            value = value.split(".", 1)
    return {key: value}


def _patch_yaml() -> None:
    from moto.cloudformation import models, responses, utils

    for module in (utils, models, responses):
        module.yaml_tag_constructor = yaml_tag_constructor  # type: ignore[attr-defined]
    yaml.add_multi_constructor("", yaml_tag_constructor)


# --------------------------------------------------------------------------------------------------------------
# 2. Stub models for resource types moto's CloudFormation does not implement.
# moto: logs `No Moto CloudFormation support for <type>`, creates nothing, lists a row with empty LogicalResourceId
# and ResourceType, drops Outputs that Ref them, and answers HTTP 500 to a GetAtt on one in Outputs
# (`'NoneType' object has no attribute 'has_cfn_attr'`; Cloudlift's `CloudmapId = GetAtt Cloudmap.Id`).
# patch: a stub model per type (explicit list below, plus any other unknown `AWS::` type on demand) that has a
# plausible physical id, answers every GetAtt, and shows up in ListStackResources with its real type and
# logical id. `AWS::CloudWatch::Alarm` stubs also put the alarm into moto's CloudWatch backend (DescribeAlarms
# sees it) and delete it again with the stack.
# --------------------------------------------------------------------------------------------------------------
STUB_TYPES = {
    # type: (name property, physical id prefix)
    "AWS::CloudWatch::Alarm": ("AlarmName", ""),
    "AWS::ApplicationAutoScaling::ScalableTarget": ("", ""),
    "AWS::ApplicationAutoScaling::ScalingPolicy": ("PolicyName", ""),
    "AWS::AutoScaling::ScalingPolicy": ("", ""),
    "AWS::ECS::CapacityProvider": ("Name", ""),
    "AWS::ECS::ClusterCapacityProviderAssociations": ("", ""),
    "AWS::ServiceDiscovery::PrivateDnsNamespace": ("", "ns-"),
    "AWS::ServiceDiscovery::PublicDnsNamespace": ("", "ns-"),
    "AWS::ServiceDiscovery::HttpNamespace": ("", "ns-"),
    "AWS::ServiceDiscovery::Service": ("", "srv-"),
    "AWS::ElastiCache::SubnetGroup": ("CacheSubnetGroupName", ""),
    "AWS::EC2::SecurityGroupEgress": ("", "sgr-"),
}

_stub_classes: dict[str, type] = {}


def _stub_class(resource_type: str) -> type:
    """Returns (creating once) the stub model class for one CloudFormation type."""
    if resource_type in _stub_classes:
        return _stub_classes[resource_type]
    from moto.core.common_models import CloudFormationModel

    name_property, prefix = STUB_TYPES.get(resource_type, ("", ""))

    class StubModel(CloudFormationModel):
        __module__ = "moto.cloudformation.testbed_stubs"  # moto's metaclass files models by module name

        def __init__(self, physical_id: str, properties: dict[str, Any], account_id: str, region: str):
            self.physical_id = physical_id
            self.properties = properties
            self.account_id = account_id
            self.region_name = region

        @staticmethod
        def cloudformation_type() -> str:
            return resource_type

        @staticmethod
        def cloudformation_name_type() -> str:
            return name_property

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        @property
        def physical_resource_id(self) -> str:
            return self.physical_id

        def is_created(self) -> bool:
            return True

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            service = resource_type.split("::")[1].lower()
            known = {
                "Id": self.physical_id,
                "Arn": f"arn:aws:{service}:{self.region_name}:{self.account_id}:{self.physical_id}",
                "Name": self.properties.get("Name", self.physical_id),
                "HostedZoneId": "Z" + self.physical_id[-12:].upper(),
            }
            return known.get(attribute_name, f"{self.physical_id}-{attribute_name}")

        @classmethod
        def create_from_cloudformation_json(  # type: ignore[override]
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
        ) -> Any:
            properties = cloudformation_json.get("Properties", {}) or {}
            physical_id = f"{prefix}{secrets.token_hex(8)}" if prefix else resource_name
            if resource_type == "AWS::ElastiCache::SubnetGroup":
                physical_id = physical_id.lower()
            stub = cls(physical_id, properties, account_id, region_name)
            stub.after_change()
            return stub

        @classmethod
        def update_from_cloudformation_json(  # type: ignore[override]
            cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str,
            region_name: str,
        ) -> Any:
            original_resource.properties = cloudformation_json.get("Properties", {}) or {}
            original_resource.after_change()
            return original_resource

        @classmethod
        def delete_from_cloudformation_json(  # type: ignore[override]
            cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
        ) -> None:
            _delete_alarm(resource_type, resource_name, account_id, region_name)

        def delete(self, account_id: str, region_name: str) -> None:
            _delete_alarm(resource_type, self.physical_id, account_id, region_name)

        def after_change(self) -> None:
            if resource_type == "AWS::CloudWatch::Alarm":
                _put_alarm(self.physical_id, self.properties, self.account_id, self.region_name)

    StubModel.__name__ = "Stub" + re.sub(r"[^A-Za-z0-9]", "", resource_type)
    _stub_classes[resource_type] = StubModel
    return StubModel


def _put_alarm(name: str, p: dict[str, Any], account_id: str, region: str) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    def num(value: Any, kind: type) -> Any:
        return None if value is None else kind(value)

    cloudwatch_backends[account_id][region].put_metric_alarm(
        name=name,
        namespace=p.get("Namespace"),
        metric_name=p.get("MetricName"),
        comparison_operator=p.get("ComparisonOperator"),
        evaluation_periods=num(p.get("EvaluationPeriods"), int),
        period=num(p.get("Period"), int),
        threshold=num(p.get("Threshold"), float),
        statistic=p.get("Statistic"),
        description=p.get("AlarmDescription"),
        dimensions=[{"Name": d.get("Name"), "Value": str(d.get("Value"))} for d in p.get("Dimensions", [])],
        alarm_actions=[str(a) for a in p.get("AlarmActions", [])],
        ok_actions=[str(a) for a in p.get("OKActions", [])],
        insufficient_data_actions=[str(a) for a in p.get("InsufficientDataActions", [])],
        datapoints_to_alarm=num(p.get("DatapointsToAlarm"), int),
        unit=p.get("Unit"),
        actions_enabled=str(p.get("ActionsEnabled", True)).lower() != "false",
        treat_missing_data=p.get("TreatMissingData"),
    )


def _delete_alarm(resource_type: str, name: str, account_id: str, region: str) -> None:
    if resource_type == "AWS::CloudWatch::Alarm":
        from moto.cloudwatch.models import cloudwatch_backends

        cloudwatch_backends[account_id][region].delete_alarms([name])


def _patch_stub_models() -> None:
    from moto.cloudformation import parsing

    original = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type in STUB_TYPES:
            return _stub_class(resource_type)
        if resource_type.startswith("AWS::") and resource_type not in parsing.NULL_MODELS:
            if resource_type not in parsing.get_model_map():
                log.warning("testbed: stub model for unsupported type %s", resource_type)
                return _stub_class(resource_type)
        return original(resource_type)

    parsing.resource_class_from_type = resource_class_from_type
    for resource_type in STUB_TYPES:
        _stub_class(resource_type)
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


# --------------------------------------------------------------------------------------------------------------
# 3. Security group ingress without ports.
# moto: an inline `SecurityGroupIngress` rule with `IpProtocol: -1` and no FromPort/ToPort (Cloudlift's hosts and
# databases groups) raises `KeyError: 'FromPort'` -> HTTP 500. AWS treats the missing ports as "all" (-1).
# patch: default FromPort/ToPort to -1 before moto sees the rule (standalone SecurityGroupIngress too).
# --------------------------------------------------------------------------------------------------------------
def _patch_security_groups() -> None:
    from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupIngress

    def with_default_ports(rule: dict[str, Any]) -> dict[str, Any]:
        rule = dict(rule)
        rule.setdefault("FromPort", -1)
        rule.setdefault("ToPort", -1)
        return rule

    original_sg = SecurityGroup.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_sg(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = copy.deepcopy(cloudformation_json)
        properties = cloudformation_json.setdefault("Properties", {})
        properties["SecurityGroupIngress"] = [
            with_default_ports(rule) for rule in properties.get("SecurityGroupIngress", []) or []
        ]
        return original_sg(cls, resource_name, cloudformation_json, *args, **kwargs)

    SecurityGroup.create_from_cloudformation_json = classmethod(create_sg)  # type: ignore[method-assign]

    original_ingress = SecurityGroupIngress.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_ingress(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = copy.deepcopy(cloudformation_json)
        properties = cloudformation_json.setdefault("Properties", {})
        if str(properties.get("IpProtocol")) == "-1":
            properties.update(with_default_ports(properties))
        return original_ingress(cls, resource_name, cloudformation_json, *args, **kwargs)

    SecurityGroupIngress.create_from_cloudformation_json = classmethod(create_ingress)  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------------------------
# 4. EBS volume size.
# moto: a launch template block device `{Ebs: {VolumeType: gp3}}` without VolumeSize (Cloudlift) makes the ASG's
# instance launch fail with `MissingParameter: The request must contain the parameter size/snapshot`. AWS takes the
# size from the AMI's snapshot (30 GiB for the ECS-optimised AMI).
# patch: default the size to 30 when neither size nor snapshot is given.
# --------------------------------------------------------------------------------------------------------------
def _patch_ebs_default_size() -> None:
    from moto.ec2.models.instances import Instance

    original = Instance.add_block_device

    def add_block_device(self: Any, size: Any, device_path: str, snapshot_id: Any, *args: Any, **kwargs: Any) -> Any:
        if not size and not snapshot_id:
            size = 30
        return original(self, size, device_path, snapshot_id, *args, **kwargs)

    Instance.add_block_device = add_block_device  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------------------------
# 7. Stack updates: propagation and order.
# moto: (a) a resource that Refs/GetAtts a replaced resource is not updated (after a task definition got revision
# :4 the service still ran :3, now INACTIVE); (b) the Modify list is processed in template order (a Service before
# its new TaskDefinition); (c) a parameter referenced only through `Fn::Sub` does not mark the resource modified;
# (d) a type without update support is replaced by `None` in the resource map, so later Refs to it break.
# patch: build_resource_diff also marks (transitively) the resources referencing an ALWAYS_REPLACED_TYPES resource
# and those using a changed parameter through Sub, and orders Modify by dependencies. The update loop is rewritten:
# dependency order, and when an update gives a resource a new physical id (moto re-creates some types, e.g.
# security groups), the resources referencing it are updated as well; an unsupported update keeps the resource.
# --------------------------------------------------------------------------------------------------------------
def references(node: Any) -> set[str]:
    """Names a template fragment uses through Ref, GetAtt and Sub."""
    found: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                walk(child)
            return
        if not isinstance(item, dict):
            return
        for key, value in item.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                if isinstance(value, list) and value and isinstance(value[0], str):
                    found.add(value[0])
                elif isinstance(value, str):
                    found.add(value.split(".", 1)[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else (value[0] if isinstance(value, list) and value else "")
                if isinstance(text, str):
                    for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                        found.add(name.split(".", 1)[0])
                if isinstance(value, list) and len(value) > 1:
                    walk(value[1])
            else:
                walk(value)

    walk(node)
    return found


def _depends_on(resource: dict[str, Any]) -> set[str]:
    value = resource.get("DependsOn", [])
    return {value} if isinstance(value, str) else set(value)


def dependency_order(names: list[str], resources: dict[str, Any]) -> list[str]:
    """Sorts `names` so that every resource comes after the resources it references."""
    wanted = set(names)
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str, path: set[str]) -> None:
        if name in seen or name in path or name not in resources:
            return
        path.add(name)
        for dep in sorted((references(resources[name]) | _depends_on(resources[name])) & set(resources)):
            visit(dep, path)
        path.discard(name)
        seen.add(name)
        if name in wanted:
            ordered.append(name)

    for name in names:
        visit(name, set())
    return ordered


def _patch_resource_diff() -> None:
    from moto.cloudformation.parsing import ResourceMap

    original = ResourceMap.build_resource_diff

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: Any = None) -> dict[str, Any]:
        diff = original(self, other_template, parameters)
        old = self._resource_json_map
        new = other_template.get("Resources", {}) or {}
        modified = list(diff["Modify"])
        causes: dict[str, dict[str, set[str]]] = {}
        if parameters:
            changed = {p for p in parameters if self.input_parameters.get(p) != parameters[p]}
            for name, resource in new.items():
                used = references(resource) & changed
                if used and name in old:
                    causes.setdefault(name, {}).setdefault("ParameterReference", set()).update(used)
                    if name not in modified:
                        modified.append(name)
        frontier = [n for n in modified if new.get(n, {}).get("Type") in ALWAYS_REPLACED_TYPES]
        while frontier:
            replaced = frontier.pop()
            for name, resource in new.items():
                if name in old and replaced in references(resource):
                    causes.setdefault(name, {}).setdefault("ResourceReference", set()).add(replaced)
                    if name not in modified:
                        modified.append(name)
                        if resource.get("Type") in ALWAYS_REPLACED_TYPES:
                            frontier.append(name)
        diff["Modify"] = dependency_order(modified, new)
        diff["_causes"] = causes
        return diff

    ResourceMap.build_resource_diff = build_resource_diff  # type: ignore[method-assign]
    ResourceMap.update = _resource_map_update  # type: ignore[method-assign]


def _resource_map_update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
    from moto.cloudformation.parsing import parse_and_update_resource

    diff = self.build_resource_diff(template, parameters)
    _remove_resources(self, diff["Remove"])
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]
    for name in diff["Add"]:
        _ = self[name]  # the lazy map creates the resource on first access

    queue = list(diff["Modify"])
    done: set[str] = set()
    failures: dict[str, int] = {}
    while queue:
        name = queue.pop(0)
        if name in done:
            continue
        before = self._parsed_resources.get(name)
        try:
            after = parse_and_update_resource(
                name, self._resource_json_map[name], self, account_id=self._account_id, region_name=self._region_name
            )
        except Exception:
            failures[name] = failures.get(name, 0) + 1
            if failures[name] >= 5:
                raise
            queue.append(name)  # a dependency may not be ready yet: retry after the others
            continue
        done.add(name)
        if after is None:
            continue  # update not supported for this type: keep the existing resource
        self._parsed_resources[name] = after
        if getattr(before, "physical_resource_id", None) != getattr(after, "physical_resource_id", None):
            for dependent in dependency_order(list(self._resource_json_map), self._resource_json_map):
                uses = references(self._resource_json_map[dependent])
                if name in uses and dependent not in done and dependent not in queue:
                    queue.append(dependent)


def _remove_resources(self: Any, names: list[str]) -> None:
    pending = list(names)
    last_error: Exception | None = None
    for _ in range(5):
        for name in list(pending):
            try:
                if name in self._parsed_resources:
                    self._delete_resource(self._parsed_resources[name], self._resource_json_map[name])
                    self._parsed_resources.pop(name, None)
            except Exception as error:  # dependency violations: try again in the next pass
                last_error = error
            else:
                pending.remove(name)
        if not pending:
            return
    if last_error is not None:
        raise last_error


# --------------------------------------------------------------------------------------------------------------
# 10. Change set details.
# moto: `Changes[].ResourceChange` has only Action, LogicalResourceId and ResourceType: no PhysicalResourceId, Scope
# or Details (the reference Cloudlift crashes with `KeyError: 'Details'`), parameter-only changes give `Changes: []`,
# and executing a change set leaves the stack's outputs, parsed template and parameters as they were before.
# patch: Modify rows get PhysicalResourceId, Scope and one Detail per changed top-level property
# (`ChangeSource: DirectModification`, or `ParameterReference` / `ResourceReference` with `CausingEntity` for
# changes caused by a parameter or by a replaced resource); Remove rows get PhysicalResourceId. For task
# definitions (always replaced) Replacement is `True` and RequiresRecreation `Always`; for other types moto cannot
# know, so Replacement and RequiresRecreation are left out rather than invented. ExecuteChangeSet refreshes the
# stack's template, outputs and parameters.
# --------------------------------------------------------------------------------------------------------------
def _detail(attribute: str, name: str | None, source: str, evaluation: str, causing: str | None, always: bool) -> dict:
    target: dict[str, Any] = {"Attribute": attribute}
    if name is not None:
        target["Name"] = name
    if always:
        target["RequiresRecreation"] = "Always"
    detail: dict[str, Any] = {"Target": target, "Evaluation": evaluation, "ChangeSource": source}
    if causing is not None:
        detail["CausingEntity"] = causing
    return detail


def change_details(old: dict[str, Any], new: dict[str, Any], causes: dict[str, set[str]]) -> tuple[list, list]:
    """Details and Scope of one modified resource, computed from its old and new template JSON."""
    always = new.get("Type") in ALWAYS_REPLACED_TYPES
    details: list[dict[str, Any]] = []
    scope: list[str] = []
    old_props = old.get("Properties", {}) or {}
    new_props = new.get("Properties", {}) or {}
    for key in sorted(set(old_props) | set(new_props)):
        attribute = "Tags" if key == "Tags" else "Properties"
        if old_props.get(key) != new_props.get(key):
            details.append(_detail(attribute, key, "DirectModification", "Static", None, always))
            scope.append(attribute)
        used = references(new_props.get(key))
        for parameter in sorted(causes.get("ParameterReference", set()) & used):
            details.append(_detail(attribute, key, "ParameterReference", "Static", parameter, always))
            scope.append(attribute)
        for resource in sorted(causes.get("ResourceReference", set()) & used):
            details.append(_detail(attribute, key, "ResourceReference", "Dynamic", f"{resource}", always))
            scope.append(attribute)
    for section in ("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy"):
        if old.get(section) != new.get(section):
            details.append(_detail(section, None, "DirectModification", "Static", None, always))
            scope.append(section)
    return details, sorted(set(scope))


def _patch_change_sets() -> None:
    from moto.cloudformation.models import Change, ChangeSet, CloudFormationBackend

    def diff(self: Any) -> list[Any]:
        resource_map = self.stack.resource_map
        old = resource_map._resource_json_map
        template = self.template_dict or {}
        new = template.get("Resources", {}) or {}
        actions = resource_map.build_resource_diff(template, self.parameters)
        changes = []
        for name in actions["Add"]:
            changes.append(Change("Add", name, new[name]["Type"]))
        for name in actions["Modify"]:
            change = Change("Modify", name, new[name]["Type"])
            parsed = resource_map._parsed_resources.get(name)
            change.physical_resource_id = getattr(parsed, "physical_resource_id", None)
            details, scope = change_details(old.get(name, {}), new[name], actions["_causes"].get(name, {}))
            change.details = details
            change.scope = scope
            if new[name]["Type"] in ALWAYS_REPLACED_TYPES:
                change.replacement = "True"
            changes.append(change)
        for name in actions["Remove"]:
            change = Change("Remove", name, old[name]["Type"])
            parsed = resource_map._parsed_resources.get(name)
            change.physical_resource_id = getattr(parsed, "physical_resource_id", None)
            changes.append(change)
        return changes

    ChangeSet.diff = diff  # type: ignore[method-assign]

    original_execute = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: Any = None) -> None:
        original_execute(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = dict(change_set.parameters or {})
        stack.output_map = stack._create_output_map()

    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------------------------
# 11. UsePreviousValue on a parameter that used its Default.
# moto: `UsePreviousValue: true` for a parameter the stack got from its Default (not passed at creation) together
# with a new TemplateBody -> HTTP 500 `KeyError: '<name>'`. AWS reuses the value the stack has.
# patch: fall back to the stack's resolved parameter value.
# --------------------------------------------------------------------------------------------------------------
def _patch_use_previous_value() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    def resolve(self: Any, instance: Any, incoming_params: list[dict[str, Any]]) -> dict[str, Any]:
        resource_map = getattr(instance, "resource_map", None)
        resolved = getattr(resource_map, "resolved_parameters", {}) or {}
        result = {p["ParameterKey"]: p["ParameterValue"] for p in incoming_params if "ParameterValue" in p}
        for p in incoming_params:
            if p.get("UsePreviousValue", False):
                key = p["ParameterKey"]
                previous = instance.parameters.get(key, resolved.get(key))
                if isinstance(previous, list):
                    previous = ",".join(str(v) for v in previous)
                result[key] = previous
        return result

    CloudFormationBackend._resolve_update_parameters = resolve  # type: ignore[method-assign]


def apply() -> list[str]:
    """Installs every CloudFormation/EC2 patch; returns their names for the health route."""
    _patch_yaml()
    _patch_stub_models()
    _patch_security_groups()
    _patch_ebs_default_size()
    _patch_resource_diff()
    _patch_change_sets()
    _patch_use_previous_value()
    return [
        "1 yaml-tags",
        "2 stub-models",
        "3 sg-ingress-ports",
        "4 ebs-default-size",
        "7 update-propagation-order",
        "10 change-set-details",
        "11 use-previous-value-default",
    ]
