"""CloudFormation/EC2 patches 1-4 for moto 5.2.1: templates moto cannot create (test harness only; README).

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


def apply() -> list[str]:
    """Installs patches 1-4; returns their names for the health route."""
    _patch_yaml()
    _patch_stub_models()
    _patch_security_groups()
    _patch_ebs_default_size()
    return ["1 yaml-tags", "2 stub-models", "3 sg-ingress-ports", "4 ebs-default-size"]
