"""Spark on Lakebeam's tables: Spark reads a collection and its curation columns, appends rows,
and Lakebeam's refresh indexes them so a search finds them.

Needs pyspark 3.5 (``bash bench/setup_venv_spark.sh`` makes ``bench/.venv-spark``), a Java 17
for Spark (``LAKEBEAM_SPARK_JAVA_HOME``, default the machine's) and the Iceberg Spark runtime,
resolved through Maven by ``bench/spark_classpath.sh``. Run with that venv's python::

    PYTHONPATH=clients/python bench/.venv-spark/bin/python -m pytest \
        clients/python/tests/test_spark_it.py
"""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest

from conftest import REPO_ROOT, START_TIMEOUT_S, ServerProcess
from lakebeam import LakebeamClient
from lakebeam.spark import catalog_conf

pyspark_sql = pytest.importorskip("pyspark.sql")

DIM = 16
# Above the server's exact-search shortcut (8,192 rows per segment), so the segment that refresh
# builds over Spark's rows is searched through its graph.
BASE_ROWS = 9_000
SPARK_ROWS = 8_500
COLLECTION = "spark.docs"
TABLE = "lakebeam.spark.docs"
SCHEMA = {
    "id": "long",
    "text": "string",
    "cluster_id": "int",
    "dup_group": "long",
    "embedding": f"float_vector({DIM})",
}


def _vectors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)


def _rows(start: int, vectors: np.ndarray) -> dict:
    ids = np.arange(start, start + len(vectors), dtype=np.int64)
    return {
        "id": ids,
        "text": [f"passage {i}" for i in ids],
        "cluster_id": (ids % 7).astype(np.int32),
        "dup_group": ids // 3,
        "embedding": list(vectors),
    }


def spark_java_home() -> str:
    home = os.environ.get("LAKEBEAM_SPARK_JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
    if not os.path.exists(os.path.join(home, "bin", "java")):
        pytest.skip(f"no Java 17 for Spark at {home}; set LAKEBEAM_SPARK_JAVA_HOME")
    return home


def spark_jars() -> str:
    run = subprocess.run(["bash", str(REPO_ROOT / "bench" / "spark_classpath.sh")],
                         capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    return ",".join(open(run.stdout.strip()).read().strip().split(":"))


@pytest.fixture(scope="module")
def lakehouse(tmp_path_factory):
    """A lakehouse directory of its own, served by a real Lakebeam server."""
    path = tmp_path_factory.mktemp("spark-lakehouse")
    server = ServerProcess(
        [str(REPO_ROOT / "lakebeam"), "serve", "--lakehouse", str(path), "--port", "0"])
    try:
        yield path, server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def spark(lakehouse):
    os.environ["JAVA_HOME"] = spark_java_home()
    builder = (pyspark_sql.SparkSession.builder.master("local[2]").appName("lakebeam-spark-it")
               .config("spark.jars", spark_jars())
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "1g"))
    for key, value in catalog_conf(lakehouse[0]).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def test_spark_reads_appends_and_lakebeam_indexes_the_appended_rows(lakehouse, spark):
    from pyspark.sql.types import (ArrayType, FloatType, IntegerType, LongType, StringType,
                                   StructField, StructType)

    with LakebeamClient(lakehouse[1], timeout=300) as client:
        client.create_collection(COLLECTION, SCHEMA)
        base = _vectors(BASE_ROWS, seed=11)
        client.insert(COLLECTION, _rows(0, base))
        client.create_index(COLLECTION, field="embedding")

        # Spark reads what Lakebeam wrote: every row, the curation columns, the vectors as arrays
        lake = client.query(COLLECTION).sort_by("id")
        read = spark.table(TABLE).orderBy("id").toPandas()
        assert len(read) == lake.num_rows == BASE_ROWS
        assert read["id"].tolist() == lake.column("id").to_pylist()
        for column in ("text", "cluster_id", "dup_group"):
            assert read[column].tolist() == lake.column(column).to_pylist(), column
        np.testing.assert_array_equal(np.stack(read["embedding"].to_numpy()).astype(np.float32),
                                      base)
        grouped = spark.sql(f"SELECT cluster_id, count(*) AS n FROM {TABLE} GROUP BY cluster_id")
        assert {r.cluster_id: r.n for r in grouped.collect()} == {
            c: int(np.sum(np.arange(BASE_ROWS) % 7 == c)) for c in range(7)}

        # Spark appends: a DataFrame writeTo().append() and an SQL INSERT INTO, one commit each
        added = _vectors(SPARK_ROWS, seed=12)
        rows = _rows(BASE_ROWS, added)
        schema = StructType([
            StructField("id", LongType()), StructField("text", StringType()),
            StructField("cluster_id", IntegerType()), StructField("dup_group", LongType()),
            StructField("embedding", ArrayType(FloatType(), containsNull=False))])
        frame = spark.createDataFrame(
            [(int(i), t, int(c), int(d), [float(x) for x in v]) for i, t, c, d, v in zip(
                rows["id"], rows["text"], rows["cluster_id"], rows["dup_group"],
                rows["embedding"])], schema)
        frame.writeTo(TABLE).append()
        last = BASE_ROWS + SPARK_ROWS
        literal = ", ".join(f"CAST({x!r} AS FLOAT)" for x in [0.5] * DIM)
        spark.sql(f"INSERT INTO {TABLE} VALUES ({last}, 'from spark sql', 3, {last}, "
                  f"array({literal}))")

        # before refresh the server sees Spark's commits and scores the unindexed rows exactly
        [before] = client.search(COLLECTION, added[5], top_k=1, output_fields=["id"])
        assert before.column("id").to_pylist() == [BASE_ROWS + 5]

        # Lakebeam's refresh indexes Spark's rows; a search finds them through the new segment
        refreshed = client.refresh(COLLECTION)
        [index] = refreshed["indexes"]
        assert index["rows_built"] == SPARK_ROWS + 1, refreshed
        assert client.describe_collection(COLLECTION)["row_count"] == last + 1
        probes = [0, 1234, SPARK_ROWS - 1]
        results = client.search(COLLECTION, added[probes], top_k=3, output_fields=["id", "text"])
        for probe, hits in zip(probes, results):
            assert hits.column("id")[0].as_py() == BASE_ROWS + probe
            assert hits.column("text")[0].as_py() == f"passage {BASE_ROWS + probe}"
        [sql_hit] = client.search(COLLECTION, [0.5] * DIM, top_k=1, output_fields=["text"],
                                  filter="cluster_id = 3 AND dup_group >= 17500")
        assert sql_hit.column("text").to_pylist() == ["from spark sql"]

