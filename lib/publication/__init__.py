"""The publication: everything the app shows about people, protected jointly once per data version.

build_publication(engine, version)  build and store it (after an import or the demo load; idempotent)
lib.publication.read                 the pages' only source of counts of people (stored cells)
The plan (what is published) is publication.toml; see docs/secret.md.
"""

from lib.publication.build import build_publication

__all__ = ["build_publication"]
