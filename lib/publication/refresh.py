"""After a data change (import, restore): publish the new version at once, not at the first visitor.

The app starts the build in a background thread so that the page that loaded the data answers
at once; the command line builds before it returns, so that a scheduled monthly refresh ends
with its publication ready for the comité.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

from lib.db.engine import data_version
from lib.publication.build import build_publication

log = logging.getLogger(__name__)


def publish_current(engine: Engine) -> int:
    """Build (or find built) the publication of the version in service; returns that version."""
    version = data_version(engine)
    build_publication(engine, version)
    return version


def publish_in_background(engine: Engine) -> threading.Thread:
    """Start publishing the version in service; build_publication's lock and flag make a second call wait or return."""

    def run() -> None:
        try:
            publish_current(engine)
        except Exception:  # the failure is stored in publication_etat and shown by the pages that read it
            log.exception("publication de la version en service impossible")

    thread = threading.Thread(target=run, name="publication", daemon=True)
    thread.start()
    return thread
