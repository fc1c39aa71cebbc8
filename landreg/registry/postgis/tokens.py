"""API tokens in the PostGIS registry (mixed into it): the rules of :mod:`landreg.tokens`, stored in PostgreSQL."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from landreg import tokens
from landreg.registry.codec import format_datetime
from landreg.tokens import Principal, Role

_LISTED = ("token_id", "name", "role", "municipalities", "created_at", "revoked_at")


class PostGISTokens:
    """Create, check, revoke and list API tokens."""

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

    def create_token(self, *, name: str, role: Role | str, municipalities: list[str] | None = None) -> str:
        """Create a token and return it in clear text (shown once; only its hash is stored).

        Raises
        ------
        ValueError
            For an unknown role, a planner without municipalities, or an unknown municipality.
        """
        record, clear = tokens.new_token(name, role=role, municipalities=municipalities)
        casts = {"municipalities": "%s::jsonb", "created_at": "%s::timestamptz"}
        values = ", ".join(casts.get(k, "%s") for k in record)
        with self._connection() as conn:
            conn.execute(f"INSERT INTO landreg_tokens ({', '.join(record)}) VALUES ({values})", tuple(record.values()))
        return clear

    def authenticate(self, token: str | None) -> Principal:
        """The principal a bearer token stands for.

        Raises
        ------
        AuthenticationError
            When the token is missing, malformed, unknown or revoked.
        """
        token_id, secret = tokens.split_token(token)
        with self._connection() as conn:
            row = conn.execute(
                "SELECT name, role, municipalities, secret_sha256, revoked_at FROM landreg_tokens WHERE token_id = %s",
                (token_id,),
            ).fetchone()
        return tokens.principal_from_row(token_id, secret, row)

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token by id; returns whether one was revoked."""
        with self._connection() as conn:
            cur = conn.execute(
                "UPDATE landreg_tokens SET revoked_at = %s::timestamptz WHERE token_id = %s AND revoked_at IS NULL",
                (tokens.now_text(), token_id),
            )
        return cur.rowcount == 1

    def list_tokens(self) -> list[dict[str, object]]:
        """Tokens without their secrets (as the GeoPackage backend lists them)."""
        with self._connection() as conn:
            rows = conn.execute(f"SELECT {', '.join(_LISTED)} FROM landreg_tokens ORDER BY fid").fetchall()
        out = []
        for row in rows:
            rec = dict(zip(_LISTED, row, strict=True))
            rec["municipalities"] = json.dumps(rec["municipalities"])
            for key in ("created_at", "revoked_at"):
                rec[key] = None if rec[key] is None else format_datetime(rec[key])
            out.append(rec)
        return out
