"""CloudFormation's resource provider schemas, read from cfn-lint (test harness only; README patches 2, 7, 10, 14).

cfn-lint 1.x, installed next to moto (testbed.mjs requires it), ships the provider schema of every public resource
type per region (`cfnlint/data/schemas/providers/<region>.py` maps a type to a hash, `.../resources/<hash>.json` is
the schema; cfn-lint refreshes them from `schema.cloudformation.<region>.amazonaws.com`). The shims ask three things
of them, as CloudFormation itself decides them:

- does the type exist (CreateStack / CreateChangeSet / UpdateStack refuse others: `Unrecognized resource types`);
- which attributes `Fn::GetAtt` may read (readOnlyProperties, plus cfn-lint's list of the types whose every
  property is readable; the check cfn-lint's rule E1010 makes);
- which property changes replace the resource: `createOnlyProperties` -> `Always` (Replacement True),
  `conditionalCreateOnlyProperties` (the user guide's "Update requires: Some interruptions or Replacement") ->
  `Conditionally`, any other property -> `Never`.

Change sets describe changes per top-level property (as moto's Details do), so a nested path such as
`/properties/AutoScalingGroupProvider/AutoScalingGroupArn` counts for the top-level property `AutoScalingGroupProvider`:
a change there is `Always` when the nested value differs, `Never` when only other parts of the property differ, and
`Conditionally` when the template cannot tell (an intrinsic function or a list stands in the way), which is how
CloudFormation reports a change it can only resolve while executing.

Importing cfn-lint takes 1-2 s, so `warm_up()` starts it in a thread when the launcher installs the patches.
"""

import logging
import threading
from typing import Any

log = logging.getLogger("testbed.cfn_schemas")

ALWAYS = "Always"
CONDITIONALLY = "Conditionally"
NEVER = "Never"
_RANK = {NEVER: 0, CONDITIONALLY: 1, ALWAYS: 2}

_LOCK = threading.Lock()
_UNKNOWN = object()
_cache: dict[tuple[str, str], Any] = {}


def _manager() -> Any:
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    return PROVIDER_SCHEMA_MANAGER


def warm_up() -> None:
    """Imports cfn-lint and loads a schema in a background thread (the first CreateStack need not wait for it)."""

    def load() -> None:
        try:
            provider_schema("us-east-1", "AWS::ECS::Service")
        except Exception:  # noqa: BLE001 - a failure here shows again, with its reason, on first use
            log.exception("testbed: loading cfn-lint's provider schemas failed")

    threading.Thread(target=load, name="cfn-schemas-warm-up", daemon=True).start()


def provider_schema(region: str, resource_type: str) -> Any:
    """cfn-lint's Schema object of a type in a region (`.schema` is the JSON), or None for a type with no schema."""
    key = (region, resource_type)
    with _LOCK:
        cached = _cache.get(key, _UNKNOWN)
    if cached is not _UNKNOWN:
        return cached
    from cfnlint.schema._exceptions import ResourceNotFoundError

    try:
        found = _manager().get_resource_schema(region, resource_type)
    except ResourceNotFoundError:
        found = None
    with _LOCK:
        _cache[key] = found
    return found


def is_known_type(region: str, resource_type: str) -> bool:
    """Whether CloudFormation has this type in this region (custom resources always count)."""
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return True
    return provider_schema(region, resource_type) is not None


def supports_attribute(region: str, resource_type: str, attribute: str) -> bool:
    """Whether `Fn::GetAtt [<resource of this type>, attribute]` is valid (True for types without a schema)."""
    schema = provider_schema(region, resource_type)
    if schema is None:
        return True
    return schema.get_atts.get(attribute) is not None


def _paths(schema: Any, key: str) -> list[list[str]]:
    return [pointer.split("/")[2:] for pointer in schema.schema.get(key, []) if pointer.startswith("/properties/")]


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


def _nested_change(old: Any, new: Any, path: list[str]) -> str:
    """Whether the value at `path` (below a top-level property) differs: ALWAYS, NEVER, or CONDITIONALLY (unknown)."""
    if not path:
        return ALWAYS if old != new else NEVER
    if _is_intrinsic(old) or _is_intrinsic(new):
        return CONDITIONALLY if old != new else NEVER
    segment, rest = path[0], path[1:]
    if segment == "*":
        old_items = old if isinstance(old, list) else []
        new_items = new if isinstance(new, list) else []
        if len(old_items) != len(new_items):
            return ALWAYS if any(_nested_change(None, item, rest) != NEVER for item in old_items + new_items) else NEVER
        worst = NEVER
        for before, after in zip(old_items, new_items):
            result = _nested_change(before, after, rest)
            worst = result if _RANK[result] > _RANK[worst] else worst
        return worst
    if isinstance(old, list) or isinstance(new, list):
        return CONDITIONALLY if old != new else NEVER
    before = old.get(segment) if isinstance(old, dict) else None
    after = new.get(segment) if isinstance(new, dict) else None
    return _nested_change(before, after, rest)


def _worst(*levels: str) -> str:
    return max(levels, key=lambda level: _RANK[level], default=NEVER)


def recreation(region: str, resource_type: str, prop: str, old: Any = None, new: Any = None,
               static: bool = True) -> str | None:
    """RequiresRecreation of a change to top-level property `prop` (None for a type without a schema).

    `static`: the template's value changed from `old` to `new` (nested create-only paths are compared). Otherwise the
    value changes while executing (a referenced resource is replaced): only the property's own behaviour counts,
    a property with any create-only part being ALWAYS.
    """
    schema = provider_schema(region, resource_type)
    if schema is None:
        return None
    levels = [NEVER]
    for key, level in (("createOnlyProperties", ALWAYS), ("conditionalCreateOnlyProperties", CONDITIONALLY)):
        for path in _paths(schema, key):
            if not path or path[0] != prop:
                continue
            if len(path) == 1 or not static:
                levels.append(level)
            else:
                nested = _nested_change(old, new, path[1:])
                levels.append(NEVER if nested == NEVER else (level if nested == ALWAYS else CONDITIONALLY))
    return _worst(*levels)
