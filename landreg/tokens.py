"""API tokens: created by ``landreg token create``, stored hashed in the registry file.

A token is ``lr_<id>_<secret>``; only SHA-256 of the secret is stored (the
secret is 256 random bits, so a fast hash is enough).  Roles: ``viewer``
(read only), ``planner`` (edits plots in its municipalities), ``admin``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from landreg.errors import AuthenticationError, AuthorizationError
from landreg.gpkg.connection import write_transaction
from landreg.municipalities import known_municipalities_text, municipality_no_from_ref

TOKENS = "landreg_tokens"


class Role(StrEnum):
    """What a token may do."""

    VIEWER = "viewer"
    PLANNER = "planner"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (recorded as actor), role and municipalities."""

    token_id: str
    name: str
    role: Role
    municipalities: frozenset[str]

    def check_can_edit(self, municipality_nos: set[str] | frozenset[str]) -> None:
        """Raise :class:`AuthorizationError` unless this principal may edit plots in all these municipalities."""
        if self.role is Role.ADMIN:
            return
        if self.role is Role.VIEWER:
            raise AuthorizationError(f"token {self.name!r} has role viewer, which cannot edit")
        outside = sorted(set(municipality_nos) - self.municipalities)
        if outside:
            raise AuthorizationError(
                f"token {self.name!r} may edit plots in {sorted(self.municipalities)} only, not in {outside}"
            )

    def check_is_admin(self, action: str) -> None:
        """Raise :class:`AuthorizationError` unless this principal has the admin role.

        Parameters
        ----------
        action : str
            What the caller tried, for the message (e.g. ``"record a decision"``).
        """
        if self.role is not Role.ADMIN:
            raise AuthorizationError(f"token {self.name!r} has role {self.role.value}; only an admin may {action}")


def _ensure_table(conn: sqlite3.Connection) -> None:
    """Create the token table, kept out of ``gpkg_contents`` so GIS clients do not list it as a layer."""
    conn.execute(
        f'CREATE TABLE IF NOT EXISTS "{TOKENS}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
        "token_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL, municipalities TEXT NOT NULL, "
        "secret_sha256 TEXT NOT NULL, created_at DATETIME NOT NULL, revoked_at DATETIME)"
    )
    conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (TOKENS,))


def unregister_token_table(conn: sqlite3.Connection) -> bool:
    """Take the token table out of ``gpkg_contents`` where an earlier landreg registered it.

    A table listed there is a layer for GIS clients (QGIS, ``ogrinfo``), which would show the
    token names and hashes to anyone who opens the file. The table itself stays; GeoPackage
    readers leave unlisted tables alone.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open registry GeoPackage.

    Returns
    -------
    bool
        True when it was registered and is no longer; False when there was nothing to do or
        the file is read-only (it is then fixed the next time it is opened writable).
    """
    if conn.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?", (TOKENS,)).fetchone() is None:
        return False
    try:
        with write_transaction(conn):
            conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (TOKENS,))
    except sqlite3.OperationalError:  # a read-only file: it stays as it is
        return False
    return True


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(name: str, *, role: Role | str, municipalities: list[str] | None = None) -> tuple[dict[str, str], str]:
    """A new token's stored record (its secret hashed) and the token in clear text, for any store.

    Parameters
    ----------
    name : str
        Who the token is for (recorded as the actor of its edits).
    role : Role or str
        ``viewer``, ``planner`` or ``admin``.
    municipalities : list of str, optional
        Where a planner may edit (kommunenummer or names).

    Returns
    -------
    (dict, str)
        ``token_id``, ``name``, ``role``, ``municipalities`` (JSON text), ``secret_sha256`` and
        ``created_at`` (UTC text); and ``lr_<id>_<secret>``.

    Raises
    ------
    ValueError
        For an unknown role, a planner without municipalities, or an unknown municipality.
    """
    role = Role(role)
    refs = list(municipalities or [])
    unknown = [m for m in refs if municipality_no_from_ref(m) is None]
    if unknown:
        raise ValueError(
            f"unknown municipality {', '.join(map(repr, unknown))}; expected a kommunenummer or name, "
            f"one of: {known_municipalities_text()}"
        )
    munis = sorted({str(municipality_no_from_ref(m)) for m in refs})
    if role is Role.PLANNER and not munis:
        raise ValueError("a planner token needs at least one municipality (--municipality 5001)")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = {
        "token_id": token_id,
        "name": name,
        "role": role.value,
        "municipalities": json.dumps(munis),
        "secret_sha256": _digest(secret),
        "created_at": now_text(),
    }
    return record, f"lr_{token_id}_{secret}"


def now_text() -> str:
    """Now (UTC) as stored token times: ``YYYY-MM-DDTHH:MM:SS.SSSZ``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def split_token(token: str | None) -> tuple[str, str]:
    """``(token_id, secret)`` of a bearer token.

    Raises
    ------
    AuthenticationError
        When the token is missing or malformed.
    """
    if not token:
        raise AuthenticationError("this request needs a bearer token (Authorization: Bearer lr_…)")
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "lr":
        raise AuthenticationError("malformed token; expected lr_<id>_<secret>")
    return parts[1], parts[2]


def principal_from_row(token_id: str, secret: str, row: Sequence[Any] | None) -> Principal:
    """The principal of a stored ``(name, role, municipalities, secret_sha256, revoked_at)`` row.

    Raises
    ------
    AuthenticationError
        When there is no row, the secret does not match, or the token is revoked.
    """
    if row is None or not hmac.compare_digest(row[3], _digest(secret)):
        raise AuthenticationError("unknown token")
    if row[4] is not None:
        raise AuthenticationError("this token has been revoked")
    munis = row[2] if isinstance(row[2], list) else json.loads(row[2])
    return Principal(token_id, row[0], Role(row[1]), frozenset(munis))


def create_token(
    conn: sqlite3.Connection, *, name: str, role: Role | str, municipalities: list[str] | None = None
) -> str:
    """Create a token and return it in clear text (shown once; only its hash is stored).

    Raises
    ------
    ValueError
        For an unknown role, a planner without municipalities, or an unknown municipality
        (given by kommunenummer or name).
    """
    record, clear = new_token(name, role=role, municipalities=municipalities)
    with write_transaction(conn):
        _ensure_table(conn)
        conn.execute(
            f'INSERT INTO "{TOKENS}" ({", ".join(record)}) VALUES ({", ".join("?" * len(record))})',
            tuple(record.values()),
        )
    return clear


def revoke_token(conn: sqlite3.Connection, token_id: str) -> bool:
    """Revoke a token by id; returns whether one was revoked."""
    now = now_text()
    with write_transaction(conn):
        _ensure_table(conn)
        cur = conn.execute(
            f'UPDATE "{TOKENS}" SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL', (now, token_id)
        )
    return cur.rowcount == 1


def authenticate(conn: sqlite3.Connection, token: str | None) -> Principal:
    """The principal a bearer token stands for.

    Raises
    ------
    AuthenticationError
        When the token is missing, malformed, unknown or revoked.
    """
    token_id, secret = split_token(token)
    try:
        row = conn.execute(
            f'SELECT name, role, municipalities, secret_sha256, revoked_at FROM "{TOKENS}" WHERE token_id = ?',
            (token_id,),
        ).fetchone()
    except sqlite3.OperationalError:
        row = None  # no token table yet: no tokens exist
    return principal_from_row(token_id, secret, row)


def list_tokens(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """Tokens without their secrets."""
    try:
        rows = conn.execute(
            f'SELECT token_id, name, role, municipalities, created_at, revoked_at FROM "{TOKENS}" ORDER BY fid'
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    keys = ("token_id", "name", "role", "municipalities", "created_at", "revoked_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]
