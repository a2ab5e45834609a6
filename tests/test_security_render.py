"""Security gaps of docs/security.md §8: record text drawn literally (never as Rich markup),
personal data masked in `pmcs history`, every written file private (0600) and atomic."""
from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

NAME = "王[/red]五"
DESCRIPTION = "pipe [/b] leak"
REMEDY = "[red]secret[/red] visible"
EMOJI = "A:thumbs_up:B"  # Rich would turn the code into 👍


@pytest.fixture
def office(pmcs, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # no folding: each value stays on one line
    pmcs.ok("init", "--estate", "阳光[/red]花园")
    pmcs.ok("staff", "add", "--name", "王芳", "--team", "customer_service", "--role", "clerk")  # S001
    pmcs.ok("staff", "add", "--name", "刘[/b]工", "--team", "engineering", "--phone", "13800001234")  # S002
    pmcs.ok("unit", "add", "3-2-1502")
    pmcs.ok("person", "add", "--name", NAME, "--phone", "13900001111", "--phone2", "13700002222",
            "--id-number", "11010519491231002X", "--notes", EMOJI)  # P00001
    pmcs.ok("person", "link", "P00001", "--unit", "3-2-1502", "--role", "owner")
    pmcs.ok("complaint", "categories", "add", "leak", "--en", "leak [/i]", "--zh", "漏[/i]水")
    pmcs.ok("complaint", "add", "--unit", "3-2-1502", "--person", "P00001", "--channel", "phone",
            "--category", "leak", "--description", DESCRIPTION, "--remedy", REMEDY)  # TS-2026-0001
    return pmcs


# --- record text is never markup ----------------------------------------------------

@pytest.mark.parametrize("argv, expected", [
    (("person", "list"), [NAME]),
    (("person", "list", "--search", "王"), [NAME]),
    (("person", "show", "P00001"), [NAME, EMOJI]),
    (("unit", "show", "3-2-1502"), [NAME]),
    (("staff", "list"), ["刘[/b]工"]),
    (("complaint", "categories"), ["漏[/i]水", "leak [/i]"]),
    (("complaint", "list"), ["leak [/i]"]),
    (("complaint", "show", "TS-2026-0001"), [NAME, DESCRIPTION, REMEDY, "leak [/i]"]),
    (("history", "P00001"), [NAME, EMOJI]),
    (("history", "TS-2026-0001"), [DESCRIPTION, REMEDY]),
    (("history", "S002"), ["刘[/b]工"]),
    (("today",), ["阳光[/red]花园"]),
])
def test_record_text_is_drawn_exactly_as_typed(office, argv, expected):
    result = office(*argv)
    assert result.exit_code == 0, (argv, result.stderr)
    for text in expected:
        assert text in result.stdout, (argv, text, result.stdout)


def test_markup_in_a_record_neither_hides_nor_restyles_text(office):
    out = office.ok("complaint", "show", "TS-2026-0001").stdout
    assert "secret visible" not in out and "\x1b[" not in out


def test_the_console_reads_no_markup_or_emoji_codes(capsys):
    from rich.table import Table

    from pmcs.render.output import console

    table = Table(title="[/x] title")
    table.add_column("[b]head[/b]")
    table.add_row("[white on white]hidden[/] :smile:")
    console().print(table)
    console().print("[/red] line")
    out = capsys.readouterr().out
    for text in ("[/x] title", "[b]head[/b]", "[white on white]hidden[/] :smile:", "[/red] line"):
        assert text in out


# --- history masks personal data ------------------------------------------------------

SECRETS = ("13900001111", "13700002222", "11010519491231002X", "13800001234", "13900009999")


@pytest.fixture
def edited(office):
    office.ok("person", "edit", "P00001", "--phone", "13900009999")
    return office


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
@pytest.mark.parametrize("ref", ["P00001", "S002"])
def test_history_masks_phones_and_id_numbers_in_every_format(edited, fmt, ref):
    out = edited.ok("history", ref, "--format", fmt).stdout
    for secret in SECRETS:
        assert secret not in out, (ref, fmt, secret)
    assert ("139****1111" if ref == "P00001" else "138****1234") in out


def test_history_masks_before_and_after_and_keeps_other_values(edited):
    events = json.loads(edited.ok("history", "P00001", "--format", "json").stdout)
    created, changed = events[0]["after"], events[-1]
    assert created["phone"] == "139****1111" and created["phone2"] == "137****2222"
    assert created["id_number"] == "110105********002X"
    assert created["name"] == NAME and created["notes"] == EMOJI
    assert (changed["before"]["phone"], changed["after"]["phone"]) == ("139****1111", "139****9999")


def test_history_reveal_shows_personal_data(edited):
    events = json.loads(edited.ok("history", "P00001", "--reveal", "--format", "json").stdout)
    assert events[0]["after"]["id_number"] == "11010519491231002X"
    assert events[-1]["after"]["phone"] == "13900009999"
    table = edited.ok("history", "P00001", "--reveal").stdout
    assert "13900001111 → 13900009999" in table


def test_history_csv_cells_hold_json(edited):
    rows = list(csv.DictReader(io.StringIO(edited.ok("history", "P00001", "--format", "csv").stdout)))
    assert json.loads(rows[0]["after"])["phone"] == "139****1111"
    assert rows[0]["before"] == ""


# --- files: private and atomic ---------------------------------------------------------

def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_export_failing_half_way_leaves_no_file(office, tmp_path):
    path = tmp_path / "f.csv"
    result = office("person", "export", "--encoding", "latin-1", "-o", str(path))
    assert result.exit_code == 1 and "iso8859-1" in result.stderr
    assert not path.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_an_export_failing_half_way_keeps_the_previous_file(office, tmp_path):
    path = tmp_path / "f.csv"
    office.ok("person", "export", "-o", str(path))
    before = path.read_bytes()
    assert office("person", "export", "--encoding", "latin-1", "-o", str(path)).exit_code == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize("argv", [
    ("handover", "checklist", "3-2-1502", "--blank", "--html", "{}"),
    ("report", "monthly", "--html", "{}"),
    ("survey", "report", "S", "--html", "{}"),
    ("survey", "report", "S", "--svg", "{}"),
])
def test_pages_over_an_existing_readable_file_are_private(office, tmp_path, argv):
    office.ok("survey", "new", "S", "--period", "2026-H2", "--method", "door")
    path = tmp_path / "page.html"
    path.write_text("old")
    os.chmod(path, 0o644)
    office.ok(*(a.format(path) for a in argv))
    assert mode(path) == 0o600 and path.read_text(encoding="utf-8") != "old"
    assert sorted(os.listdir(tmp_path)) == sorted(["home", "office.db", "page.html"] +
                                                  [p for p in os.listdir(tmp_path) if p.startswith("office.db-")])
