"""Python client of Lakebeam, a vector lakebase served over Arrow Flight.

Examples
--------
>>> from lakebeam import LakebeamClient
>>> client = LakebeamClient("grpc://127.0.0.1:8815")  # doctest: +SKIP
>>> client.search("docs", [0.1, 0.2, 0.3, 0.4], top_k=5, output_fields=["text"])  # doctest: +SKIP
[pyarrow.Table ...]
"""

import os

from lakebeam.client import DEFAULT_URI, LakebeamClient
from lakebeam.collection import Collection
from lakebeam.context import Citation, ContextPackage
from lakebeam.errors import (
    AlreadyExistsError,
    AuthenticationError,
    CollectionNotFoundError,
    InvalidArgumentError,
    LakebeamError,
    NotFoundError,
    ServerError,
    ServerUnavailableError,
)
from lakebeam.hybrid import (
    AnnSearchRequest,
    CrossEncoderReranker,
    MMRReranker,
    NumericReranker,
    RRFRanker,
    TextSearchRequest,
    WeightedRanker,
)
from lakebeam.query import SearchQuery

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_URI",
    "AnnSearchRequest",
    "CrossEncoderReranker",
    "MMRReranker",
    "NumericReranker",
    "RRFRanker",
    "TextSearchRequest",
    "WeightedRanker",
    "AlreadyExistsError",
    "AuthenticationError",
    "Citation",
    "Collection",
    "CollectionNotFoundError",
    "ContextPackage",
    "InvalidArgumentError",
    "LakebeamClient",
    "LakebeamError",
    "NotFoundError",
    "SearchQuery",
    "ServerError",
    "ServerUnavailableError",
    "connect",
]


def connect(
    uri: str = DEFAULT_URI,
    *,
    token: str | None = None,
    timeout: float | None = None,
    tls_root_certs: str | bytes | os.PathLike[str] | None = None,
    cert_chain: str | bytes | os.PathLike[str] | None = None,
    private_key: str | bytes | os.PathLike[str] | None = None,
    disable_server_verification: bool = False,
) -> LakebeamClient:
    """Return a :class:`LakebeamClient` for ``uri`` (LanceDB-style spelling).

    Examples
    --------
    >>> import lakebeam
    >>> client = lakebeam.connect("grpc+tls://lake.example.com:8815",  # doctest: +SKIP
    ...                           tls_root_certs="server-cert.pem", token="s3cret")
    """
    return LakebeamClient(
        uri,
        token=token,
        timeout=timeout,
        tls_root_certs=tls_root_certs,
        cert_chain=cert_chain,
        private_key=private_key,
        disable_server_verification=disable_server_verification,
    )
