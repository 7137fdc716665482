"""ECR <-> testbed registry bridge (patch 13; see test/testbed/README.md, "ECR mapping").

moto's ECR stores metadata only. One registry front per machine (registry_proxy.mjs, TLS on 127.0.0.1:443, answering
as <account>.dkr.ecr.<region>.amazonaws.com) serves every testbed moto on the machine, so it must know whose push it
is. This module gives each moto process its own login and the two routes the proxy calls:

* GetAuthorizationToken returns user `AWS` and the password `testbed-<moto port>-<secret of this process>` (expiring
  in 12 h, as ECR). `docker login` stores it and docker sends it with every registry request; the proxy finds the moto
  by the port and proves the login with the secret, so a login of a moto that has stopped is refused (401).
* POST /_testbed/ecr/access {token, account, region, repository?}: 401 unless the token is this moto's; else whether
  the repository exists here (the proxy then answers ECR's NAME_UNKNOWN instead of touching the registry).
* POST /_testbed/ecr/manifest {token, account, region, repository, reference}: the manifest (and media type) this
  moto's ECR holds for a tag or digest, or {} when it has none; the proxy answers pulls from it (ECR is the truth).
* POST /_testbed/ecr/image {token, account, region, repository, tag, manifest, mediaType, digest}: called by the
  proxy for each tagged manifest push, after the registry stored it and before docker gets the answer. The image goes
  into this moto's ECR with put_image and the registry's digest, so `imageDigest` equals what `docker push` printed,
  a lookup right after the push finds it, and no other moto sees it.

This replaced a registry-notification listener plus an ECR read-through, which could not tell whose push it was: a
push reached only the moto that listened (not an extra moto of a concurrent run), the read-through imported other
runs' pushes to a repository of the same name, and a tag deleted and pushed again never came back.
"""

import json
import logging
import secrets
import threading
import time
from base64 import b64encode
from typing import Any

log = logging.getLogger("testbed.ecr")


class EcrRegistry:
    """This moto's side of the registry front: its login token and the access/image routes."""

    def __init__(self, lock: threading.RLock, port: int, registry_host: str):
        self.lock = lock
        self.registry_host = registry_host
        self.token = f"testbed-{port}-{secrets.token_hex(12)}"
        self.stored = 0

    def patch(self) -> None:
        """GetAuthorizationToken hands out this process's token (moto: a fixed password, expired in 2015)."""
        from moto.core.responses import ActionResult
        from moto.ecr.responses import ECRResponse

        token = self.token

        def get_authorization_token(self: Any) -> Any:
            registry_ids = self._get_param("registryIds") or [self.current_account]
            encoded = b64encode(f"AWS:{token}".encode("ascii")).decode()
            return ActionResult({"authorizationData": [
                {
                    "authorizationToken": encoded,
                    "expiresAt": time.time() + 12 * 3600,
                    "proxyEndpoint": f"https://{registry_id}.dkr.ecr.{self.region}.amazonaws.com",
                }
                for registry_id in registry_ids
            ]})

        ECRResponse.get_authorization_token = get_authorization_token  # type: ignore[method-assign]

    def handle(self, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        """Serves POST /_testbed/ecr/access and /_testbed/ecr/image; returns (HTTP status, JSON body)."""
        try:
            payload = json.loads(raw or b"{}")
        except ValueError as error:
            return 400, {"error": f"bad JSON: {error}"}
        if not isinstance(payload, dict) or payload.get("token") != self.token:
            return 401, {"error": "not an ECR login token of this moto (it was restarted, or it is another one)"}
        account, region = str(payload.get("account", "")), str(payload.get("region", ""))
        if not (account.isdigit() and len(account) == 12 and region):
            return 400, {"error": "account (12 digits) and region are required"}
        repository = payload.get("repository")
        from moto.ecr.models import ecr_backends

        with self.lock:
            backend = ecr_backends[account][region]
            exists = repository is not None and repository in backend.repositories
            if path == "/_testbed/ecr/access":
                return 200, {"exists": exists}
            if path == "/_testbed/ecr/manifest":
                return 200, self._manifest(backend, repository, str(payload.get("reference", ""))) if exists else {}
            if path != "/_testbed/ecr/image":
                return 404, {"error": f"no testbed route {path}"}
            if not exists:
                return 404, {"error": f"no ECR repository {repository} in this moto"}
            return self._put(backend, repository, payload)

    @staticmethod
    def _manifest(backend: Any, repository: str, reference: str) -> dict[str, Any]:
        """The manifest ECR holds for a tag or digest (empty when none), for a pull through the front."""
        for image in backend.repositories[repository].images:
            by_digest = reference.startswith("sha256:") and image.image_digest == reference
            if by_digest or reference in (image.image_tags or []):
                return {"manifest": image.image_manifest, "mediaType": image.image_manifest_media_type}
        return {}

    def _put(self, backend: Any, repository: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        from moto.ecr.exceptions import ImageAlreadyExistsException

        tag, digest = payload.get("tag"), payload.get("digest") or None
        try:
            backend.put_image(repository, payload.get("manifest", ""), tag, payload.get("mediaType") or None, digest)
        except ImageAlreadyExistsException:
            log.info("push of %s:%s: already in ECR with that digest", repository, tag)
            return 200, {"result": "unchanged"}
        except Exception as error:  # moto raises plain Exception for a bad manifest
            log.warning("push of %s:%s not stored: %s", repository, tag, error)
            return 400, {"error": f"{type(error).__name__}: {error}"}
        self.stored += 1
        log.info("push of %s:%s stored in ECR (%s)", repository, tag, digest)
        return 200, {"result": "stored"}
