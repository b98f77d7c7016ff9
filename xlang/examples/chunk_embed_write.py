"""Chunk, embed and write documents to a Lakebeam collection from a Python Beam pipeline.

The transforms are Lakebeam's Java ones, called through ``lakebeam expansion-service``::

    lakebeam expansion-service --port 8097 &
    python xlang/examples/chunk_embed_write.py --expansion_service localhost:8097 \
        --lakehouse /tmp/lh --collection py.chunks
"""

from __future__ import annotations

import argparse

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.transforms.external import SchemaAwareExternalTransform

DOCS = [
    (
        "d1",
        "Apache Iceberg tables are the one source of truth. Lakebeam keeps vectors, text and"
        " metadata in the same table, so every engine reads the same rows.",
    ),
    (
        "d2",
        "Beam pipelines chunk documents and embed the chunks. The expansion service lets"
        " Python and YAML pipelines call the Java transforms.",
    ),
    ("d3", "Search serves the newest snapshot over Arrow Flight."),
]

URN = "beam:schematransform:org.lakebeam:{}:v1"


def lakebeam(name: str, service: str, **config) -> SchemaAwareExternalTransform:
    """The Lakebeam schema transform ``name`` (chunk, embed_text, lake_write) with ``config``."""
    return SchemaAwareExternalTransform(
        URN.format(name), service, rearrange_based_on_discovery=True, **config
    )


def build(p: beam.Pipeline, *, service: str, lakehouse: str, collection: str, write_id: str):
    """Adds Create -> chunk -> embed -> lake write to ``p``; returns the commit summaries."""
    return (
        p
        | "Documents" >> beam.Create([beam.Row(doc_id=d, text=t) for d, t in DOCS])
        | "Chunk" >> lakebeam("chunk", service, max_tokens=32, overlap=4)
        | "Embed" >> lakebeam("embed_text", service, model="minilm")
        | "Write"
        >> lakebeam(
            "lake_write",
            service,
            lakehouse=lakehouse,
            collection=collection,
            write_id=write_id,
            rows_per_file=2,
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--expansion_service", required=True, help="host:port")
    parser.add_argument("--lakehouse", required=True)
    parser.add_argument("--collection", required=True)
    parser.add_argument("--write_id", default="python-example")
    args, beam_args = parser.parse_known_args(argv)
    with beam.Pipeline(options=PipelineOptions(beam_args)) as p:
        build(
            p,
            service=args.expansion_service,
            lakehouse=args.lakehouse,
            collection=args.collection,
            write_id=args.write_id,
        )


if __name__ == "__main__":
    main()
