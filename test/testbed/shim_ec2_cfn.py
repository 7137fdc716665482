"""Security group patch 3 for moto 5.2.1: groups and ingress rules made by CloudFormation (test harness only; README).

What moto does wrong and what the patch does instead, found by running the Cloudlift templates against moto
(shared/spec/testbed.md 2.1) and by updating them (issue #12). The product never knows about any of this.
"""

import copy
from typing import Any


# --------------------------------------------------------------------------------------------------------------
# 3. Security groups and ingress rules.
# moto: (a) an inline `SecurityGroupIngress` rule with `IpProtocol: -1` and no FromPort/ToPort (Cloudlift's hosts and
# databases groups) raises `KeyError: 'FromPort'` -> HTTP 500; AWS treats the missing ports as "all" (-1).
# (b) a standalone `AWS::EC2::SecurityGroupIngress` has no physical id (ListStackResources shows none; AWS shows the
# rule id `sgr-...`) and cannot be deleted: removing it from the template, replacing it or deleting the stack leaves
# the rule in the group. (c) Any update of an `AWS::EC2::SecurityGroup` deletes the group and creates another one (a
# new `sg-...` id, every rule that standalone ingress resources added to it lost), where AWS changes the inline
# rules and tags in place (it replaces a group only when GroupName, GroupDescription or VpcId change, which patch 7
# does).
# patch: (a) default FromPort/ToPort to -1 before moto sees the rule (standalone rules too); (b) the rules a
# standalone ingress authorized are its physical id (the first `sgr-...`) and `delete` revokes them; (c) update in
# place: revoke the inline rules the old template had and the new one has not, authorize the new ones, replace the
# user tags (inline SecurityGroupEgress stays ignored, as moto ignores it on create).
# --------------------------------------------------------------------------------------------------------------
def with_default_ports(rule: dict[str, Any]) -> dict[str, Any]:
    """An ingress rule with FromPort/ToPort -1 when it gives none."""
    rule = dict(rule)
    rule.setdefault("FromPort", -1)
    rule.setdefault("ToPort", -1)
    return rule


def _rule_arguments(rule: dict[str, Any]) -> dict[str, Any]:
    """authorize/revoke_security_group_ingress arguments for one inline rule of the template."""
    source: dict[str, str] = {}
    if rule.get("SourceSecurityGroupId"):
        source["GroupId"] = str(rule["SourceSecurityGroupId"])
    if rule.get("SourceSecurityGroupName"):
        source["GroupName"] = str(rule["SourceSecurityGroupName"])
    return {
        "ip_protocol": str(rule["IpProtocol"]),
        "from_port": rule["FromPort"],
        "to_port": rule["ToPort"],
        "ip_ranges": [{"CidrIp": str(rule["CidrIp"])}] if rule.get("CidrIp") else [],
        "source_groups": [source] if source else [],
    }


def _patch_security_group() -> None:
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.security_groups import SecurityGroup

    original_create = SecurityGroup.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = copy.deepcopy(cloudformation_json)
        properties = cloudformation_json.setdefault("Properties", {})
        rules = [with_default_ports(rule) for rule in properties.get("SecurityGroupIngress", []) or []]
        properties["SecurityGroupIngress"] = rules
        group = original_create(cls, resource_name, cloudformation_json, *args, **kwargs)
        group.testbed_cfn_ingress = rules
        return group

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str,
               region_name: str) -> Any:
        backend = ec2_backends[account_id][region_name]
        group = original_resource
        properties = cloudformation_json.get("Properties", {}) or {}
        rules = [with_default_ports(rule) for rule in properties.get("SecurityGroupIngress", []) or []]
        before = getattr(group, "testbed_cfn_ingress", [])
        for rule in before:
            if rule not in rules:
                try:
                    backend.revoke_security_group_ingress(group.id, **_rule_arguments(rule), vpc_id=group.vpc_id)
                except Exception:  # noqa: BLE001 - already gone (revoked by hand): nothing to revoke
                    pass
        for rule in rules:
            if rule not in before:
                backend.authorize_security_group_ingress(group.id, **_rule_arguments(rule), vpc_id=group.vpc_id)
        group.testbed_cfn_ingress = rules
        stale = {tag["key"]: tag["value"] for tag in group.get_tags() if not tag["key"].startswith("aws:")}
        if stale:
            backend.delete_tags([group.id], stale)
        for tag in properties.get("Tags", []) or []:
            group.add_tag(tag["Key"], tag["Value"])
        return group

    SecurityGroup.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign]
    SecurityGroup.update_from_cloudformation_json = classmethod(update)  # type: ignore[method-assign]


def _patch_ingress() -> None:
    import secrets

    from moto.ec2.models import ec2_backends
    from moto.ec2.models.security_groups import SecurityGroupIngress

    original_create = SecurityGroupIngress.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
               *args: Any, **kwargs: Any) -> Any:
        cloudformation_json = copy.deepcopy(cloudformation_json)
        properties = cloudformation_json.setdefault("Properties", {})
        if str(properties.get("IpProtocol")) == "-1":
            properties.update(with_default_ports(properties))
        backend = ec2_backends[account_id][region_name]
        group = backend.get_security_group_by_name_or_id(properties.get("GroupId") or properties.get("GroupName"))
        before = {rule.id for rule in group.ingress_rules} if group is not None else set()
        ingress = original_create(cls, resource_name, cloudformation_json, account_id, region_name, *args, **kwargs)
        ingress.rule_ids = [rule.id for rule in ingress.security_group.ingress_rules if rule.id not in before]
        ingress.account_id, ingress.region_name = account_id, region_name
        return ingress

    def physical_resource_id(self: Any) -> str:
        if not getattr(self, "rule_ids", None):
            self.rule_ids = [f"sgr-{secrets.token_hex(8)}"]
        return self.rule_ids[0]

    def delete(self: Any, account_id: str, region_name: str) -> None:
        group = self.security_group
        keep = [rule for rule in group.ingress_rules if rule.id not in set(getattr(self, "rule_ids", []))]
        group.ingress_rules = keep

    SecurityGroupIngress.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign]
    SecurityGroupIngress.physical_resource_id = property(physical_resource_id)  # type: ignore[attr-defined]
    SecurityGroupIngress.delete = delete  # type: ignore[attr-defined]


def apply() -> list[str]:
    """Installs patch 3; returns its name for the health route."""
    _patch_security_group()
    _patch_ingress()
    return ["3 security-groups"]
