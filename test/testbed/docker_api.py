"""A small Docker Engine API client for the testbed's ECS emulation (test harness only).

The ECS scheduler in the moto process runs every task as real containers. It talks to the testbed's Docker engine
over its API (unix socket or tcp, as DOCKER_HOST names it) with the standard library only: moto's Python has no
`docker` package, and spawning the docker CLI for every inspect would cost a process per call.
Only what ECS emulation needs is here: pull, create, start, inspect, stop, kill, remove, list, follow logs.
"""

import base64
import http.client
import json
import socket
import struct
import urllib.parse
from typing import Any, Iterator

API_VERSION = "v1.41"  # Debian's dockerd 20.10 speaks 1.41; newer engines still accept it


class DockerError(Exception):
    """An error answer of the engine, with its HTTP status and the engine's own message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float | None):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if self.timeout is not None:
            sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


class DockerClient:
    """One engine, addressed like DOCKER_HOST (`unix:///path/docker.sock` or `tcp://host:port`)."""

    def __init__(self, host: str | None):
        self.host = host or "unix:///var/run/docker.sock"

    def _connection(self, timeout: float | None) -> http.client.HTTPConnection:
        if self.host.startswith("unix://"):
            return _UnixConnection(self.host[len("unix://"):], timeout)
        parsed = urllib.parse.urlparse(self.host.replace("tcp://", "http://"))
        return http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port or 2375, timeout=timeout)

    def _request(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, timeout: float | None = 60.0) -> tuple[int, bytes]:
        url = f"/{API_VERSION}{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        conn = self._connection(timeout)
        try:
            payload = None if body is None else json.dumps(body).encode()
            all_headers = {"Content-Type": "application/json", **(headers or {})}
            conn.request(method, url, body=payload, headers=all_headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def _call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, timeout: float | None = 60.0, ok: tuple[int, ...] = (200, 201, 204, 304)) -> Any:
        status, raw = self._request(method, path, body, query, headers, timeout)
        if status not in ok:
            raise DockerError(status, _message(raw) or f"HTTP {status}")
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    # ---------------------------------------------------------------- engine and images

    def ping(self) -> bool:
        try:
            return self._request("GET", "/_ping", timeout=5)[0] == 200
        except OSError:
            return False

    def image_exists(self, image: str) -> bool:
        status, _ = self._request("GET", f"/images/{urllib.parse.quote(image, safe='')}/json", timeout=30)
        return status == 200

    def pull(self, image: str, auth: dict[str, str] | None = None, timeout: float = 120.0) -> None:
        """Pulls `image` (repository:tag or @digest); raises DockerError with the engine's message on failure."""
        repository, reference = split_image(image)
        query: dict[str, Any] = {"fromImage": repository}
        if reference.startswith("sha256:"):
            query["fromImage"] = f"{repository}@{reference}"
        else:
            query["tag"] = reference
        headers = {}
        if auth:
            headers["X-Registry-Auth"] = base64.urlsafe_b64encode(json.dumps(auth).encode()).decode()
        status, raw = self._request("POST", "/images/create", query=query, headers=headers, timeout=timeout)
        if status != 200:
            raise DockerError(status, _message(raw) or f"HTTP {status}")
        # the progress stream answers 200 and reports a failure as its last {"error": ...} line
        for line in raw.decode("utf-8", "replace").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and item.get("error"):
                raise DockerError(500, str(item["error"]))

    # ---------------------------------------------------------------- containers

    def create(self, name: str, config: dict[str, Any]) -> str:
        answer = self._call("POST", "/containers/create", body=config, query={"name": name})
        return str(answer["Id"])

    def start(self, container_id: str) -> None:
        self._call("POST", f"/containers/{container_id}/start")

    def inspect(self, container_id: str) -> dict[str, Any] | None:
        status, raw = self._request("GET", f"/containers/{container_id}/json", timeout=30)
        if status == 404:
            return None
        if status != 200:
            raise DockerError(status, _message(raw) or f"HTTP {status}")
        return json.loads(raw)

    def stop(self, container_id: str, timeout_seconds: float) -> None:
        """SIGTERM (or the image's StopSignal), then SIGKILL after timeout_seconds (rounded up to whole seconds)."""
        seconds = max(0, int(-(-timeout_seconds // 1)))
        self._call("POST", f"/containers/{container_id}/stop", query={"t": seconds}, timeout=seconds + 30,
                   ok=(204, 304, 404))

    def kill(self, container_id: str, signal: str = "SIGKILL") -> None:
        self._call("POST", f"/containers/{container_id}/kill", query={"signal": signal}, ok=(204, 404, 409))

    def remove(self, container_id: str) -> None:
        self._call("DELETE", f"/containers/{container_id}", query={"force": "1", "v": "1"}, ok=(204, 404, 409))

    def list(self, label: str, all_states: bool = True) -> list[dict[str, Any]]:
        filters = json.dumps({"label": [label]})
        return list(self._call("GET", "/containers/json", query={"all": "1" if all_states else "0", "filters": filters}))

    def follow_logs(self, container_id: str) -> Iterator[tuple[str, str]]:
        """Yields (docker timestamp, line) for stdout and stderr until the container stops (follow=1, timestamps=1)."""
        conn = self._connection(None)
        query = urllib.parse.urlencode({"stdout": 1, "stderr": 1, "follow": 1, "timestamps": 1})
        conn.request("GET", f"/{API_VERSION}/containers/{container_id}/logs?{query}")
        response = conn.getresponse()
        if response.status != 200:
            conn.close()
            raise DockerError(response.status, _message(response.read()) or f"HTTP {response.status}")
        pending = {1: b"", 2: b""}
        try:
            while True:
                header = _read_exactly(response, 8)
                if header is None:
                    break
                stream, size = struct.unpack(">BxxxL", header)
                chunk = _read_exactly(response, size) or b""
                pending[stream if stream in pending else 1] += chunk
                buffer = pending[stream if stream in pending else 1]
                *lines, rest = buffer.split(b"\n")
                pending[stream if stream in pending else 1] = rest
                for raw in lines:
                    yield _split_timestamp(raw.decode("utf-8", "replace"))
            for rest in pending.values():
                if rest:
                    yield _split_timestamp(rest.decode("utf-8", "replace"))
        finally:
            conn.close()


def _read_exactly(response: http.client.HTTPResponse, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = response.read(size - len(data))
        if not chunk:
            return None if not data else data
        data += chunk
    return data


def _split_timestamp(line: str) -> tuple[str, str]:
    stamp, _, text = line.partition(" ")
    return stamp, text.rstrip("\r")


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("message", "")).strip()
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace").strip()


def split_image(image: str) -> tuple[str, str]:
    """`host/repo:tag` -> (host/repo, tag); `repo@sha256:..` -> (repo, sha256:..); no tag -> latest."""
    if "@" in image:
        repository, digest = image.split("@", 1)
        return repository, digest
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        repository, tag = image.rsplit(":", 1)
        return repository, tag
    return image, "latest"
