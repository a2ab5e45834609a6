"""pmcs survey report: the figures, compare, benchmark, before/after, and the HTML/SVG files."""
import json
import re

import pytest

import survey_estate
from pmcs.core.survey_stats import wilson

BIG = {"1": 150, "2": 100, "3": 50}


@pytest.fixture
def estate(session):
    return survey_estate.build(session, BIG)


def import_scores(pmcs, tmp_path, survey, rows, name="f.csv"):
    """rows: [(unit, {dim: score})]."""
    dims = sorted({d for _, scores in rows for d in scores})
    lines = ["unit," + ",".join(dims)] + [u + "," + ",".join(str(s.get(d, "")) for d in dims) for u, s in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pmcs.ok("survey", "import", survey, str(path))


def report(pmcs, *args):
    return json.loads(pmcs.ok("survey", "report", *args, "--format", "json").stdout)


def levels(satisfied, total, offset=0):
    """``satisfied`` answers of 4/5 and the rest 3/2/1, in a fixed pattern."""
    return [(5 if (i + offset) % 3 == 0 else 4) if i < satisfied else 3 - i % 3 for i in range(total)]


def test_270_of_300_gives_the_wilson_interval_index_and_distribution(pmcs, estate, tmp_path):
    pmcs.ok("survey", "new", "S", "--period", "2026-H2", "--method", "paper")
    scores = levels(270, 300)
    rows = [(u, {"overall": s, "repairs": "x" if i < 12 else s}) for i, (u, s) in enumerate(zip(estate, scores))]
    import_scores(pmcs, tmp_path, "S", rows)
    r = report(pmcs, "S")
    ov = r["overall"]
    low, high = wilson(270, 300)
    assert (ov["n"], ov["satisfied"], ov["rate"]) == (300, 270, 0.9)
    assert (ov["low"], ov["high"]) == (round(low, 3), round(high, 3)) == (0.861, 0.929)
    mean = sum(scores) / 300
    assert ov["index"] == round((mean - 1) / 4 * 100, 1)
    assert ov["distribution"] == {str(k): scores.count(k) for k in (5, 4, 3, 2, 1)}
    repairs = next(d for d in r["dimensions"] if d["code"] == "repairs")
    assert repairs["n"] == 288 and repairs["dont_know"] == 12  # don't know is not a valid answer
    assert r["overall_basis"] == "question" and r["response"]["responses"] == 300
    text = pmcs.ok("survey", "report", "S").stdout
    assert "90.0%" in text and "0.861–0.929" in text


def test_targets_lowest_and_per_building(pmcs, estate, tmp_path):
    pmcs.ok("survey", "new", "S", "--period", "2026-H2", "--method", "door")
    rows = []
    for i, u in enumerate(estate[:200]):
        rows.append((u, {"service": 5, "parking": 4 if i % 10 < 7 else 2, "fees": 4 if i % 10 < 8 else 2,
                         "cleaning": 4 if i % 100 < 89 else 3, "overall": 4}))
    import_scores(pmcs, tmp_path, "S", rows)
    r = report(pmcs, "S")
    by = {d["code"]: d for d in r["dimensions"]}
    assert r["lowest"] == ["parking", "fees", "cleaning"]
    assert set(r["under_target"]) == {"parking", "fees", "cleaning"}
    assert by["parking"]["clearly_under"] and not by["cleaning"]["clearly_under"]  # 89 %: its interval reaches 90 %
    assert by["repairs"]["n"] == 0 and by["repairs"]["rate"] is None
    assert [b["building"] for b in r["buildings"]] == ["1", "2"]
    assert r["buildings"][0]["overall"]["n"] == 150
    assert report(pmcs, "S", "--target", "0.65")["under_target"] == []


def test_only_the_sample_counts_when_there_is_one(pmcs, estate, tmp_path):
    pmcs.ok("survey", "new", "S", "--period", "2026-H2", "--method", "door")
    units = [u["unit"] for u in json.loads(pmcs.ok("survey", "sample", "S", "--size", "20", "--seed", "2",
                                                   "--format", "json").stdout)["units"]]
    outside = [u for u in estate if u not in units][:10]
    import_scores(pmcs, tmp_path, "S", [(u, {"overall": 5}) for u in units[:16]] +
                  [(u, {"overall": 1}) for u in outside])
    r = report(pmcs, "S")
    assert r["overall"]["n"] == 16 and r["overall"]["rate"] == 1.0
    assert (r["response"]["rate"], r["response"]["outside_sample"]) == (0.8, 10)
    every = report(pmcs, "S", "--all-responses")
    assert every["overall"]["n"] == 26


def two_surveys(pmcs, estate, tmp_path):
    pmcs.ok("survey", "new", "H1", "--period", "2026-H1", "--method", "door")
    pmcs.ok("survey", "new", "H2", "--period", "2026-H2", "--method", "phone")
    before = levels(66, 100)
    after = levels(85, 100, 1)
    import_scores(pmcs, tmp_path, "H1", [(u, {"parking": s, "overall": 4}) for u, s in zip(estate, before)], "a.csv")
    import_scores(pmcs, tmp_path, "H2", [(u, {"parking": s, "overall": 4}) for u, s in zip(estate[100:], after)], "b.csv")


def test_compare_with_the_previous_survey(pmcs, estate, tmp_path):
    two_surveys(pmcs, estate, tmp_path)
    r = report(pmcs, "H2", "--compare", "H1")
    parking = next(d for d in r["dimensions"] if d["code"] == "parking")
    assert parking["previous"]["rate"] == 0.66 and parking["rate"] == 0.85
    assert parking["change"]["rate_pp"] == 19.0 and parking["change"]["significant"] is True
    assert r["compare"]["name"] == "H1"
    assert pmcs("survey", "report", "H2", "--compare", "H2").exit_code == 1
    assert pmcs("survey", "report", "H2", "--compare", "nope").exit_code == 3


def test_actions_show_before_and_after_in_the_next_report(pmcs, estate, tmp_path):
    two_surveys(pmcs, estate, tmp_path)
    pmcs.ok("survey", "action", "add", "H1", "--dimension", "停车管理", "--plan", "新增临时车位", "--owner", "S004",
            "--due", "2026-09-30")
    pmcs.ok("survey", "action", "done", "SA1", "--result", "新增 40 个车位")
    r = report(pmcs, "H2")  # no --compare: the survey before it
    [follow] = r["follow_up"]
    assert follow["dimension"] == "parking" and follow["survey_before"] == "H1"
    assert (follow["before"]["rate"], follow["after"]["rate"], follow["change"]["rate_pp"]) == (0.66, 0.85, 19.0)
    assert follow["actions"][0] | {} == {"ref": "SA0001", "plan": "新增临时车位", "owner": "S004", "due": "2026-09-30",
                                         "status": "done", "result": "新增 40 个车位"}
    assert report(pmcs, "H1")["follow_up"] == []
    assert "SA0001" in pmcs.ok("survey", "report", "H2").stdout


def test_benchmark_side_by_side(pmcs, estate, tmp_path):
    two_surveys(pmcs, estate, tmp_path)
    pmcs.ok("survey", "new", "Rival", "--period", "2026-H2", "--method", "door", "--benchmark", "翠湖名苑")
    for s in (5, 4, 2, 4):
        pmcs.ok("survey", "respond", "Rival", "--score", f"parking={s}")
    r = report(pmcs, "H2")  # same period: picked up without asking
    parking = next(d for d in r["dimensions"] if d["code"] == "parking")
    assert parking["benchmark"]["n"] == 4 and parking["benchmark"]["rate"] == 0.75
    assert r["benchmark"]["benchmark"] == "翠湖名苑"
    assert "翠湖名苑" in pmcs.ok("survey", "report", "H2").stdout
    assert pmcs("survey", "report", "H2", "--benchmark", "H1").exit_code == 1  # not a benchmark survey


def test_html_and_svg_are_self_contained_with_the_same_figures(pmcs, estate, tmp_path):
    two_surveys(pmcs, estate, tmp_path)
    pmcs.ok("survey", "new", "<b>&Rival", "--period", "2026-H2", "--method", "door", "--benchmark", "<script>x")
    pmcs.ok("survey", "respond", "<b>&Rival", "--score", "parking=4")
    html, svg = tmp_path / "r.html", tmp_path / "r.svg"
    result = pmcs.ok("survey", "report", "H2", "--compare", "H1", "--html", str(html), "--svg", str(svg))
    assert result.stdout == ""
    page, picture = html.read_text(encoding="utf-8"), svg.read_text(encoding="utf-8")
    for text in (page, picture):
        assert "85.0%" in text and "66.0%" in text and "+19.0" in text
        assert "&lt;script&gt;x" in text and "<script" not in text
        outside = re.findall(r"(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)", text)
        assert outside == []
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 3
    assert picture.startswith("<svg") and picture.rstrip().endswith("</svg>")
    import xml.dom.minidom

    xml.dom.minidom.parseString(picture)  # well-formed


def test_report_in_chinese(pmcs, estate, tmp_path):
    two_surveys(pmcs, estate, tmp_path)
    text = pmcs.ok("--lang", "zh", "survey", "report", "H2").stdout
    assert "满意度调查报告" in text and "停车管理" in text and "满意度指数" in text


def test_terminal_report_keeps_every_column_when_piped(pmcs, estate, tmp_path, monkeypatch):
    """Piped output is 80 columns: the bars shrink, no figure is cut off."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    two_surveys(pmcs, estate, tmp_path)
    text = pmcs.ok("survey", "report", "H2").stdout
    assert "…" not in text
    parking = next(line for line in text.splitlines() if line.startswith(" parking"))
    assert re.search(r"█.*\s85\.0%\s+0\.\d{3}–0\.\d{3}\s+\d+\.\d\s+100\s+0\s+!!?$", parking), parking
    grid_lines = [line for line in text.splitlines() if "█" in line and not line.startswith("  █")]
    assert grid_lines and max(cell_len(line) for line in grid_lines) <= 80
    text = pmcs.ok("--lang", "zh", "survey", "report", "H2", "--compare", "H1").stdout
    parking = next(line for line in text.splitlines() if line.startswith(" 停车管理"))
    assert "…" not in text and re.search(r"\s100\s+0\s+\+19\.0pp\*\s+!!?$", parking), parking


def test_stacked_bar_cells_follow_the_cumulative_shares():
    from pmcs.render.survey_report import stacked

    bar = stacked({"5": 93, "4": 125, "3": 12, "2": 6, "1": 0}, 30)
    # edges at 30·(93, 218, 230, 236)/236 = 11.8, 27.7, 29.2, 30 → 12, 28, 29, 30
    assert [(span.end - span.start, span.style) for span in bar.spans] == [
        (12, "green4"), (16, "green3"), (1, "yellow3"), (1, "dark_orange")]
    assert len(bar.plain) == 30


def test_notes_list_dimensions_in_the_language_of_the_report(pmcs, estate, tmp_path):
    pmcs.ok("survey", "new", "S", "--period", "2026-H2", "--method", "door")
    import_scores(pmcs, tmp_path, "S", [(u, {"parking": 2 + i % 3, "fees": 3 + i % 2}) for i, u in enumerate(estate)])
    lowest = next(line for line in pmcs.ok("survey", "report", "S").stdout.splitlines() if "Lowest" in line)
    assert "、" not in lowest and "%, " in lowest
    text = pmcs.ok("--lang", "zh", "survey", "report", "S").stdout
    assert "、" in next(line for line in text.splitlines() if "得分最低" in line)
