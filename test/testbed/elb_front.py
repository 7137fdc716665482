"""Application Load Balancers answering on loopback (test harness only; see test/testbed/README.md).

An ALB moto creates has a DNS name nobody can reach. For each listener of each load balancer of this moto, the
testbed opens a plain-HTTP port on 127.0.0.1 that routes as the listener does: its rules in priority order
(host-header with `*`/`?` wildcards, path-pattern, http-request-method), else its default actions; `forward` to a
healthy target of the target group (round robin; all registered targets when none is healthy, as an ALB fails open;
503 when none is registered), `redirect` (301/302 with ALB's #{host}/#{port}/#{path}/#{query} placeholders) and
`fixed-response`. Forwarded connections reach the container inside its own network namespace (netns.py).
HTTPS listeners are served as plain HTTP on their loopback port (no TLS is emulated).

GET /_testbed/load-balancers lists them: [{name, arn, dnsName, scheme, listeners: [{arn, port, protocol, loopback}]}].
"""

import fnmatch
import http
import logging
import re
import socket
import threading
from typing import Any

import elb_targets
import netns

log = logging.getLogger("testbed.alb")

_servers: dict[str, "ListenerFront"] = {}
_round_robin: dict[str, int] = {}
MAX_HEAD = 64 * 1024


def _values(condition: dict[str, Any], config_key: str) -> list[str]:
    config = condition.get(config_key) or {}
    return [str(v) for v in (config.get("Values") or condition.get("Values") or [])]


def _rule_matches(rule: Any, host: str, path: str, method: str) -> bool:
    for condition in rule.conditions or []:
        field = condition.get("Field")
        if field == "host-header":
            hosts = _values(condition, "HostHeaderConfig")
            if not any(fnmatch.fnmatchcase(host.lower(), pattern.lower()) for pattern in hosts):
                return False
        elif field == "path-pattern":
            if not any(fnmatch.fnmatchcase(path, pattern) for pattern in _values(condition, "PathPatternConfig")):
                return False
        elif field == "http-request-method":
            if method.upper() not in [m.upper() for m in _values(condition, "HttpRequestMethodConfig")]:
                return False
    return True


def _actions_for(listener: Any, host: str, path: str, method: str) -> list[Any]:
    rules = [r for r in listener.rules.values() if not getattr(r, "is_default", False)]
    for rule in sorted(rules, key=lambda r: int(r.priority) if str(r.priority).isdigit() else 50001):
        if _rule_matches(rule, host, path, method):
            return list(rule.actions)
    return list(listener.default_actions or [])


def _data(action: Any) -> dict[str, Any]:
    return action.data if hasattr(action, "data") else dict(action)


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _response(status: int, reason: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Server: awselb/2.0", f"Content-Length: {len(body)}",
             "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _redirect(config: dict[str, Any], host: str, port: int, path: str, query: str, protocol: str) -> bytes:
    values = {"host": host.split(":")[0], "port": str(port), "path": path.lstrip("/"), "query": query,
              "protocol": protocol.lower()}

    def fill(text: str) -> str:
        return re.sub(r"#\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)

    scheme = fill(str(config.get("Protocol", "#{protocol}"))).lower()
    target_port = fill(str(config.get("Port", "#{port}")))
    location = f"{scheme}://{fill(str(config.get('Host', '#{host}')))}"
    if not ((scheme == "https" and target_port == "443") or (scheme == "http" and target_port == "80")):
        location += f":{target_port}"
    location += "/" + fill(str(config.get("Path", "/#{path}"))).lstrip("/")
    wanted_query = fill(str(config.get("Query", "#{query}")))
    if wanted_query:
        location += f"?{wanted_query}"
    status = 302 if str(config.get("StatusCode", "HTTP_301")).endswith("302") else 301
    return _response(status, "Moved Permanently" if status == 301 else "Found", b"", {"Location": location})


def _pick_target(group_arn: str) -> Any:
    with elb_targets.LOCK_HOLDER["lock"]:
        registered = [t for t in elb_targets.targets_of_group(group_arn) if t.state != "draining" and t.pid > 0]
        healthy = [t for t in registered if t.state == "healthy"] or registered  # an ALB fails open
        if not healthy:
            return None
        index = _round_robin.get(group_arn, 0)
        _round_robin[group_arn] = index + 1
        return healthy[index % len(healthy)]


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class ListenerFront:
    """One listener's loopback port."""

    def __init__(self, server_lock: threading.RLock, listener: Any, balancer: Any):
        self.server_lock = server_lock
        self.listener = listener
        self.balancer = balancer
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.open = True
        threading.Thread(target=self._accept, name="testbed-alb", daemon=True).start()

    def close(self) -> None:
        self.open = False
        try:
            self.socket.close()
        except OSError:
            pass

    def _accept(self) -> None:
        while self.open:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), name="testbed-alb-conn", daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(30)
        try:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < MAX_HEAD:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split(" ")
            if len(parts) < 3:
                client.sendall(_response(400, "Bad Request", b"400 Bad Request\n"))
                return
            method, target = parts[0], parts[1]
            headers = dict(
                (k.strip().lower(), v.strip())
                for k, _, v in (line.partition(":") for line in head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:])
            )
            host = headers.get("host", "")
            path, _, query = target.partition("?")
            with self.server_lock:
                actions = _actions_for(self.listener, host.split(":")[0], path, method)
            self._act(client, head, actions, host, path, query)
        except OSError:
            pass
        finally:
            client.close()

    def _act(self, client: socket.socket, head: bytes, actions: list[Any], host: str, path: str, query: str) -> None:
        for action in actions:
            data = _data(action)
            kind = data.get("Type")
            if kind == "redirect":
                client.sendall(_redirect(data.get("RedirectConfig") or {}, host, int(self.listener.port), path, query,
                                         self.listener.protocol))
                return
            if kind == "fixed-response":
                config = data.get("FixedResponseConfig") or {}
                body = str(config.get("MessageBody", "")).encode()
                status = int(config.get("StatusCode", 200))
                client.sendall(_response(status, _reason(status), body,
                                         {"Content-Type": str(config.get("ContentType", "text/plain"))}))
                return
            if kind == "forward":
                group = data.get("TargetGroupArn") or next(
                    (g.get("TargetGroupArn") for g in (data.get("ForwardConfig") or {}).get("TargetGroups", [])), None)
                self._forward(client, head, str(group))
                return
        client.sendall(_response(503, "Service Temporarily Unavailable", b"503 Service Temporarily Unavailable\n"))

    def _forward(self, client: socket.socket, head: bytes, group_arn: str) -> None:
        target = _pick_target(group_arn)
        if target is None:
            client.sendall(_response(503, "Service Temporarily Unavailable", b"503 Service Temporarily Unavailable\n"))
            return
        try:
            upstream = netns.connect_in(target.pid, target.container_port, 10)
        except OSError:
            client.sendall(_response(502, "Bad Gateway", b"502 Bad Gateway\n"))
            return
        upstream.settimeout(None)
        client.settimeout(None)
        try:
            upstream.sendall(head)
            back = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
            back.start()
            _pipe(client, upstream)
            back.join()
        finally:
            upstream.close()


def sync(server_lock: threading.RLock) -> None:
    """Opens a loopback port for every new listener and closes those of deleted listeners (call under the lock)."""
    from moto.elbv2.models import elbv2_backends

    seen = set()
    for _account, _region, backend in list(elbv2_backends.iter_backends()):
        for balancer in list(backend.load_balancers.values()):
            for listener in list(balancer.listeners.values()):
                seen.add(listener.arn)
                front = _servers.get(listener.arn)
                if front is None or front.listener is not listener:
                    if front is not None:
                        front.close()
                    try:
                        _servers[listener.arn] = ListenerFront(server_lock, listener, balancer)
                    except OSError as error:
                        log.warning("testbed: no loopback port for %s: %s", listener.arn, error)
    for arn in list(_servers):
        if arn not in seen:
            _servers.pop(arn).close()


def describe() -> list[dict[str, Any]]:
    """The load balancers with each listener's loopback address (for GET /_testbed/load-balancers)."""
    result: dict[str, dict[str, Any]] = {}
    for front in _servers.values():
        balancer = front.balancer
        entry = result.setdefault(balancer.arn, {
            "name": balancer.name, "arn": balancer.arn, "dnsName": balancer.dns_name,
            "scheme": getattr(balancer, "scheme", None), "listeners": [],
        })
        entry["listeners"].append({"arn": front.listener.arn, "port": int(front.listener.port),
                                   "protocol": front.listener.protocol, "loopback": f"127.0.0.1:{front.port}"})
    return sorted(result.values(), key=lambda e: e["name"])


def reset() -> None:
    for front in _servers.values():
        front.close()
    _servers.clear()
    _round_robin.clear()
