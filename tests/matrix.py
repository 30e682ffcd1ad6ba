"""The vocabulary of the permission matrix (see tests/test_permission_matrix.py).

Every app lists its URLs in `tests/<app>/matrix.py` as `CASES`, each with how to build the
URL from the `world` fixture and the status each role gets. A URL missing from every list
fails the suite.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "coordinator", "other_coordinator", "expert", "methodist", "district_office", "editor")
SIGNED_IN = ROLES[1:]


@dataclass(frozen=True)
class Case:
    url_name: str
    build: Callable  # (world) -> path
    expect: dict
    method: str = "get"
    data: Callable | None = None  # (world) -> POST data
    label: str = ""
    follow_ok: tuple = field(default=())

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.url_name}: no expected status for {sorted(missing)}")

    @property
    def id(self):
        return f"{self.url_name}{'[' + self.label + ']' if self.label else ''}"


def statuses(default, **overrides):
    """Expected statuses: `default` for every role unless overridden by name."""
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = statuses(200)
SIGNED_IN_ONLY = statuses(200, anonymous=302)


def staff_only(allowed=("methodist",), denied=404):
    """Anonymous users are sent to log in; the allowed roles see it; everyone else `denied`."""
    return {role: 302 if role == "anonymous" else (200 if role in allowed else denied) for role in ROLES}
