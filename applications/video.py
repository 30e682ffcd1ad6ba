"""How long a video really is, measured from its stream with ffprobe (Debian's ffmpeg).

A container's header can say anything (a 10-minute clip re-muxed with a 2-minute header, or a
file that is only a header), so the length is taken from the video stream's own packets: the
end of the last packet. ffprobe demuxes without decoding, so a 200 MB upload takes well under
a second. Where ffprobe is not installed (a bare `make run`) the length is unknown and the
portal says «не проверено» instead of guessing from the header.
"""

import logging
import shutil
import subprocess
import tempfile
from decimal import Decimal, InvalidOperation

log = logging.getLogger(__name__)

UNREADABLE = "unreadable"  # ffprobe ran and found no video stream to measure
TIMEOUT_SECONDS = 30


def ffprobe():
    return shutil.which("ffprobe")


def measure(file):
    """Seconds (rounded up) of the file's video stream; None when ffprobe is absent; UNREADABLE when no stream."""
    program = ffprobe()
    if program is None:
        return None
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        if hasattr(file, "temporary_file_path"):
            return _probe(program, file.temporary_file_path())
        with tempfile.NamedTemporaryFile(suffix=".video") as copy:
            file.seek(0)
            shutil.copyfileobj(file, copy)
            copy.flush()
            return _probe(program, copy.name)
    finally:
        file.seek(position)


def _probe(program, path):
    command = [
        program,
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "packet=pts_time,duration_time",
        "-of",
        "csv=p=0",
        path,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        log.warning("ffprobe took longer than %s s on an upload", TIMEOUT_SECONDS)
        return UNREADABLE
    end = Decimal(0)
    found = False
    for line in result.stdout.splitlines():
        pts, _sep, duration = line.partition(",")
        try:
            end = max(end, Decimal(pts) + (Decimal(duration) if duration.strip() not in ("", "N/A") else 0))
            found = True
        except InvalidOperation:
            continue
    if not found:
        return UNREADABLE
    return int(end) + (0 if end == int(end) else 1)
