"""TLS (``grpc+tls://``) and per-namespace roles against a real server.

The server is started with ``--tls-cert``/``--tls-key`` on a self-signed certificate made here
with the ``openssl`` command, ``--auth-config`` (a reader and a writer token) and ``--token``
(an admin). No certificate is stored in the repository.
"""

import json
import os
import shutil
import subprocess

import pyarrow.flight as fl
import pytest

import lakebeam
from conftest import START_TIMEOUT_S, _launch
from lakebeam import AuthenticationError, LakebeamError
from sample_docs import SCHEMA, make_docs, unique_name

ADMIN, READER, WRITER = "root", "r-token", "w-token"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert.pem, key.pem)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=lakebeam",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_uri(tmp_path_factory, lakebeam_uri, certificate):
    """A TLS server with roles; depends on ``lakebeam_uri`` so that the first server built it."""
    if os.environ.get("LAKEBEAM_TEST_SERVER"):
        pytest.skip("starts its own TLS server; not with LAKEBEAM_TEST_SERVER")
    auth = tmp_path_factory.mktemp("auth") / "auth.json"
    auth.write_text(json.dumps({"tokens": [
        {"name": "reader", "token": READER, "grants": {"*": "read"}},
        {"name": "writer", "token": WRITER, "grants": {"default": "write"}},
    ]}))
    cert, key = certificate
    server = _launch(tmp_path_factory, "--tls-cert", str(cert), "--tls-key", str(key),
                     "--auth-config", str(auth), "--token", ADMIN)
    try:
        yield server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


def test_server_announces_a_tls_uri(tls_uri):
    assert tls_uri.startswith("grpc+tls://127.0.0.1:")


def test_connect_with_the_servers_certificate(tls_uri, certificate):
    cert, _ = certificate
    with lakebeam.connect(tls_uri, tls_root_certs=cert, token=ADMIN) as client:
        assert isinstance(client.list_collections(), list)
    # PEM text works as well as a path
    with lakebeam.connect(tls_uri, tls_root_certs=cert.read_bytes(), token=ADMIN) as client:
        assert isinstance(client.list_collections(), list)


def test_untrusted_certificate_and_plaintext_are_refused(tls_uri):
    with lakebeam.connect(tls_uri, token=ADMIN, timeout=30) as client:
        with pytest.raises(LakebeamError):
            client.list_collections()
    plain = tls_uri.replace("grpc+tls://", "grpc://")
    with lakebeam.connect(plain, token=ADMIN, timeout=30) as client:
        with pytest.raises(LakebeamError):
            client.list_collections()


def test_tls_options_need_a_tls_uri(certificate):
    with pytest.raises(ValueError, match="grpc\\+tls://"):
        lakebeam.connect("grpc://127.0.0.1:1", tls_root_certs=certificate[0])


def test_roles_allow_what_each_token_may_do(tls_uri, certificate):
    cert, _ = certificate
    name = unique_name("roles")
    with lakebeam.connect(tls_uri, tls_root_certs=cert, token=WRITER) as writer, \
            lakebeam.connect(tls_uri, tls_root_certs=cert, token=READER) as reader:
        writer.create_collection(name, SCHEMA)
        assert writer.insert(name, make_docs(5, seed=3))["rows"] == 5
        assert name in reader.list_collections()
        assert reader.describe_collection(name)["collection"] == name

        with pytest.raises(AuthenticationError) as denied:
            reader.insert(name, make_docs(2, seed=4))
        assert denied.value.status == "PERMISSION_DENIED"
        assert "lacks the 'write' permission on namespace 'default'" in str(denied.value)

        with pytest.raises(AuthenticationError) as denied:
            writer.drop_collection(name)
        assert "'admin' permission" in str(denied.value)

    with lakebeam.connect(tls_uri, tls_root_certs=cert, token="nobody") as stranger:
        with pytest.raises(AuthenticationError) as unknown:
            stranger.list_collections()
        assert unknown.value.status == "UNAUTHENTICATED"

    with lakebeam.connect(tls_uri, tls_root_certs=cert, token=ADMIN) as admin:
        assert admin.drop_collection(name)["dropped"] is True


def test_raw_pyarrow_with_the_documented_options(tls_uri, certificate):
    raw = fl.connect(tls_uri, tls_root_certs=certificate[0].read_bytes())
    options = fl.FlightCallOptions(headers=[(b"authorization", f"Bearer {READER}".encode())])
    assert list(raw.do_action(fl.Action("list_collections", b"{}"), options))
    raw.close()


def test_disable_server_verification_skips_the_certificate_check(tls_uri):
    try:
        client = lakebeam.connect(tls_uri, token=READER, disable_server_verification=True)
    except (NotImplementedError, LakebeamError) as exc:  # a pyarrow built without the option
        pytest.skip(f"pyarrow cannot disable server verification here: {exc}")
    with client:
        assert isinstance(client.list_collections(), list)
