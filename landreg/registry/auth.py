"""API tokens kept in the registry file (mixed into the registry)."""

from __future__ import annotations

from landreg import tokens
from landreg.registry._state import RegistryState
from landreg.tokens import Principal, Role


class TokenStore(RegistryState):
    """Create, check and revoke API tokens stored (hashed) in the registry."""

    def create_token(self, *, name: str, role: Role | str, municipalities: list[str] | None = None) -> str:
        """Create a token; returns it in clear text, once."""
        with self._lock:
            return tokens.create_token(self._conn, name=name, role=role, municipalities=municipalities)

    def authenticate(self, token: str | None) -> Principal:
        """The principal behind a bearer token (raises AuthenticationError)."""
        with self._lock:
            return tokens.authenticate(self._conn, token)

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token by its id."""
        with self._lock:
            return tokens.revoke_token(self._conn, token_id)

    def list_tokens(self) -> list[dict[str, object]]:
        """Tokens, without secrets."""
        with self._lock:
            return tokens.list_tokens(self._conn)
