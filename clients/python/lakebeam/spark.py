"""Spark settings that open a Lakebeam lakehouse as an Iceberg catalog (no pyspark import here).

A Lakebeam collection is an Iceberg table, so Spark reads and appends to it through Iceberg's
``SparkCatalog`` over the same catalog the server uses: the Hadoop catalog of a local lakehouse
directory, or the JDBC catalog named in its ``lakehouse.properties``. The Spark catalog must be
called ``lakebeam`` for a JDBC catalog (Iceberg keys its rows by catalog name).

Examples
--------
>>> from lakebeam.spark import catalog_conf
>>> conf = catalog_conf("/tmp/lakehouse")  # doctest: +SKIP
>>> # builder = SparkSession.builder; [builder.config(k, v) for k, v in conf.items()]
>>> # spark.table("lakebeam.default.docs")  -- the collection "docs"
"""

from __future__ import annotations

import os
from pathlib import Path

CATALOG = "lakebeam"
PROPERTIES_FILE = "lakehouse.properties"
_PASSED = ("uri", "jdbc.", "io-impl", "s3.", "client.")


def _read_properties(path: Path) -> dict[str, str]:
    props: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        key, sep, value = line.partition("=")
        if not sep:
            key, _, value = line.partition(":")
        props[key.strip()] = value.strip()
    return props


def catalog_conf(lakehouse: str | os.PathLike[str], *, catalog: str = CATALOG) -> dict[str, str]:
    """Spark configuration for an Iceberg ``SparkCatalog`` over ``lakehouse``.

    Parameters
    ----------
    lakehouse : str or path
        The directory given to ``lakebeam serve --lakehouse`` (or its ``lakehouse.properties``).
    catalog : str, default "lakebeam"
        The Spark catalog name; tables are then ``<catalog>.<namespace>.<name>``.

    Returns
    -------
    dict of str to str
        ``spark.sql.catalog.<catalog>*`` keys and the Iceberg SQL extensions; add the
        ``iceberg-spark-runtime-3.5_2.12`` jar (``bench/spark_classpath.sh``) to ``spark.jars``.

    Raises
    ------
    ValueError
        For a REST catalog or an object-store warehouse without a catalog (not covered here).
    """
    path = Path(lakehouse).expanduser().resolve()
    props_file = path if path.is_file() else path / PROPERTIES_FILE
    props = _read_properties(props_file) if props_file.is_file() else {}
    base = props_file.parent
    warehouse = props.get("warehouse", str(base / "warehouse"))
    if "://" not in warehouse and not os.path.isabs(warehouse):
        warehouse = str((base / warehouse).resolve())
    kind = props.get("catalog.type", "hadoop" if "://" not in warehouse
                     or warehouse.startswith("file:") else "jdbc")
    if kind not in ("hadoop", "jdbc"):
        raise ValueError(f"Cannot configure Spark for catalog.type={kind!r}: only hadoop and jdbc")
    if kind == "jdbc" and catalog != CATALOG:
        raise ValueError(f"Cannot name the Spark catalog {catalog!r} over a jdbc catalog: "
                         f"Lakebeam's JDBC rows are keyed by catalog name {CATALOG!r}")
    prefix = f"spark.sql.catalog.{catalog}"
    conf = {
        "spark.sql.extensions":
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.type": kind,
        f"{prefix}.warehouse": warehouse,
        # Iceberg 1.6.1's vectorized (shaded Arrow) Parquet reader crashed Java 17's JVM
        # (SIGSEGV in BaseFixedWidthVector.reAlloc) reading a Lakebeam table; row reads are safe
        "spark.sql.iceberg.vectorization.enabled": "false",
    }
    for key, value in props.items():
        name = key.removeprefix("catalog.")
        if name.startswith(_PASSED):
            conf[f"{prefix}.{name}"] = value
    return conf
