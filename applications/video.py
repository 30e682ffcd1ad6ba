"""How long a video is, read from its container (MP4/MOV, WebM/MKV, AVI) in pure Python.

hachoir parses the container headers only, so a 200 MB upload is not decoded: reading the
duration of an MP4 touches its `moov/mvhd` box and nothing else.
"""

import logging

from hachoir.core import config as hachoir_config
from hachoir.metadata import extractMetadata
from hachoir.parser import guessParser
from hachoir.stream import InputIOStream

log = logging.getLogger(__name__)

# hachoir prints its parsing warnings to the console by default; we only want the answer.
hachoir_config.quiet = True


def duration_seconds(file):
    """The video's duration in whole seconds (rounded up), or None when the container does not say."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    try:
        parser = guessParser(InputIOStream(file, source="upload", tags=[]))
        if parser is None:
            return None
        # Not `with parser`: closing the parser would close the uploaded file under Django.
        metadata = extractMetadata(parser)
        duration = metadata.get("duration") if metadata is not None and metadata.has("duration") else None
    except Exception:
        log.info("could not read a video's duration", exc_info=True)
        duration = None
    finally:
        file.seek(position)
    if duration is None:
        return None
    seconds = duration.total_seconds()
    return int(seconds) + (0 if seconds == int(seconds) else 1)
