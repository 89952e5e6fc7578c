"""People resolved across accounts: mapping, email tag, same user name, and what stays apart."""

from __future__ import annotations

import pytest

from onboard.people import UserRef, email_of, parse_user_key, resolve, user_ref

A, B, C = "111111111111", "222222222222", "333333333333"


def ids(people):
    return {p.id: sorted(m.user.key for m in p.users) for p in people}


def rules(people):
    return {m.user.key: m.rule for p in people for m in p.users}


def test_same_user_name_joins_accounts_and_says_so() -> None:
    people = resolve([UserRef(A, "kenji.tanaka"), UserRef(B, "kenji.tanaka"),
                      UserRef(B, "yui.suzuki")])
    assert ids(people) == {"kenji.tanaka": [f"{A}/kenji.tanaka", f"{B}/kenji.tanaka"],
                           "yui.suzuki": [f"{B}/yui.suzuki"]}
    assert rules(people) == {f"{A}/kenji.tanaka": "same user name",
                             f"{B}/kenji.tanaka": "same user name",
                             f"{B}/yui.suzuki": "only user"}
    kenji = people[0]
    assert kenji.display_name == "Kenji Tanaka"
    assert kenji.accounts == [A, B]


def test_user_name_match_ignores_case() -> None:
    people = resolve([UserRef(A, "Kenji"), UserRef(B, "kenji")])
    assert len(people) == 1 and people[0].id == "kenji"


def test_email_tag_joins_different_names() -> None:
    people = resolve([user_ref(A, "kenji", {"Email": "Kenji.Tanaka@deallink.example"}),
                      user_ref(B, "ktanaka", {"email": "kenji.tanaka@deallink.example"}),
                      user_ref(C, "someone", {"Team": "x"})])
    assert ids(people)["kenji.tanaka@deallink.example"] == [f"{A}/kenji", f"{B}/ktanaka"]
    assert rules(people)[f"{A}/kenji"] == "email tag"
    assert people[0].email == "kenji.tanaka@deallink.example"


def test_different_emails_keep_same_names_apart() -> None:
    people = resolve([user_ref(A, "admin", {"email": "a@x.example"}),
                      user_ref(B, "admin", {"email": "b@x.example"})])
    assert sorted(p.id for p in people) == ["a@x.example", "b@x.example"]
    assert set(rules(people).values()) == {"only user"}


def test_name_match_with_one_email_tag_joins() -> None:
    people = resolve([user_ref(A, "yui", {"email": "yui@x.example"}), UserRef(B, "yui")])
    assert ids(people) == {"yui@x.example": [f"{A}/yui", f"{B}/yui"]}


def test_mapping_wins_over_name_and_joins_the_named_person() -> None:
    users = [UserRef(A, "kenji.tanaka"), UserRef(B, "kenji.tanaka"), UserRef(C, "kt"),
             UserRef(C, "kenji.tanaka")]
    people = resolve(users, {(C, "kt"): "kenji.tanaka", (C, "kenji.tanaka"): "someone-else"})
    assert ids(people) == {
        "kenji.tanaka": [f"{A}/kenji.tanaka", f"{B}/kenji.tanaka", f"{C}/kt"],
        "someone-else": [f"{C}/kenji.tanaka"]}
    assert rules(people)[f"{C}/kt"] == "mapping"
    assert rules(people)[f"{A}/kenji.tanaka"] == "same user name"


def test_every_user_exactly_once_and_stable_order() -> None:
    users = [UserRef(acct, name) for acct in (A, B, C) for name in ("a", "b", "c")]
    people = resolve(reversed(users))
    seen = [m.user for p in people for m in p.users]
    assert sorted(seen) == sorted(users) and len(seen) == len(set(seen))
    assert [p.id for p in people] == ["a", "b", "c"]
    assert resolve(users) == people


def test_two_groups_one_name_get_distinct_ids() -> None:
    people = resolve([user_ref(A, "ops", {"email": "x@y.example"}), UserRef(B, "ops"),
                      user_ref(C, "ops", {"email": "z@y.example"})])
    # B/ops joins the first email it meets by name; the other keeps its own email id
    assert len(people) == 2
    assert sorted(len(p.users) for p in people) == [1, 2]


def test_email_of_rejects_non_addresses() -> None:
    assert email_of({"email": "not an address"}) is None
    assert email_of({"E-Mail": " A@B.example "}) == "a@b.example"
    assert email_of(None) is None


@pytest.mark.parametrize("text", ["kenji", "12/kenji", "111111111111/", "abc/def"])
def test_parse_user_key_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="ACCOUNT/USER"):
        parse_user_key(text)


def test_parse_user_key() -> None:
    assert parse_user_key(f" {A}/kenji.tanaka ") == (A, "kenji.tanaka")
