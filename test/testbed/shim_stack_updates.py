"""CloudFormation patches 7, 10, 11 for moto 5.2.1: stack updates and change sets (test harness only; README).

Each patch says what moto does wrong and what the patch does instead (found by running the real Cloudlift flows
against moto, shared/spec/testbed.md 2.2 and 5.5, and issue #12). The product never knows about any of this. Which
resources an update modifies and replaces is planned by cfn_replacement.py from CloudFormation's provider schemas.
"""

import logging
from typing import Any

from cfn_replacement import Plan, certain_replacements, plan_resource, plan_update, references

log = logging.getLogger("testbed.stack_updates")


# --------------------------------------------------------------------------------------------------------------
# 7. Stack updates: propagation, order and replacement.
# moto: (a) a resource that Refs/GetAtts a replaced resource is not updated (after a task definition got revision
# :4 the service still ran :3, now INACTIVE); (b) the Modify list is processed in template order (a Service before
# its new TaskDefinition); (c) a parameter referenced only through `Fn::Sub` does not mark the resource modified;
# (d) a type without update support is replaced by `None` in the resource map, so later Refs to it break; (e) a
# change to a create-only property (CloudFormation replaces the resource: a new physical id, the old one deleted
# after the update) is applied in place or not at all: a target group keeps its old port, a load balancer its old
# scheme, an ingress rule its old port, a listener stays on the old load balancer; (f) a replacement of a resource
# whose custom name (GroupName, Name, ...) stays the same goes ahead, where CloudFormation refuses it.
# patch: build_resource_diff plans the update with cfn_replacement.plan_update (Sub parameters; transitive
# propagation from every resource that may be replaced) and orders Modify by dependencies. The update loop is
# rewritten: dependency order; a resource CloudFormation replaces (a create-only property changed, or it refers
# through a create-only property to a replaced one) is created anew and the old one deleted once everything else
# is updated (services, task definitions, target groups, listeners, rules, ingress rules deleted by the testbed
# where moto cannot); when moto's own update gives a resource a new physical id, the resources referencing it are
# updated (or replaced) as well; an unsupported update keeps the resource. A replacement whose custom name does not
# change fails with ValidationError `CloudFormation cannot update a stack when a custom-named resource requires
# replacing. Rename <name> and update the stack again.` (AWS fails the update, then rolls back, with that reason),
# before anything changes when the templates decide it (a replacement only moto's own update causes fails there).
# --------------------------------------------------------------------------------------------------------------
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


def _changed_parameters(resource_map: Any, parameters: Any) -> set[str]:
    if not parameters:
        return set()
    return {p for p in parameters if resource_map.input_parameters.get(p) != parameters[p]}


def _patch_resource_diff() -> None:
    from moto.cloudformation.parsing import ResourceMap

    original = ResourceMap.build_resource_diff

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: Any = None) -> dict[str, Any]:
        diff = original(self, other_template, parameters)
        old = self._resource_json_map
        new = other_template.get("Resources", {}) or {}
        changed = _changed_parameters(self, parameters)
        modified = list(diff["Modify"])
        for name, resource in new.items():
            if name in old and name not in modified and references(resource) & changed:
                modified.append(name)
        plans = plan_update(self._region_name, old, new, modified, changed)
        diff["Modify"] = dependency_order(sorted(set(modified) | set(plans)), new)
        diff["_plans"] = plans
        diff["_changed_parameters"] = changed
        return diff

    ResourceMap.build_resource_diff = build_resource_diff  # type: ignore[method-assign]
    ResourceMap.update = _resource_map_update  # type: ignore[method-assign]


def _name_property(resource_type: str) -> str:
    from moto.cloudformation.parsing import resource_class_from_type

    model = resource_class_from_type(resource_type)
    return model.cloudformation_name_type() if model is not None else ""


def _refuse_same_custom_name(resource_map: Any, name: str, old: dict[str, Any], new: dict[str, Any],
                             changed: set[str], replaced: set[str]) -> None:
    """CloudFormation cannot create the replacement next to the old resource under the same custom name."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.parsing import clean_json

    prop = _name_property(str(new.get("Type")))
    old_name = (old.get("Properties") or {}).get(prop) if prop else None
    new_name = (new.get("Properties") or {}).get(prop) if prop else None
    if new_name is None or old_name != new_name or references(new_name) & (changed | replaced):
        return
    physical = clean_json(new_name, resource_map)
    raise ValidationError(
        message="CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        f"Rename {physical} and update the stack again."
    )


def _resource_map_update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
    from moto.cloudformation.parsing import parse_and_update_resource

    diff = self.build_resource_diff(template, parameters)
    plans: dict[str, Plan] = diff["_plans"]
    changed: set[str] = diff["_changed_parameters"]
    old_json = dict(self._resource_json_map)
    new_json = template["Resources"]
    certain = certain_replacements(plans)
    for name in dependency_order(sorted(certain), new_json):
        _refuse_same_custom_name(self, name, old_json[name], new_json[name], changed, certain)
    _remove_resources(self, diff["Remove"])
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = new_json
    for name in diff["Add"]:
        _ = self[name]  # the lazy map creates the resource on first access

    queue = list(diff["Modify"])
    done: set[str] = set()
    new_ids: set[str] = set()  # resources that got a new physical id during this update
    superseded: list[tuple[Any, dict[str, Any]]] = []  # replaced resources, deleted at the end
    failures: dict[str, int] = {}
    while queue:
        name = queue.pop(0)
        if name in done:
            continue
        before = self._parsed_resources.get(name)
        replace = name in certain
        if not replace and name in old_json:
            late = plan_resource(self._region_name, old_json[name], new_json[name], changed, new_ids)
            if late.forced_by & new_ids:
                _refuse_same_custom_name(self, name, old_json[name], new_json[name], changed, new_ids)
                replace = True
        try:
            if replace:
                after = _create_replacement(self, name)
            else:
                after = parse_and_update_resource(
                    name, new_json[name], self, account_id=self._account_id, region_name=self._region_name
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
        if replace and before is not None:
            superseded.append((before, old_json[name]))
        if getattr(before, "physical_resource_id", None) != getattr(after, "physical_resource_id", None):
            new_ids.add(name)
            for dependent in dependency_order(list(new_json), new_json):
                if name in references(new_json[dependent]) and dependent not in done and dependent not in queue:
                    queue.append(dependent)
    for resource, resource_json in reversed(superseded):
        _delete_superseded(self, resource, resource_json)


def _create_replacement(resource_map: Any, name: str) -> Any:
    """Creates the new physical resource of a replaced one (moto's own create, a new generated name)."""
    from moto.cloudformation.parsing import parse_and_create_resource
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.core import TaggedEC2Resource

    created = parse_and_create_resource(
        name, resource_map._resource_json_map[name], resource_map, account_id=resource_map._account_id,
        region_name=resource_map._region_name,
    )
    if isinstance(created, TaggedEC2Resource):
        tags = dict(resource_map.tags, **{"aws:cloudformation:logical-id": name})
        ec2_backends[resource_map._account_id][resource_map._region_name].create_tags(
            [created.physical_resource_id], tags
        )
    return created


def _delete_superseded(resource_map: Any, resource: Any, resource_json: dict[str, Any]) -> None:
    """Deletes a replaced resource after the update (CloudFormation's cleanup phase; failures do not fail it)."""
    from moto.ecs.models import ecs_backends
    from moto.elbv2.models import elbv2_backends

    account, region = resource_map._account_id, resource_map._region_name
    resource_type = resource_json.get("Type")
    try:
        if resource_type == "AWS::ECS::Service":
            ecs_backends[account][region].delete_service(resource.cluster_name, resource.name, force=True)
        elif resource_type == "AWS::ECS::TaskDefinition":
            ecs_backends[account][region].deregister_task_definition(resource.arn)
        elif resource_type == "AWS::ElasticLoadBalancingV2::TargetGroup":
            elbv2_backends[account][region].delete_target_group(resource.arn)
        elif resource_type == "AWS::ElasticLoadBalancingV2::Listener":
            elbv2_backends[account][region].delete_listener(resource.arn)
        elif resource_type == "AWS::ElasticLoadBalancingV2::ListenerRule":
            elbv2_backends[account][region].delete_rule(resource.arn)
        else:
            resource_map._delete_resource(resource, resource_json)
    except Exception as error:  # noqa: BLE001 - CloudFormation logs DELETE_FAILED and completes the update
        log.warning("testbed: could not delete the replaced %s %s: %s", resource_type,
                    getattr(resource, "physical_resource_id", "?"), error)


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
# moto: `Changes[].ResourceChange` has only Action, LogicalResourceId and ResourceType: no PhysicalResourceId,
# Replacement, Scope or Details (the reference Cloudlift crashes with `KeyError: 'Details'`), parameter-only changes
# give `Changes: []`, and executing a change set leaves the stack's outputs, parsed template and parameters as they
# were before.
# patch: Modify rows get PhysicalResourceId, Scope, Replacement and one Detail per changed top-level property, as
# planned by cfn_replacement.py from the provider schemas: `Target.RequiresRecreation` Always / Conditionally / Never
# (create-only, conditionally create-only, other properties), ChangeSource DirectModification (Static),
# ParameterReference (Static) or ResourceReference / ResourceAttribute (Dynamic, CausingEntity `X` / `X.Attr`, for a
# reference to a resource that may be replaced), Replacement True / Conditional / False. A type without a provider
# schema (custom resources) gets neither Replacement nor RequiresRecreation: moto cannot know them, so they are left
# out rather than invented. Remove rows get PhysicalResourceId. ExecuteChangeSet refreshes the stack's template,
# outputs and parameters.
# --------------------------------------------------------------------------------------------------------------
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
            plan = actions["_plans"].get(name) or Plan()
            change.details = plan.details
            change.scope = plan.scope
            if plan.replacement is not None:
                change.replacement = plan.replacement
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
    """Installs patches 7, 10 and 11; returns their names for the health route."""
    _patch_resource_diff()
    _patch_change_sets()
    _patch_use_previous_value()
    return ["7 update-propagation-order", "10 change-set-details", "11 use-previous-value-default"]
