"""Office files (.docx, .xlsx) from users, opened without letting one of them stall a worker.

An Office file is a zip archive of XML parts. A small archive can unpack to gigabytes (a
«zip bomb»: 20 MB of one repeated byte deflates to 20 KB), have tens of thousands of parts,
or hold XML that makes a parser run for minutes. Two layers keep that bounded:

1. `check_office_file(file, limits)` reads only the archive's directory, never a part's
   contents: the compressed size, the number of members (from the end record, before the
   directory itself is parsed), each member's declared size and compression ratio, their
   total, encryption and compression method. A refusal raises `OfficeFileRefused` with the
   reason in Russian, for the page to show. Python's zipfile then never inflates a member
   beyond the size its directory entry declares (it stops there and fails the CRC check),
   so the checked totals hold while parsing too.
2. `run_limited("module:function", *args, limits=…)` runs the parser in a child Python
   process whose CPU time and address space are capped by `resource.setrlimit` and whose
   wall time is capped by the parent. The kernel stops a runaway parse (SIGXCPU/SIGKILL on
   CPU, a failed allocation on memory) whatever Python or C code it is stuck in, which a
   Celery soft time limit (an exception raised between bytecodes) cannot promise inside lxml
   or a regex, and the worker process itself stays healthy. The child gets its arguments and
   returns its result as JSON, so nothing it produces is unpickled in the worker.

Used by the article upload (publications), the plan upload (plans.services.run_plan_import)
and the back office's XLSX/CSV imports (innovation_portal.importing).
"""

import json
import os
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from importlib import import_module
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MB = 1024 * 1024
# Members smaller than this may have any ratio: a few KB of repeated XML is normal.
RATIO_FLOOR = MB
END_RECORD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_END_RECORD = b"PK\x06\x06"


@dataclass(frozen=True)
class OfficeLimits:
    """How much one file may cost. The defaults fit a Word article of 4–7 pages with photos."""

    max_compressed: int = 20 * MB  # the file as uploaded
    max_uncompressed: int = 60 * MB  # all members unpacked together
    max_member: int = 30 * MB  # one member unpacked
    max_members: int = 500
    max_ratio: int = 100  # unpacked / packed size of one member (above RATIO_FLOOR)
    cpu_seconds: int = 30  # CPU time of the parsing child
    memory: int = 1536 * MB  # address space of the parsing child
    wall_seconds: int = 90  # real time of the parsing child
    max_result: int = 100 * MB  # the child's JSON answer


class OfficeFileRefused(Exception):
    """The file breaks a limit or cannot be read; `str(error)` is the Russian reason."""


def _mb(size):
    return f"{size / MB:.1f}".replace(".", ",")


def _size(file):
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _declared_member_count(file, size):
    """The number of members the archive's end record declares, read from its last 64 KB only."""
    tail_length = min(size, 22 + 65535)
    file.seek(size - tail_length)
    tail = file.read(tail_length)
    at = tail.rfind(END_RECORD)
    if at < 0 or len(tail) - at < 22:
        raise OfficeFileRefused(_("The file is damaged or is not an Office document: it is not a zip archive."))
    (count,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if count == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == ZIP64_LOCATOR:
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
        file.seek(offset)
        record = file.read(56)
        if record[:4] != ZIP64_END_RECORD or len(record) < 56:
            raise OfficeFileRefused(_("The file is damaged: its table of contents cannot be read."))
        (count,) = struct.unpack("<Q", record[32:40])
    return count


def check_office_file(file, limits=OfficeLimits()):
    """Refuse an Office file that breaks `limits`, reading only the archive's directory.

    `file` is a seekable binary file (an UploadedFile, an open file); it is left at its start.
    Raises OfficeFileRefused with the reason in Russian.
    """
    try:
        size = _size(file)
        if size > limits.max_compressed:
            raise OfficeFileRefused(
                _("The file is too large: %(size)s MB, at most %(max)s MB is accepted.")
                % {"size": _mb(size), "max": _mb(limits.max_compressed)}
            )
        count = _declared_member_count(file, size)
        if count > limits.max_members:
            raise OfficeFileRefused(_too_many(count, limits))
        file.seek(0)
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as error:
            raise OfficeFileRefused(_("The file is damaged: its table of contents cannot be read.")) from error
        with archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise OfficeFileRefused(_too_many(len(members), limits))
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                raise OfficeFileRefused(_("This is a zip archive but not an Office document (.docx, .xlsx)."))
            total = 0
            for member in members:
                _check_member(member, limits)
                total += member.file_size
                if total > limits.max_uncompressed:
                    raise OfficeFileRefused(
                        _("Unpacked, the file would take more than %(max)s MB; at most that is accepted.")
                        % {"max": _mb(limits.max_uncompressed)}
                    )
    finally:
        file.seek(0)


def _too_many(count, limits):
    return ngettext(
        "The file has %(count)d part; at most %(max)d are accepted.",
        "The file has %(count)d parts; at most %(max)d are accepted.",
        count,
    ) % {"count": count, "max": limits.max_members}


def _check_member(member, limits):
    if member.flag_bits & 0x1:
        raise OfficeFileRefused(_("The file is protected with a password. Save it without a password and retry."))
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise OfficeFileRefused(_("The file is packed in a way Word does not use. Save it again from Word."))
    if member.file_size > limits.max_member:
        raise OfficeFileRefused(
            _("A part of the file («%(name)s») unpacks to %(size)s MB; at most %(max)s MB is accepted.")
            % {"name": member.filename[:80], "size": _mb(member.file_size), "max": _mb(limits.max_member)}
        )
    if member.file_size > RATIO_FLOOR and member.file_size > limits.max_ratio * max(member.compress_size, 1):
        raise OfficeFileRefused(
            _(
                "A part of the file («%(name)s») is packed %(ratio)d times: %(packed)s KB unpack to %(size)s MB. "
                "Such files are refused as a zip bomb; save the document again from Word."
            )
            % {
                "name": member.filename[:80],
                "ratio": member.file_size // max(member.compress_size, 1),
                "packed": max(member.compress_size // 1024, 1),
                "size": _mb(member.file_size),
            }
        )


# --- The parsing child -----------------------------------------------------------------------

CHILD_MEMORY_ERROR = 3
CHILD_ERROR = 4


def run_limited(target, *args, limits=OfficeLimits()):
    """Call `target` («package.module:function») with JSON-able `args` in a limited child process.

    Returns the function's (JSON-able) result. Raises OfficeFileRefused with a Russian reason
    when the child runs out of CPU time, memory or wall time, and RuntimeError when the function
    itself failed (the child's traceback is in the message, for the log).
    """
    base = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="safe-office-") as folder:
        answer = Path(folder) / "answer.json"
        spec = {"target": target, "args": list(args), "answer": str(answer), "limits": asdict(limits)}
        try:
            finished = subprocess.run(
                [sys.executable, "-m", "innovation_portal.safe_office"],
                input=json.dumps(spec).encode(),
                capture_output=True,
                cwd=base,
                timeout=limits.wall_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise OfficeFileRefused(
                _("The file took longer than %(seconds)d seconds to read and was stopped.")
                % {"seconds": limits.wall_seconds}
            ) from error
        code = finished.returncode
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            raise OfficeFileRefused(
                _("Reading the file took more than %(seconds)d seconds of processor time and was stopped.")
                % {"seconds": limits.cpu_seconds}
            )
        if code == CHILD_MEMORY_ERROR:
            raise OfficeFileRefused(
                _("Reading the file needed more than %(size)s MB of memory and was stopped.")
                % {"size": limits.memory // MB}
            )
        if code != 0:
            raise RuntimeError(f"{target} failed in the child (exit {code}): {finished.stderr.decode()[-4000:]}")
        if answer.stat().st_size > limits.max_result:
            raise OfficeFileRefused(_("The converted text is too large to keep."))
        return json.loads(answer.read_text(encoding="utf-8"))


def _limit_self(limits):
    """Cap this (child) process: the kernel enforces these whatever code runs next."""
    cpu = limits["cpu_seconds"]
    # SIGXCPU at the soft limit ends the process (its default action); SIGKILL a second later.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory"], limits["memory"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child_main():
    spec = json.loads(sys.stdin.buffer.read())
    _limit_self(spec["limits"])
    module_name, function_name = spec["target"].split(":")
    try:
        function = getattr(import_module(module_name), function_name)
        result = function(*spec["args"])
        with open(spec["answer"], "w", encoding="utf-8") as out:
            json.dump(result, out, ensure_ascii=False)
    except Exception as error:  # noqa: BLE001 (the child reports any failure to its parent by its exit code)
        if _out_of_memory(error):
            os._exit(CHILD_MEMORY_ERROR)
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(CHILD_ERROR)


def _out_of_memory(error):
    """A MemoryError, or libxml2's report of one: lxml raises XMLSyntaxError(ERR_NO_MEMORY), not MemoryError."""
    etree = sys.modules.get("lxml.etree")
    while error is not None:
        if isinstance(error, MemoryError):
            return True
        lxml_error = etree is not None and isinstance(error, etree.LxmlError)
        if lxml_error and getattr(error, "code", None) == etree.ErrorTypes.ERR_NO_MEMORY:
            return True
        error = error.__cause__ or error.__context__
    return False


if __name__ == "__main__":
    _child_main()
