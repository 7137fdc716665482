"""SSM patch 14 for moto 5.2.1: AWS's public parameters (test harness only; README).

What moto does wrong and what the patch does instead (shared/spec/testbed.md 2.5, issue #12 item 7). The product
never knows about any of this.
"""

import json
from typing import Any


# --------------------------------------------------------------------------------------------------------------
# 14. Public parameters hold strings.
# moto: the ECS-optimized AMI parameters (`/aws/service/ecs/optimized-ami/amazon-linux-2/recommended`,
# `.../amazon-linux-2023/recommended`, and every per-release parameter beside them) come from a tree whose values are
# JSON objects, and GetParameter / GetParameters / GetParametersByPath return `Value` as that object (awscli shows a
# nested object, SDK v3 gives `typeof Value === "object"`, Python's json.loads raises). In SSM a value is always a
# string: AWS answers the JSON text `{"ecs_agent_version":"1.102.0",...,"image_id":"ami-...",...}`.
# patch: when moto loads such a tree, a value that is not a string becomes its compact JSON text (the `image_id`
# children already are strings and stay as they are).
# --------------------------------------------------------------------------------------------------------------
def as_parameter_value(value: Any) -> Any:
    """An SSM parameter value as AWS stores it: strings as they are, anything else as compact JSON text."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _patch_tree_values() -> None:
    from moto.ssm import models

    original = models.convert_to_params

    def convert_to_params(tree: dict[str, Any]) -> list[dict[str, Any]]:
        params = original(tree)
        for param in params:
            param["Value"] = as_parameter_value(param["Value"])
        return params

    models.convert_to_params = convert_to_params  # type: ignore[attr-defined]


def apply() -> list[str]:
    """Installs patch 14; returns its name for the health route."""
    _patch_tree_values()
    return ["14 ssm-public-parameter-strings"]
