"""CloudFormation/EC2 patches 1, 2 and 4 for moto 5.2.1: templates moto cannot create (test harness only; README).

Each patch says what moto does wrong and what the patch does instead. All of them were found by running the
real Cloudlift templates against moto (shared/spec/testbed.md sections 2.1, 2.2 and 5.5). The product code never
knows about any of this: it talks to this server exactly as it would talk to AWS.
"""

import logging
import re
import secrets
from typing import Any

import yaml

import cfn_schemas

log = logging.getLogger("testbed.cfn")


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
# 2. Resource types: stub models for the real types moto does not implement, and CloudFormation's type checks.
# moto: logs `No Moto CloudFormation support for <type>`, creates nothing, lists a row with empty LogicalResourceId
# and ResourceType, drops Outputs that Ref them, and answers HTTP 500 to a GetAtt on one in Outputs
# (`'NoneType' object has no attribute 'has_cfn_attr'`; Cloudlift's `CloudmapId = GetAtt Cloudmap.Id`). It does the
# same for a type that does not exist at all (`AWS::Foo::Bar`, a typo). It checks a GetAtt attribute only against
# what its own model implements (an attribute AWS has but the model lacks is refused, one the model answers is taken
# whatever AWS says), naming the type instead of the resource (`resource Topic does not support ...`).
# patch: a stub model per type of the explicit STUB_TYPES list (real types the Cloudlift templates, ours and the
# original's, use and moto lacks) with a plausible physical id, every GetAtt the type really has answered, and a row
# in ListStackResources with its real type and logical id; `AWS::CloudWatch::Alarm` stubs also put the alarm into
# moto's CloudWatch backend (DescribeAlarms sees it) and delete it again. CreateStack, CreateChangeSet and
# UpdateStack check the template first, as CloudFormation does, against its provider schemas (cfn_schemas.py):
# a type CloudFormation does not know -> ValidationError `Template format error: Unrecognized resource types:
# [AWS::Foo::Bar]`; `Fn::GetAtt` on a missing resource or an attribute its type does not have (stub types too) ->
# `Template error: instance of Fn::GetAtt references undefined resource X` / `Template error: resource X does not
# support attribute type Y in Fn::GetAtt`. A real type that is neither modelled by moto nor stubbed is refused
# with a testbed message naming STUB_TYPES (rather than silently created as nothing).
# --------------------------------------------------------------------------------------------------------------
STUB_TYPES = {
    # type: (name property, physical id prefix)
    # alarms of both templates (cluster CPU/memory, service CPU/memory/no-tasks, ALB 5xx/unhealthy/rejected)
    "AWS::CloudWatch::Alarm": ("AlarmName", ""),
    # service autoscaling (autoscaling option of service templates)
    "AWS::ApplicationAutoScaling::ScalableTarget": ("", ""),
    "AWS::ApplicationAutoScaling::ScalingPolicy": ("PolicyName", ""),
    # cluster fleet scaling policies (environment template)
    "AWS::AutoScaling::ScalingPolicy": ("", ""),
    # ECS capacity providers (Fargate/EC2 capacity of an environment)
    "AWS::ECS::CapacityProvider": ("Name", ""),
    "AWS::ECS::ClusterCapacityProviderAssociations": ("", ""),
    # Cloud Map: the environment's namespace (`CloudmapId` output) and the services' registries (metrics ports)
    "AWS::ServiceDiscovery::PrivateDnsNamespace": ("", "ns-"),
    "AWS::ServiceDiscovery::PublicDnsNamespace": ("", "ns-"),
    "AWS::ServiceDiscovery::HttpNamespace": ("", "ns-"),
    "AWS::ServiceDiscovery::Service": ("", "srv-"),
    # the environment's cache subnet group
    "AWS::ElastiCache::SubnetGroup": ("CacheSubnetGroupName", ""),
    # standalone egress rules (security groups of hand-written test templates)
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
        return original(resource_type)

    parsing.resource_class_from_type = resource_class_from_type
    for resource_type in STUB_TYPES:
        _stub_class(resource_type)
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


def _get_atts(node: Any) -> list[tuple[str, Any]]:
    """Every `Fn::GetAtt` [resource, attribute] pair in a template fragment (attributes may be intrinsics)."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, list):
        for child in node:
            found.extend(_get_atts(child))
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::GetAtt":
                pair = value.split(".", 1) if isinstance(value, str) else value
                if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str):
                    found.append((pair[0], pair[1]))
                found.extend(_get_atts(value))
            else:
                found.extend(_get_atts(value))
    return found


def check_template(template: dict[str, Any], region: str) -> None:
    """Refuses what CloudFormation refuses before creating anything: unknown types, bad Fn::GetAtt (patch 2)."""
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import ValidationError

    resources = template.get("Resources") or {}
    if not isinstance(resources, dict):
        return
    types = [str(r.get("Type")) for r in resources.values() if isinstance(r, dict) and r.get("Type") is not None]
    unknown = list(dict.fromkeys(t for t in types if not cfn_schemas.is_known_type(region, t)))
    if unknown:
        raise ValidationError(message=f"Template format error: Unrecognized resource types: [{', '.join(unknown)}]")
    unmodelled = sorted(
        t for t in set(types)
        if t.startswith("AWS::") and t not in STUB_TYPES and t not in parsing.NULL_MODELS
        and t != "AWS::CloudFormation::CustomResource" and t not in parsing.get_model_map()
    )
    if unmodelled:
        raise ValidationError(
            message=f"testbed: moto does not implement {', '.join(unmodelled)} (real CloudFormation types): add them "
            "to STUB_TYPES in test/testbed/shim_cfn.py (patch 2) if a template under test needs them"
        )
    sections = [resources, template.get("Outputs") or {}]
    for name, attribute in _get_atts(sections):
        resource = resources.get(name)
        if not isinstance(resource, dict):
            raise ValidationError(
                message=f"Template error: instance of Fn::GetAtt references undefined resource {name}"
            )
        if isinstance(attribute, str) and not cfn_schemas.supports_attribute(region, str(resource.get("Type")),
                                                                            attribute):
            raise ValidationError(
                message=f"Template error: resource {name} does not support attribute type {attribute} in Fn::GetAtt"
            )


def _patch_template_checks() -> None:
    from moto.cloudformation.models import CloudFormationBackend, Stack

    def checked(method: Any, template_arg: str, position: int) -> Any:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            template = kwargs.get(template_arg, args[position] if len(args) > position else None)
            if isinstance(template, str) and template:
                parsed = Stack.parse_template(template)
                if isinstance(parsed, dict):
                    check_template(parsed, self.region_name)
            return method(self, *args, **kwargs)

        return wrapper

    CloudFormationBackend.create_stack = checked(CloudFormationBackend.create_stack, "template", 1)
    CloudFormationBackend.create_change_set = checked(CloudFormationBackend.create_change_set, "template", 2)
    CloudFormationBackend.update_stack = checked(CloudFormationBackend.update_stack, "template", 1)


# 3. Security groups: shim_ec2_cfn.py.


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


def apply() -> list[str]:
    """Installs patches 1, 2 and 4; returns their names for the health route."""
    _patch_yaml()
    _patch_stub_models()
    _patch_template_checks()
    _patch_ebs_default_size()
    cfn_schemas.warm_up()
    return ["1 yaml-tags", "2 stub-models", "4 ebs-default-size"]
