"""lakebeam.spark.catalog_conf: the Spark settings for a lakehouse (no Spark needed)."""

import pytest

from lakebeam.spark import catalog_conf

PREFIX = "spark.sql.catalog.lakebeam"


def test_a_lakehouse_directory_is_a_hadoop_catalog_over_its_warehouse(tmp_path):
    conf = catalog_conf(tmp_path)
    assert conf[PREFIX] == "org.apache.iceberg.spark.SparkCatalog"
    assert conf[f"{PREFIX}.type"] == "hadoop"
    assert conf[f"{PREFIX}.warehouse"] == str(tmp_path.resolve() / "warehouse")
    assert conf["spark.sql.extensions"].endswith("IcebergSparkSessionExtensions")


def test_a_jdbc_lakehouse_passes_its_uri_and_a_relative_warehouse(tmp_path):
    (tmp_path / "lakehouse.properties").write_text(
        "# shared catalog\ncatalog.type=jdbc\ncatalog.uri=jdbc:sqlite:/var/lib/lb/catalog.db\n"
        "warehouse=wh\njdbc.user=lake\n")
    conf = catalog_conf(tmp_path / "lakehouse.properties")
    assert conf[f"{PREFIX}.type"] == "jdbc"
    assert conf[f"{PREFIX}.uri"] == "jdbc:sqlite:/var/lib/lb/catalog.db"
    assert conf[f"{PREFIX}.warehouse"] == str(tmp_path.resolve() / "wh")
    assert conf[f"{PREFIX}.jdbc.user"] == "lake"


def test_a_jdbc_catalog_keeps_the_name_lakebeam(tmp_path):
    (tmp_path / "lakehouse.properties").write_text(
        "catalog.type=jdbc\ncatalog.uri=jdbc:sqlite:/tmp/c.db\nwarehouse=s3://b/wh\n")
    assert catalog_conf(tmp_path, catalog="lakebeam")[f"{PREFIX}.warehouse"] == "s3://b/wh"
    with pytest.raises(ValueError, match="keyed by catalog name 'lakebeam'"):
        catalog_conf(tmp_path, catalog="lake")


def test_a_rest_catalog_is_refused_with_its_type(tmp_path):
    (tmp_path / "lakehouse.properties").write_text(
        "catalog.type=rest\ncatalog.uri=http://polaris:8181/api/catalog\n")
    with pytest.raises(ValueError, match="catalog.type='rest'"):
        catalog_conf(tmp_path)
