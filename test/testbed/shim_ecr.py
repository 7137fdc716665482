"""ECR <-> local registry sync for the testbed (see test/testbed/README.md, "ECR mapping").

moto's ECR stores metadata only and its image URIs point at `<account>.dkr.ecr.<region>.amazonaws.com`, which the
testbed maps to a real docker-registry on 127.0.0.1:443 (TLS). This module keeps moto's ECR in step with what is
really pushed there:

* a notification listener (`POST /events` on 127.0.0.1:<sync port>) receives the registry's push events; for each
  push of a manifest with a tag it fetches the manifest from the registry and calls moto's ECR put_image with the
  registry's digest, so `imageDigest` in DescribeImages is the real one. A repository that does not exist in moto
  is not created (ECR would have refused the push): the event is logged and skipped.
* read-through (patch 13): DescribeImages / BatchGetImage / ListImages first import what the registry has for
  that repository and moto does not (the asked-for tags, or every tag when none is asked for). Registry
  notifications are asynchronous, so without this a `docker push` followed at once by an ECR lookup could race the
  listener; it also serves a second moto started for a concurrent test run, which gets no notifications.
  Only tags pushed after the repository was created in this moto count (the tag's link file in the registry's
  storage is newer than the repository), so images left in the shared registry by earlier tests or by other moto
  instances never appear. Tags deleted through BatchDeleteImage, or pushed while the repository did not exist
  (ECR would have refused the push), are not brought back.
"""

import json
import logging
import re
import ssl
import threading
import urllib.error
import urllib.request
from datetime import timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

log = logging.getLogger("testbed.ecr")

HOST_PATTERN = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$")
MANIFEST_TYPES = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
]


class EcrSync:
    """Registry -> moto ECR mirroring (listener thread plus read-through patch)."""

    def __init__(self, lock: threading.RLock, registry_url: str, registry_host: str, registry_root: str | None):
        self.lock = lock
        self.registry_url = registry_url.rstrip("/")
        self.registry_host = registry_host
        self.registry_root = Path(registry_root) if registry_root else None
        # tags read-through must not bring back: deleted through BatchDeleteImage, or pushed while the repository
        # did not exist in moto (ECR would have refused that push)
        self.hidden: set[tuple[str, str, str, str]] = set()
        self.synced = 0
        self._tls = ssl.create_default_context()
        self._tls.check_hostname = False
        self._tls.verify_mode = ssl.CERT_NONE  # our own self-signed registry on loopback

    # -- registry access ---------------------------------------------------------------------------------------
    def fetch_manifest(self, repository: str, reference: str, media_type: str | None = None) -> tuple[str, str, str]:
        """Returns (manifest text, media type, digest) from the registry; raises urllib errors."""
        request = urllib.request.Request(
            f"{self.registry_url}/v2/{repository}/manifests/{reference}",
            headers={"Accept": media_type or ", ".join(MANIFEST_TYPES)},
        )
        with urllib.request.urlopen(request, timeout=3, context=self._tls) as response:
            body = response.read().decode("utf-8")
            content_type = response.headers.get("Content-Type", "").split(";")[0] or media_type or ""
            digest = response.headers.get("Docker-Content-Digest", "")
        return body, content_type, digest

    def list_tags(self, repository: str) -> list[str]:
        """Tags the registry has for `repository` ([] when it has none)."""
        request = urllib.request.Request(f"{self.registry_url}/v2/{repository}/tags/list")
        try:
            with urllib.request.urlopen(request, timeout=3, context=self._tls) as response:
                return list(json.loads(response.read()).get("tags") or [])
        except (urllib.error.URLError, OSError, ValueError):
            return []

    def pushed_after(self, repository: str, tag: str, created: Any) -> bool:
        """Whether the registry's tag was last pushed after `created` (always true without a storage root)."""
        if self.registry_root is None or created is None:
            return True
        link = (self.registry_root / "docker" / "registry" / "v2" / "repositories" / repository / "_manifests" / "tags"
                / tag / "current" / "link")
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)  # moto's utcnow() is naive UTC
        try:
            return link.stat().st_mtime >= created.timestamp() - 1
        except OSError:
            return False

    def put(self, account: str, region: str, repository: str, tag: str, manifest: str, media_type: str,
            digest: str) -> str:
        """Stores one tag in moto's ECR (caller holds the lock); returns what happened, for the log."""
        from moto.ecr.models import ecr_backends

        backend = ecr_backends[account][region]
        if repository not in backend.repositories:
            self.hidden.add((account, region, repository, tag))
            return f"sync skipped {repository}:{tag}: no such ECR repository in moto (create it first)"
        try:
            backend.put_image(repository, manifest, tag, media_type or None, digest or None)
        except Exception as error:  # ImageAlreadyExistsException on a re-push of the same tag and manifest
            return f"sync skipped {repository}:{tag}: {type(error).__name__}"
        self.hidden.discard((account, region, repository, tag))
        self.synced += 1
        return f"synced {repository}:{tag} {digest}"

    # -- notifications -----------------------------------------------------------------------------------------
    def handle_events(self, payload: dict[str, Any]) -> None:
        """Mirrors every tagged manifest push of one registry notification envelope."""
        for event in payload.get("events", []):
            target = event.get("target", {})
            if event.get("action") != "push" or not target.get("tag") or target.get("mediaType") not in MANIFEST_TYPES:
                continue
            host = (event.get("request", {}) or {}).get("host", "") or self.registry_host
            match = HOST_PATTERN.match(host) or HOST_PATTERN.match(self.registry_host)
            if match is None:
                log.warning("sync skipped: push to unknown registry host %s", host)
                continue
            account, region = match.group(1), match.group(2)
            repository, tag = target["repository"], target["tag"]
            try:
                manifest, media_type, digest = self.fetch_manifest(repository, target["digest"], target["mediaType"])
            except (urllib.error.URLError, OSError) as error:
                log.warning("sync failed for %s:%s: %s", repository, tag, error)
                continue
            with self.lock:
                log.info("%s", self.put(account, region, repository, tag, manifest, media_type,
                                        digest or target["digest"]))

    def serve(self, port: int) -> ThreadingHTTPServer:
        """Starts the notification listener on 127.0.0.1:`port` in a daemon thread."""
        sync = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length", "0") or "0")
                body = self.rfile.read(length)
                try:
                    sync.handle_events(json.loads(body or b"{}"))
                except Exception:
                    log.exception("sync listener failed")
                self.send_response(200)  # never make the registry retry: failures are logged above
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
                return

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, name="testbed-ecr-sync", daemon=True).start()
        return server

    # -- read-through and reset --------------------------------------------------------------------------------
    def read_through(self, backend: Any, repository: str, image_ids: list[dict[str, Any]] | None) -> None:
        """Imports tags that the registry has and moto does not (caller holds the lock)."""
        if f"{backend.account_id}.dkr.ecr.{backend.region_name}.amazonaws.com" != self.registry_host:
            return
        repo = backend.repositories.get(repository)
        if repo is None:
            return
        known = {tag for image in repo.images for tag in image.image_tags}
        if image_ids:
            wanted = [i["imageTag"] for i in image_ids if i.get("imageTag")]
        else:
            wanted = self.list_tags(repository)
        for tag in wanted:
            key = (backend.account_id, backend.region_name, repository, tag)
            if tag in known or key in self.hidden or not self.pushed_after(repository, tag, repo.created_at):
                continue
            try:
                manifest, media_type, digest = self.fetch_manifest(repository, tag)
            except (urllib.error.URLError, OSError):
                continue  # not in the registry either: moto answers "not found" as usual
            log.info("read-through %s", self.put(backend.account_id, backend.region_name, repository, tag, manifest,
                                                 media_type, digest))

    def patch_backend(self) -> None:
        """Wraps moto's ECR read calls with read_through and remembers deleted tags."""
        from moto.ecr.models import ECRBackend

        sync = self
        original_describe = ECRBackend.describe_images
        original_batch_get = ECRBackend.batch_get_image
        original_delete = ECRBackend.batch_delete_image
        original_list = ECRBackend.list_images

        def list_images(self: Any, repository_name: str, registry_id: Any = None) -> Any:
            sync.read_through(self, repository_name, None)
            return original_list(self, repository_name, registry_id)

        def describe_images(self: Any, repository_name: str, registry_id: Any = None, image_ids: Any = None) -> Any:
            sync.read_through(self, repository_name, image_ids)
            return original_describe(self, repository_name, registry_id, image_ids)

        def batch_get_image(self: Any, repository_name: str, registry_id: Any = None, image_ids: Any = None) -> Any:
            sync.read_through(self, repository_name, image_ids)
            return original_batch_get(self, repository_name, registry_id, image_ids)

        def batch_delete_image(self: Any, repository_name: str, registry_id: Any = None,
                               image_ids: Any = None) -> Any:
            repo = self.repositories.get(repository_name)
            for image_id in image_ids or []:
                tags = [image_id["imageTag"]] if image_id.get("imageTag") else []
                if repo is not None and image_id.get("imageDigest"):
                    tags += [t for i in repo.images if i.get_image_digest() == image_id["imageDigest"]
                             for t in i.image_tags]
                for tag in tags:
                    sync.hidden.add((self.account_id, self.region_name, repository_name, tag))
            return original_delete(self, repository_name, registry_id, image_ids)

        ECRBackend.describe_images = describe_images  # type: ignore[method-assign]
        ECRBackend.batch_get_image = batch_get_image  # type: ignore[method-assign]
        ECRBackend.batch_delete_image = batch_delete_image  # type: ignore[method-assign]
        ECRBackend.list_images = list_images  # type: ignore[method-assign]

    def reset(self) -> None:
        """Forgets deleted/refused tags (the registry keeps its images: only pushes after a repository's creation
        count, see pushed_after)."""
        self.hidden.clear()
