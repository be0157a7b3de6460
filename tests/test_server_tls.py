"""TLS with certificate verification to the district's PostgreSQL server (issue 18, item 6; docs/security.md,
"Server passwords and TLS"), against the CI server (.ci/start-postgres.sh: TLS on, a self-signed certificate
for 127.0.0.1). `sslmode=verify-full` with the server's certificate as the trusted root connects encrypted;
the same root with a host name the certificate does not name is refused, as a server in the middle would be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from app import db

PG_URL = os.environ.get("MENTORDESK_TEST_PG_URL", "")
PG_DATA = os.environ.get("MENTORDESK_TEST_PG_DATA", "")
CERT = Path(PG_DATA) / "server.crt" if PG_DATA else None

pytestmark = pytest.mark.skipif(not (PG_URL and CERT and CERT.is_file()),
                                reason="needs the CI PostgreSQL server and its certificate (.ci/start-postgres.sh)")


def _url(host: str) -> str:
    url = make_url(PG_URL).set(host=host, query={"sslmode": "verify-full", "sslrootcert": str(CERT)})
    return url.render_as_string(hide_password=False)


def test_verify_full_connects_encrypted_to_the_server_its_certificate_names():
    engine = db.make_engine(_url("127.0.0.1"))
    try:
        result = db.check(engine)
        assert result.server_version.split(", ")[-1].startswith("TLS "), result.server_version
    finally:
        engine.dispose()


def test_verify_full_refuses_a_server_whose_certificate_names_another_host():
    engine = db.make_engine(_url("localhost"))  # the same server, reached by a name its certificate lacks
    try:
        with pytest.raises(OperationalError) as refused, engine.connect():
            pass
        assert "certificate" in str(refused.value).lower() or "does not match" in str(refused.value).lower()
    finally:
        engine.dispose()
