"""Bearer-token authentication against a real server started with ``--token``."""

import pyarrow.flight as fl
import pytest

from lakebeam import AuthenticationError, LakebeamClient


def test_right_token_is_accepted(token_server_uri):
    with LakebeamClient(token_server_uri, token="s3cret") as client:
        assert isinstance(client.list_collections(), list)


@pytest.mark.parametrize("token", [None, "wrong"])
def test_missing_or_wrong_token_is_rejected(token_server_uri, monkeypatch, token):
    monkeypatch.delenv("LAKEBEAM_TOKEN", raising=False)
    with LakebeamClient(token_server_uri, token=token) as client:
        with pytest.raises(AuthenticationError) as info:
            client.list_collections()
    assert info.value.status == "UNAUTHENTICATED"
    assert "gRPC" not in str(info.value)


def test_raw_pyarrow_with_the_documented_header(token_server_uri):
    raw = fl.connect(token_server_uri)
    options = fl.FlightCallOptions(headers=[(b"authorization", b"Bearer s3cret")])
    assert list(raw.do_action(fl.Action("list_collections", b"{}"), options))
    raw.close()
