"""Which resources a stack update modifies and replaces, as CloudFormation decides it (test harness only; README 7, 10).

Pure planning over two template `Resources` maps, used by shim_stack_updates.py for change sets (patch 10) and for
executing updates (patch 7). The rules are CloudFormation's (API reference: ResourceChange.Replacement,
ResourceChangeDetail, ResourceTargetDefinition):

- a detail's `Target.RequiresRecreation` is the property's own update behaviour from the provider schema
  (cfn_schemas.recreation: `Always` / `Conditionally` / `Never`);
- `Evaluation` is `Static` for a change the template shows (DirectModification, or a changed parameter:
  ParameterReference), `Dynamic` for a value that changes only because a referenced resource may be replaced
  (ResourceReference for `Ref` / `${X}`, ResourceAttribute for `Fn::GetAtt` / `${X.Attr}`, CausingEntity `X` or
  `X.Attr`);
- `Replacement` is `True` when a detail is Always and Static, `Conditional` when one is Always and Dynamic or
  Conditionally, else `False` (absent for a type without a schema: custom resources);
- every resource whose Replacement is True or Conditional may get a new physical id, so the resources that
  reference it are modified too (transitively), with Dynamic details.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import cfn_schemas

SECTIONS = ("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy")


def reference_entities(node: Any) -> list[tuple[str, str, str]]:
    """(ChangeSource, name, CausingEntity) of every Ref, GetAtt and Sub variable in a template fragment."""
    found: list[tuple[str, str, str]] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                walk(child)
            return
        if not isinstance(item, dict):
            return
        for key, value in item.items():
            if key == "Ref" and isinstance(value, str):
                found.append(("ResourceReference", value, value))
            elif key == "Fn::GetAtt":
                pair = value.split(".", 1) if isinstance(value, str) else value
                if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str):
                    attribute = pair[1] if isinstance(pair[1], str) else "*"
                    found.append(("ResourceAttribute", pair[0], f"{pair[0]}.{attribute}"))
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else (value[0] if isinstance(value, list) and value else "")
                if isinstance(text, str):
                    for variable in re.findall(r"\$\{([^!}][^}]*)\}", text):
                        name = variable.split(".", 1)[0]
                        source = "ResourceAttribute" if "." in variable else "ResourceReference"
                        found.append((source, name, variable))
                if isinstance(value, list) and len(value) > 1:
                    walk(value[1])
            else:
                walk(value)

    walk(node)
    return found


def references(node: Any) -> set[str]:
    """Names a template fragment uses through Ref, GetAtt and Sub."""
    return {name for _, name, _ in reference_entities(node)}


@dataclass
class Plan:
    """What an update does to one resource that stays in the template."""

    details: list[dict[str, Any]] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    #: "True", "Conditional", "False", or None (no schema: CloudFormation's answer is unknown here).
    replacement: str | None = "False"
    #: Resources whose replacement forces this one's (an Always property references them).
    forced_by: set[str] = field(default_factory=set)

    @property
    def static_replacement(self) -> bool:
        return self.replacement == "True"


def _detail(attribute: str, name: str | None, recreation: str | None, evaluation: str, source: str,
            causing: str | None) -> dict[str, Any]:
    target: dict[str, Any] = {"Attribute": attribute}
    if name is not None:
        target["Name"] = name
    if recreation is not None:
        target["RequiresRecreation"] = recreation
    detail: dict[str, Any] = {"Target": target, "Evaluation": evaluation, "ChangeSource": source}
    if causing is not None:
        detail["CausingEntity"] = causing
    return detail


def plan_resource(region: str, old: dict[str, Any], new: dict[str, Any], changed_parameters: set[str],
                  replaced: set[str]) -> Plan:
    """Details, Scope and Replacement of one resource; `replaced`: resources that may get a new physical id."""
    resource_type = str(new.get("Type"))
    has_schema = cfn_schemas.provider_schema(region, resource_type) is not None
    plan = Plan()
    old_props = old.get("Properties", {}) or {}
    new_props = new.get("Properties", {}) or {}
    for key in sorted(set(old_props) | set(new_props)):
        attribute = "Tags" if key == "Tags" else "Properties"
        before, after = old_props.get(key), new_props.get(key)
        own = cfn_schemas.recreation(region, resource_type, key, static=False)
        if before != after:
            level = cfn_schemas.recreation(region, resource_type, key, before, after)
            plan.details.append(_detail(attribute, key, level, "Static", "DirectModification", None))
        entities = reference_entities(after)
        for parameter in sorted({name for _, name, _ in entities} & changed_parameters):
            plan.details.append(_detail(attribute, key, own, "Static", "ParameterReference", parameter))
        seen: set[str] = set()
        for source, name, causing in entities:
            if name in replaced and causing not in seen:
                seen.add(causing)
                plan.details.append(_detail(attribute, key, own, "Dynamic", source, causing))
                if own == cfn_schemas.ALWAYS:
                    plan.forced_by.add(name)
    for section in SECTIONS:
        if old.get(section) != new.get(section):
            never = cfn_schemas.NEVER if has_schema else None
            plan.details.append(_detail(section, None, never, "Static", "DirectModification", None))
    plan.scope = sorted({d["Target"]["Attribute"] for d in plan.details})
    if not has_schema:
        plan.replacement = None
    elif any(_is(d, cfn_schemas.ALWAYS, "Static") for d in plan.details):
        plan.replacement = "True"
    elif any(_is(d, cfn_schemas.ALWAYS, "Dynamic") or _is(d, cfn_schemas.CONDITIONALLY) for d in plan.details):
        plan.replacement = "Conditional"
    return plan


def _is(detail: dict[str, Any], recreation: str, evaluation: str | None = None) -> bool:
    return detail["Target"].get("RequiresRecreation") == recreation and (
        evaluation is None or detail["Evaluation"] == evaluation
    )


def plan_update(region: str, old: dict[str, Any], new: dict[str, Any], modified: list[str],
                changed_parameters: set[str]) -> dict[str, Plan]:
    """Plans of the modified resources plus every resource that references one that may be replaced."""
    plans = {name: plan_resource(region, old[name], new[name], changed_parameters, set()) for name in modified
             if name in old and name in new}
    replaced = {name for name, plan in plans.items() if plan.replacement in ("True", "Conditional")}
    frontier = sorted(replaced)
    while frontier:
        cause = frontier.pop()
        for name, resource in new.items():
            if name not in old or name == cause or cause not in references(resource):
                continue
            plan = plan_resource(region, old[name], resource, changed_parameters, replaced)
            plans[name] = plan
            if plan.replacement in ("True", "Conditional") and name not in replaced:
                replaced.add(name)
                frontier.append(name)
    return plans


def certain_replacements(plans: dict[str, Plan]) -> set[str]:
    """The resources an execution replaces: Replacement True, and those an Always property ties to one of them.

    Conditional ones caused by `Conditionally` properties (documented as "some interruptions or replacement") are
    updated in place.
    """
    certain = {name for name, plan in plans.items() if plan.static_replacement}
    grew = True
    while grew:
        grew = False
        for name, plan in plans.items():
            if name not in certain and plan.forced_by & certain:
                certain.add(name)
                grew = True
    return certain
