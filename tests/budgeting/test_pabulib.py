"""The pabulib reader and writer: real files, CRLF and extra columns, round trips, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkkompas.budgeting.model import Round, cents_text, parse_cents
from wijkkompas.budgeting.pabulib import read_pb, write_pb
from wijkkompas.errors import DataError

SMALL = """META
key;value
description;Voorbeeld
budget;1000.50
vote_type;approval
currency;EUR
PROJECTS
project_id;cost;votes;name;category
a;500;2;"Bankjes; twee stuks";groen
b;400.25;1;Speeltuin;spelen
VOTES
voter_id;vote;age
1;a,b;34
2;a;71
"""


def test_reads_a_small_file_with_quotes_and_extra_columns() -> None:
    rnd = read_pb(SMALL.encode())
    assert rnd.budget == 100_050 and rnd.vote_type == "approval"
    assert [(p.id, p.cost, p.name) for p in rnd.projects] == [
        ("a", 50_000, "Bankjes; twee stuks"), ("b", 40_025, "Speeltuin")]
    assert rnd.projects[0].extra == {"votes": "2", "category": "groen"}
    assert [(b.voter, b.projects, b.extra) for b in rnd.ballots] == [
        ("1", ["a", "b"], {"age": "34"}), ("2", ["a"], {"age": "71"})]
    assert rnd.votes() == {"a": 2, "b": 1}


COUNTED = ("budget", "num_projects", "num_votes")  # the writer writes these from the round


def same(a: Round, b: Round) -> bool:
    """Equal rounds, apart from what the writer recomputes (counts, the votes column)."""
    def strip(r: Round) -> tuple:
        return (r.budget, r.vote_type, r.ballots,
                [(p.id, p.cost, p.name, {k: v for k, v in p.extra.items() if k != "votes"})
                 for p in r.projects],
                {k: v for k, v in r.meta.items() if k not in COUNTED})
    return strip(a) == strip(b)


def test_crlf_and_round_trip(shared_data: Path) -> None:
    raw = (shared_data / "pabulib" / "Poland_Warszawa_2019_Zacisze.pb").read_bytes()
    assert b"\r\n" in raw
    rnd = read_pb(raw, file="Zacisze.pb")
    assert len(rnd.projects) == 14 and len(rnd.ballots) == 454
    assert set(rnd.ballots[0].extra) == {"age", "sex", "voting_method"}
    again = read_pb(write_pb(rnd))
    assert same(again, rnd)
    small = read_pb(SMALL.replace("\n", "\r\n"))
    assert same(read_pb(write_pb(small)), small)


def test_cumulative_ballots() -> None:
    text = SMALL.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote;age\n1;a,b;34\n2;a;71", "voter_id;vote;points\n1;a,b;3,2\n2;b;5")
    rnd = read_pb(text)
    assert rnd.ballots[0].points == [3, 2] and rnd.votes() == {"a": 3, "b": 7}
    assert same(read_pb(write_pb(rnd)), rnd)


@pytest.mark.parametrize(("change", "message"), [
    (("1;a,b;34", "1;a,x;34"), "onbekend project"),
    (("b;400.25;1", "a;400.25;1"), "twee keer"),
    (("b;400.25;1", "b;veel;1"), "geen bedrag"),
    (("b;400.25;1", "b;400.255;1"), "hele centen"),
    (("budget;1000.50\n", ""), "budget"),
    (("vote_type;approval", "vote_type;scoring"), "stemtype"),
    (("VOTES\n", "STEMMEN\n"), "VOTES"),
    (("1;a,b;34", "1;a,a;34"), "twee keer op het stembiljet"),
])
def test_bad_files_name_the_place(change: tuple[str, str], message: str) -> None:
    with pytest.raises(DataError, match=message) as info:
        read_pb(SMALL.replace(*change).encode(), file="fout.pb")
    assert "fout.pb" in str(info.value)


def test_the_line_is_named() -> None:
    with pytest.raises(DataError) as info:
        read_pb(SMALL.replace("2;a;71", "2;zz;71").encode(), file="fout.pb")
    assert info.value.row == 14 and info.value.column == "vote" and info.value.value == "zz"


def test_cents() -> None:
    assert parse_cents("7200") == 720_000 and parse_cents("7200,5") == 720_050
    assert cents_text(720_000) == "7200" and cents_text(720_050) == "7200.5"
    assert cents_text(720_005) == "7200.05"
