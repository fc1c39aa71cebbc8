"""API tokens on both backends: created once in clear text, stored hashed, checked, revoked."""

from __future__ import annotations

import pytest

from landreg.errors import AuthenticationError


def test_tokens_are_created_checked_listed_and_revoked(registry):
    admin = registry.create_token(name="ola", role="admin")
    planner = registry.create_token(name="kari", role="planner", municipalities=["5029", "Trondheim"])
    who = registry.authenticate(planner)
    assert (who.name, who.role.value, who.municipalities) == ("kari", "planner", frozenset({"5001", "5029"}))
    listed = registry.list_tokens()
    assert [t["name"] for t in listed] == ["ola", "kari"]
    assert all(admin.split("_", 2)[2] not in str(t) for t in listed)  # the secret (which may hold "_") is never stored
    assert listed[1]["municipalities"] == '["5001", "5029"]' and listed[1]["revoked_at"] is None
    assert registry.revoke_token(who.token_id) and not registry.revoke_token(who.token_id)
    with pytest.raises(AuthenticationError, match="revoked"):
        registry.authenticate(planner)
    with pytest.raises(AuthenticationError, match="unknown token"):
        registry.authenticate(admin[:-2] + "xx")
    with pytest.raises(AuthenticationError, match="malformed"):
        registry.authenticate("not-a-token")
    with pytest.raises(ValueError, match="needs at least one municipality"):
        registry.create_token(name="x", role="planner")
