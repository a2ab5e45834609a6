"""The plain grid every list is drawn with: fits the terminal, loses no text, keeps numbers whole."""
from rich.cells import cell_len

from pmcs.render.output import grid


def test_a_long_cell_wraps_at_spaces_within_the_terminal_and_loses_nothing(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    note = "deposit_yuan: 3000.00; refund_yuan: 2800.00; 美家装饰工程有限公司美家装饰工程有限公司 done"
    grid("title", ["when", "who", "what"], [["2026-11-23 09:30", "王芳", note], ["x", "y", "z"]], footer="2 rows")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "title" and lines[-1] == "2 rows"
    assert all(cell_len(line) <= 40 for line in lines)
    start = cell_len(lines[1][:lines[1].index("what")])
    pieces = [line[cell_index(line, start):] for line in lines[3:-2]]
    assert len(pieces) > 2  # it did wrap
    words = " ".join(pieces).split()
    assert "3000.00;" in words and "2800.00;" in words  # numbers are never cut across lines
    assert "".join(pieces).replace(" ", "") == note.replace(" ", "")
    assert lines[-2].startswith("x ")  # the next row starts on its own line


def test_a_list_that_must_stay_one_line_a_row_is_cut_with_an_ellipsis(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    grid(None, ["no", "about"], [["TS-2026-0001", "a very long category name indeed"]], give_way=(1,), wrap=False)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[2].startswith("TS-2026-0001") and lines[2].endswith("…")
    assert all(cell_len(line) <= 30 for line in lines)


def test_a_long_label_gives_way_before_a_date_and_headers_wrap_instead_of_being_cut(capsys, monkeypatch):
    """One 46-cell label used to squeeze every column to 8 cells, dates split over two lines;
    two headers cut to "Respons…" could not be told apart."""
    monkeypatch.setenv("COLUMNS", "48")
    grid(None, ["follow up", "party type", "Responses", "Response rate"],
         [["2026-12-03", "government/street office/residents' committee", "304", "86.1%"]])
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_len(line) <= 48 for line in lines)
    assert "2026-12-03" in lines[3]  # the date whole, on the row's first line
    assert "Responses" in lines[0] and "…" not in "".join(lines)
    assert any("rate" in line for line in lines[:2])  # "Response rate" wrapped at its space


def test_a_long_footer_wraps_within_the_terminal(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    footer = "Scores in order: service repairs cleaning landscaping security parking fees community overall"
    grid(None, ["unit"], [["1-1-101"]], footer=footer)
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_len(line) <= 40 for line in lines) and " ".join(lines[3:]) == footer


def cell_index(line: str, cells: int) -> int:
    """The index in ``line`` where ``cells`` terminal cells have been used."""
    used = 0
    for i, ch in enumerate(line):
        if used >= cells:
            return i
        used += cell_len(ch)
    return len(line)
