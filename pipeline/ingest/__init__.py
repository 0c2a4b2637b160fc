"""Stage ``ingest``: read the corpus, strip web boilerplate, date and de-duplicate."""
from .stage import SCHEMA, build_document, ingest_documents, run

__all__ = ["SCHEMA", "build_document", "ingest_documents", "run"]
