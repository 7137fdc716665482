"""Load-balancer targets and their health checks, as ELB does them (test harness only; test/testbed/README.md).

moto's ELBv2 keeps a target list but never checks anything: every registered target is `healthy`, targets are keyed
by id alone (two tasks on one EC2 host, at two dynamic ports, overwrite each other), and target-group attributes in a
CloudFormation template (deregistration_delay.timeout_seconds) are ignored. Here:

* The ECS scheduler registers each task of a service with a load balancer in its target group (awsvpc/Fargate: the
  task's ENI IP and the container port; bridge/EC2: the host's instance id and the dynamic host port), keyed by
  (id, port). DescribeTargetHealth answers from this registry.
* Each registered target is health-checked as its target group says (protocol, path, port, matcher, interval,
  timeout, thresholds; durations multiplied by the testbed's timeScale) by an HTTP request made inside the
  container's own network namespace (netns.py). A new target is `initial` until its first check passes (`healthy`)
  or `UnhealthyThresholdCount` checks fail in a row (`unhealthy`, reason Target.ResponseCodeMismatch,
  Target.Timeout or Target.FailedHealthChecks with ELB's descriptions); a healthy target turns unhealthy after that
  many failures and back after HealthyThresholdCount successes.
* Deregistration drains the target (`draining`, Target.DeregistrationInProgress) for the group's
  deregistration delay, then forgets it.
"""

import logging
import re
import socket
import threading
import time
from typing import Any

import netns

log = logging.getLogger("testbed.elb")

_lock = threading.RLock()  # replaced by the server lock in apply()
LOCK_HOLDER = {"lock": _lock}


class Target:
    def __init__(self, group: Any, target_id: str, port: int, pid: int, container_port: int, task_arn: str,
                 service_name: str, time_scale: float):
        self.group = group
        self.id = target_id
        self.port = port
        self.pid = pid
        self.container_port = container_port
        self.task_arn = task_arn
        self.service_name = service_name
        self.time_scale = time_scale
        self.state = "initial"
        self.reason: str | None = "Elb.RegistrationInProgress"
        self.description: str | None = "Target registration is in progress"
        self.successes = 0
        self.failures = 0
        self.registered_at = time.time()
        self.active = True
        self.thread: threading.Thread | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.group.arn, self.id, self.port)


# (target group ARN, target id, port) -> Target
TARGETS: dict[tuple[str, str, int], Target] = {}


def _matches(code: int, matcher: str) -> bool:
    for part in str(matcher or "200").split(","):
        part = part.strip()
        if "-" in part:
            low, high = part.split("-", 1)
            if int(low) <= code <= int(high):
                return True
        elif part.isdigit() and int(part) == code:
            return True
    return False


def check_once(target: Target) -> tuple[bool, str | None, str | None]:
    """One health check: (passed, reason, description) as DescribeTargetHealth words a failure."""
    group = target.group
    timeout = max(float(group.health_check_timeout_seconds or 5) * target.time_scale, 0.2)
    port_setting = str(group.health_check_port or "traffic-port")
    port = target.container_port if port_setting == "traffic-port" else int(port_setting)
    protocol = str(group.health_check_protocol or group.protocol or "HTTP").upper()
    try:
        sock = netns.connect_in(target.pid, port, timeout)
    except socket.timeout:
        return False, "Target.Timeout", "Request timed out"
    except OSError:
        return False, "Target.FailedHealthChecks", "Health checks failed"
    try:
        if protocol in ("TCP", "TLS", "UDP", "TCP_UDP"):
            return True, None, None
        path = group.health_check_path or "/"
        request = (f"GET {path} HTTP/1.1\r\nHost: {target.id}:{target.port}\r\nUser-Agent: ELB-HealthChecker/2.0\r\n"
                   "Accept-Encoding: gzip, compressed\r\nConnection: close\r\n\r\n")
        sock.sendall(request.encode())
        data = b""
        while b"\r\n" not in data and len(data) < 4096:
            chunk = sock.recv(1024)
            if not chunk:
                break
            data += chunk
        match = re.match(rb"HTTP/\d\.\d (\d{3})", data)
        if match is None:
            return False, "Target.FailedHealthChecks", "Health checks failed"
        code = int(match.group(1))
        matcher = (group.matcher or {}).get("HttpCode", "200")
        if _matches(code, matcher):
            return True, None, None
        return False, "Target.ResponseCodeMismatch", f"Health checks failed with these codes: [{code}]"
    except socket.timeout:
        return False, "Target.Timeout", "Request timed out"
    except OSError:
        return False, "Target.FailedHealthChecks", "Health checks failed"
    finally:
        sock.close()


def _check_loop(target: Target) -> None:
    group = target.group
    time.sleep(0.05)
    with _lock:
        if target.active and target.state == "initial":
            target.reason, target.description = "Elb.InitialHealthChecking", "Initial health checks in progress"
    while True:
        with _lock:
            if not target.active or target.state == "draining":
                return
            enabled = getattr(group, "health_check_enabled", True)
        if enabled is False:
            passed, reason, description = True, None, None
        else:
            passed, reason, description = check_once(target)
        with _lock:
            if not target.active or target.state == "draining":
                return
            _record(target, passed, reason, description)
        interval = float(group.health_check_interval_seconds or 30) * target.time_scale
        time.sleep(max(interval, 0.1))


def _record(target: Target, passed: bool, reason: str | None, description: str | None) -> None:
    group = target.group
    healthy_threshold = int(group.healthy_threshold_count or 5)
    unhealthy_threshold = int(group.unhealthy_threshold_count or 2)
    if passed:
        target.successes += 1
        target.failures = 0
        if target.state == "initial" or (target.state == "unhealthy" and target.successes >= healthy_threshold):
            target.state, target.reason, target.description = "healthy", None, None
    else:
        target.failures += 1
        target.successes = 0
        if target.state == "unhealthy":
            target.reason, target.description = reason, description
        elif target.failures >= unhealthy_threshold:
            target.state, target.reason, target.description = "unhealthy", reason, description


def register(group: Any, target_id: str, port: int, pid: int, container_port: int, task_arn: str,
             service_name: str, time_scale: float) -> Target:
    """Registers a task's container as a target and starts checking it (call under the lock)."""
    target = Target(group, target_id, port, pid, container_port, task_arn, service_name, time_scale)
    old = TARGETS.get(target.key)
    if old is not None:
        old.active = False
    TARGETS[target.key] = target
    target.thread = threading.Thread(target=_check_loop, args=(target,), name="testbed-elb-check", daemon=True)
    target.thread.start()
    return target


def deregister(target: Target, drain_seconds: float) -> None:
    """Starts draining; the target is forgotten after the delay (call under the lock)."""
    if target.state == "draining":
        return
    target.state, target.reason = "draining", "Target.DeregistrationInProgress"
    target.description = "Target deregistration is in progress"

    def forget() -> None:
        time.sleep(max(drain_seconds, 0))
        with _lock:
            target.active = False
            if TARGETS.get(target.key) is target:
                del TARGETS[target.key]

    threading.Thread(target=forget, name="testbed-elb-drain", daemon=True).start()


def targets_of_task(task_arn: str) -> list[Target]:
    return [t for t in TARGETS.values() if t.task_arn == task_arn]


def targets_of_group(group_arn: str) -> list[Target]:
    return [t for t in TARGETS.values() if t.group.arn == group_arn]


def deregistration_delay(group: Any) -> float:
    try:
        return float(group.attributes.get("deregistration_delay.timeout_seconds", 300))
    except (TypeError, ValueError):
        return 300.0


def reset() -> None:
    for target in list(TARGETS.values()):
        target.active = False
    TARGETS.clear()


# --------------------------------------------------------------------------------------------------------------
# moto patches: DescribeTargetHealth from the registry; CloudFormation target-group attributes.
# --------------------------------------------------------------------------------------------------------------
def _patch_describe_target_health() -> None:
    from moto.elbv2.exceptions import TargetGroupNotFoundError
    from moto.elbv2.models import ELBv2Backend, FakeHealthStatus

    original = ELBv2Backend.describe_target_health

    def describe_target_health(self: Any, target_group_arn: str, targets: list[dict[str, Any]]) -> list[Any]:
        group = self.target_groups.get(target_group_arn)
        if group is None:
            raise TargetGroupNotFoundError()
        ours = targets_of_group(target_group_arn)
        if not ours and not any(k[0] == target_group_arn for k in TARGETS):
            if not targets:
                return original(self, target_group_arn, targets)
        wanted = ours if not targets else [
            TARGETS.get((target_group_arn, t["Id"], int(t.get("Port", group.port or 0))))
            or next((x for x in ours if x.id == t["Id"] and "Port" not in t), None)
            for t in targets
        ]
        result = []
        for asked, target in zip(targets or ours, wanted):
            if target is None:
                port = asked.get("Port", group.port) if isinstance(asked, dict) else group.port
                result.append(FakeHealthStatus(asked["Id"], port, group.health_check_port, "unused",
                                               "Target.NotRegistered", "Target is not registered to the target group"))
                continue
            result.append(FakeHealthStatus(target.id, str(target.port), group.health_check_port, target.state,
                                           target.reason, target.description))
        return result

    ELBv2Backend.describe_target_health = describe_target_health  # type: ignore[method-assign]


def _patch_cfn_target_group_attributes() -> None:
    from moto.elbv2.models import FakeTargetGroup

    original = FakeTargetGroup.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
               **kwargs: Any) -> Any:
        group = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        for item in (cloudformation_json.get("Properties") or {}).get("TargetGroupAttributes") or []:
            group.attributes[str(item.get("Key"))] = item.get("Value")
        return group

    FakeTargetGroup.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]


def apply(lock: threading.RLock) -> list[str]:
    global _lock
    _lock = lock
    LOCK_HOLDER["lock"] = lock
    _patch_describe_target_health()
    _patch_cfn_target_group_attributes()
    return ["16 elb-target-health"]

