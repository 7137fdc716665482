"""CloudFormation patches 7, 10, 11 for moto 5.2.1: stack updates and change sets (test harness only; README).

Each patch says what moto does wrong and what the patch does instead (found by running the real Cloudlift flows
against moto, shared/spec/testbed.md 2.2 and 5.5). The product never knows about any of this.
"""

import re
from typing import Any

# Types whose every property change creates a new physical resource in AWS *and* in moto (a new task definition
# revision). Resources that reference them are updated too, so change sets list them as ResourceReference changes.
ALWAYS_REPLACED_TYPES = {"AWS::ECS::TaskDefinition"}


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
    """Installs patches 7, 10 and 11; returns their names for the health route."""
    _patch_resource_diff()
    _patch_change_sets()
    _patch_use_previous_value()
    return ["7 update-propagation-order", "10 change-set-details", "11 use-previous-value-default"]
