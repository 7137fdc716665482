"""Runs moto's server with the cloudlift testbed patches (test harness only; see test/testbed/README.md).

Usage (what `node test/testbed/testbed.mjs start` runs):
    <python with moto 5.2.1> test/testbed/moto_launcher.py [-H HOST] [-p PORT] [-s] [-c CERT -k KEY]
        [--ecr-registry HOST] [--docker-host URL] [--no-patches]

The first flags are moto_server's own. The launcher imports moto, installs the patches of shim_cfn.py (1, 2, 4),
shim_ec2_cfn.py (3), shim_ecs_cfn.py (5, 6), shim_stack_updates.py (7, 10, 11), shim_ssm.py (14), shim_ecs.py (8, 9,
12, 15), elb_targets.py (16) and, with --ecr-registry, shim_ecr.py (13: per-process ECR login, pushes stored by the
registry front); with --docker-host, ECS tasks run as containers on that engine (ecs_runtime.py); it starts the ECS
scheduler thread (ecs_scheduler.py), then serves moto as moto_server would, plus these test-only routes:

    GET    /_testbed/health         {"ok": true, "patches": [...], "ecrSync": {...}}
    GET    /_testbed/load-balancers each ALB listener's loopback port (elb_front.py)
    GET    /_testbed/ecs-behaviour  current ECS behaviour controls
    POST   /_testbed/ecs-behaviour  replace them (JSON; documented in shim_ecs.BEHAVIOUR_DOC and the README)
    DELETE /_testbed/ecs-behaviour  back to the defaults
    POST   /_testbed/ecr/access     for registry_proxy.mjs: is this login ours, does the repository exist
    POST   /_testbed/ecr/manifest   for registry_proxy.mjs: the manifest ECR holds for a tag or digest (pulls)
    POST   /_testbed/ecr/image      for registry_proxy.mjs: store a pushed tag in ECR

`POST /moto-api/reset` also resets the behaviour controls and removes this moto's task containers (so does stopping it). `--ecr-registry` also marks the process as a user of the
machine's registry front (testbed.mjs stops that only when no such moto is left).
Every request (and every scheduler tick) runs under one lock, so the scheduler never sees half-made state.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
from typing import Any, Callable, Iterable

MOTO_VERSION = "5.2.1"
HTTP_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
LOCK = threading.RLock()
PATCHES: list[str] = []
ECR: Any = None
CONTAINERS = {"enabled": False}


def _check_python() -> None:
    try:
        import moto  # noqa: F401
        import werkzeug  # noqa: F401
    except ImportError as error:
        sys.exit(
            f"testbed: this Python ({sys.executable}) cannot import moto ({error}). Use the pyenv Python that has "
            "moto 5.2.1, e.g. /root/.pyenv/versions/3.11.7/bin/python, or run `bash test/testbed/install.sh`."
        )
    import moto

    if moto.__version__ != MOTO_VERSION:
        logging.getLogger("testbed").warning(
            "testbed: patches were written for moto %s, this is moto %s", MOTO_VERSION, moto.__version__
        )


def _json_response(start_response: Callable[..., Any], status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload, default=str).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _control(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    import shim_ecs

    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    if path == "/_testbed/health":
        ecr = {"enabled": ECR is not None, "stored": ECR.stored if ECR else 0}
        return _json_response(start_response, "200 OK", {"ok": True, "patches": PATCHES, "ecrRegistry": ecr,
                                                         "containers": CONTAINERS["enabled"]})
    if path.startswith("/_testbed/ecr/") and ECR is not None and method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        status, payload = ECR.handle(path, environ["wsgi.input"].read(length) if length else b"")
        return _json_response(start_response, f"{status} {HTTP_REASONS.get(status, 'Error')}", payload)
    if path == "/_testbed/load-balancers":
        import elb_front

        with LOCK:
            elb_front.sync(LOCK)
            return _json_response(start_response, "200 OK", elb_front.describe())
    if path != "/_testbed/ecs-behaviour":
        return _json_response(start_response, "404 Not Found", {"error": f"no testbed route {path}"})
    with LOCK:
        if method == "GET":
            return _json_response(start_response, "200 OK", shim_ecs.get_behaviour())
        if method == "DELETE":
            shim_ecs.reset_behaviour()
            return _json_response(start_response, "200 OK", shim_ecs.get_behaviour())
        if method != "POST":
            return _json_response(start_response, "405 Method Not Allowed", {"error": "use GET, POST or DELETE"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b"{}"
        try:
            return _json_response(start_response, "200 OK", shim_ecs.set_behaviour(json.loads(raw or b"{}")))
        except (ValueError, TypeError) as error:
            return _json_response(
                start_response, "400 Bad Request", {"error": str(error), "doc": shim_ecs.BEHAVIOUR_DOC}
            )


def _wrap(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """WSGI middleware: test routes first, then moto under the global lock (body read inside the lock)."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/_testbed/"):
            return _control(environ, start_response)
        with LOCK:
            result = app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    return wrapped


def _patch_reset() -> None:
    import shim_ecs
    from moto.moto_api._internal.models import MotoAPIBackend

    original = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        with LOCK:
            original(self)
            shim_ecs.reset_behaviour()
            _reset_runtime()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]


def _reset_runtime() -> None:
    import ecs_runtime
    import elb_front
    import elb_targets

    elb_front.reset()
    elb_targets.reset()
    ecs_runtime.reset()


def _keep_tasks_running() -> None:
    # moto moves tasks RUNNING -> DEACTIVATING -> ... -> STOPPED, one step per read, unless told otherwise. The
    # scheduler decides task states, so reads must not move them (testbed.mjs also sets this over HTTP).
    from moto.moto_api import state_manager

    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})


def parse_args(argv: list[str]) -> argparse.Namespace:
    """moto_server's flags plus the testbed's."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    parser.add_argument("-r", "--reload", action="store_true", help="ignored: the patches need one process")
    parser.add_argument("-s", "--ssl", action="store_true")
    parser.add_argument("-c", "--ssl-cert")
    parser.add_argument("-k", "--ssl-key")
    parser.add_argument("--ecr-registry", metavar="HOST", help="the registry front answering as this ECR host")
    parser.add_argument("--docker-host", metavar="URL", help="the Docker engine that runs ECS tasks (DOCKER_HOST form)")
    parser.add_argument("--no-patches", action="store_true", help="plain moto (to see what the patches fix)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Patches moto and serves it until SIGTERM/SIGINT."""
    global ECR
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    _check_python()
    os.environ.setdefault("MOTO_PORT", str(args.port))

    import ecs_runtime
    import ecs_scheduler
    import elb_targets
    import shim_cfn
    import shim_ec2_cfn
    import shim_ecr
    import shim_ecs
    import shim_ecs_cfn
    import shim_ssm
    import shim_stack_updates
    from moto.cloudformation import parsing  # noqa: F401  (imports every CFN model before the stubs)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    if args.no_patches:
        logging.getLogger("testbed").warning("testbed: --no-patches: plain moto, no scheduler, no ECR registry")
    else:
        for module in (shim_cfn, shim_ec2_cfn, shim_ecs_cfn, shim_stack_updates, shim_ssm, shim_ecs):
            PATCHES.extend(module.apply())
    if args.ecr_registry and not args.no_patches:
        ECR = shim_ecr.EcrRegistry(LOCK, args.port, args.ecr_registry)
        ECR.patch()
        PATCHES.append("13 ecr-registry")
    _patch_reset()
    _keep_tasks_running()
    if not args.no_patches:
        PATCHES.extend(elb_targets.apply(LOCK))
        registry = ECR

        def ecr_auth(host: str) -> dict[str, str] | None:
            if registry is None or host != registry.registry_host:
                return None
            return {"username": "AWS", "password": registry.token, "serveraddress": host}

        CONTAINERS["enabled"] = ecs_runtime.configure(LOCK, args.docker_host, str(args.port), ecr_auth)
        ecs_scheduler.start(LOCK)

    def shutdown(*_: Any) -> None:
        ecs_runtime.remove_containers()  # tasks die with their emulator, as nothing else would stop them
        sys.exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # type: ignore[attr-defined]
    ssl_context: Any = (args.ssl_cert, args.ssl_key) if args.ssl_cert and args.ssl_key else ("adhoc" if args.ssl else None)
    logging.getLogger("testbed").info("testbed moto on %s:%s, patches: %s", args.host, args.port, ", ".join(PATCHES))
    run_simple(args.host, args.port, _wrap(app), threaded=True, use_reloader=False, ssl_context=ssl_context)


if __name__ == "__main__":
    main()
