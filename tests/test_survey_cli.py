"""pmcs survey: new, sample, respond, import, status — through the CLI, checking the database."""
import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import survey_estate


@pytest.fixture
def estate(session, pmcs):
    households = survey_estate.build(session)
    pmcs.ok("survey", "new", "H2", "--period", "2026-H2", "--method", "door", "--closes", "2026-12-10",
            "--gift", "环保袋")
    return households


def sample_json(pmcs, *args):
    return json.loads(pmcs.ok("survey", "sample", "H2", "--format", "json", *args).stdout)


def test_new_survey_has_the_default_questionnaire(pmcs, estate):
    shown = json.loads(pmcs.ok("survey", "show", "H2", "--format", "json").stdout)
    assert [d["code"] for d in shown["dimensions"]] == ["service", "repairs", "cleaning", "landscaping", "security",
                                                        "parking", "fees", "community", "overall"]
    assert shown["period"] == "2026-H2" and shown["method"] == "door" and shown["gift"] == "环保袋"
    assert shown["owner"] == "S001"  # the acting clerk 王芳
    listed = json.loads(pmcs.ok("survey", "list", "--format", "json").stdout)
    assert [s["name"] for s in listed] == ["H2"]


@pytest.mark.parametrize("args,code", [
    (["H2", "--period", "2026-H2", "--method", "door"], 1),  # exists
    (["X", "--period", "2026-H3", "--method", "door"], 1),
    (["X", "--period", "2026-H2", "--method", "pigeon"], 1),
    (["X", "--period", "2026-H2", "--method", "door", "--closes", "soon"], 1),
    (["X", "--period", "2026-H2", "--method", "door", "--owner", "S999"], 3),
    (["X", "--period", "2026-H2", "--method", "door", "--dimensions", "service,nosuch"], 1),
    (["X", "--period", "2026-H2", "--method", "door", "--target", "150%"], 1),
])
def test_bad_new_writes_nothing(pmcs, estate, args, code):
    before = pmcs.dump()
    result = pmcs("survey", "new", *args)
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert pmcs.dump() == before


def test_questionnaire_is_editable_per_survey(pmcs, estate):
    pmcs.ok("survey", "new", "Short", "--period", "2026-Q4", "--method", "phone", "--dimensions", "repairs,总体")
    pmcs.ok("survey", "dimension", "set", "Short", "elevator", "--zh", "电梯运行", "--en", "lifts", "--weight", "2")
    pmcs.ok("survey", "dimension", "set", "Short", "repairs", "--zh", "维修及时")
    dims = json.loads(pmcs.ok("survey", "show", "Short", "--format", "json").stdout)["dimensions"]
    assert [(d["code"], d["zh"]) for d in dims] == [("repairs", "维修及时"), ("overall", "总体"), ("elevator", "电梯运行")]
    assert len(json.loads(pmcs.ok("survey", "show", "H2", "--format", "json").stdout)["dimensions"]) == 9
    pmcs.ok("survey", "respond", "Short", estate[0], "--score", "电梯运行=4")
    assert pmcs("survey", "dimension", "remove", "Short", "elevator").exit_code == 4  # answered
    pmcs.ok("survey", "dimension", "remove", "Short", "repairs")
    assert pmcs("survey", "dimension", "set", "Short", "Bad Code!", "--zh", "x").exit_code == 1


def test_sample_size_population_and_strata(pmcs, estate):
    out = sample_json(pmcs, "--seed", "42")
    assert out["population"] == 100  # occupied + handed over flats; not vacant flats, not shops
    assert out["size"] == 80 == out["drawn"]  # the published table: N = 100 → 80
    assert [(s["stratum"], s["population"], s["drawn"]) for s in out["strata"]] == [
        ("1", 60, 48), ("2", 30, 24), ("3", 10, 8)]
    assert len(out["units"]) == 80 and out["seed"] == 42
    assert all("****" in u["phone"] for u in out["units"])  # contact masked
    stored = pmcs.rows("SELECT seed, json_extract(sample, '$.drawn') FROM surveys WHERE name = 'H2'")
    assert stored == [(42, 80)]
    assert pmcs.rows("SELECT count(*) FROM survey_sample")[0][0] == 80


def test_same_seed_same_units_and_replace_is_needed(pmcs, estate):
    first = [u["unit"] for u in sample_json(pmcs, "--seed", "7", "--size", "20")["units"]]
    before = pmcs.dump()
    refused = pmcs("survey", "sample", "H2", "--seed", "8")
    assert refused.exit_code == 4 and "--replace" in refused.stderr
    assert pmcs.dump() == before
    other = [u["unit"] for u in sample_json(pmcs, "--seed", "8", "--size", "20", "--replace")["units"]]
    again = [u["unit"] for u in sample_json(pmcs, "--seed", "7", "--size", "20", "--replace")["units"]]
    assert again == first != other
    shown = json.loads(pmcs.ok("survey", "sample", "H2", "--show", "--format", "json").stdout)
    assert [u["unit"] for u in shown["units"]] == first


def test_expected_response_inflates_and_surveyors_are_balanced(pmcs, estate):
    out = sample_json(pmcs, "--size", "40", "--expected-response", "80%", "--assign", "S001,李娜,S003", "--seed", "1")
    assert out["size"] == 40 and out["drawn"] == 50
    loads = {}
    for u in out["units"]:
        loads[u["surveyor"]] = loads.get(u["surveyor"], 0) + 1
    assert loads == {"S001": 17, "S002": 17, "S003": 16}
    csv = pmcs.ok("survey", "sample", "H2", "--show", "--format", "csv").stdout
    assert csv.splitlines()[0] == "no,unit,building,contact,phone,surveyor" and len(csv.splitlines()) == 51


def test_exclude_households_surveyed_recently(pmcs, estate):
    pmcs.ok("survey", "new", "H1", "--period", "2026-H1", "--method", "door")
    for code in estate[:30]:
        pmcs.ok("survey", "respond", "H1", code, "--score", "overall=4", "--date", "2026-09-01")
    for code in estate[30:35]:  # answered long ago: still eligible
        pmcs.ok("survey", "respond", "H1", code, "--score", "overall=4", "--date", "2026-03-01")
    out = sample_json(pmcs, "--exclude-surveyed-within", "180d", "--size", "70", "--seed", "3")
    assert (out["population"], out["eligible"], out["excluded"]) == (100, 70, 30)
    assert not set(u["unit"] for u in out["units"]) & set(estate[:30])


def test_excluding_recent_answers_keeps_the_size_and_the_proportions_of_the_whole_estate(pmcs, estate):
    pmcs.ok("survey", "new", "H1", "--period", "2026-H1", "--method", "door")
    for code in estate[:30]:  # half of building 1 answered in September
        pmcs.ok("survey", "respond", "H1", code, "--score", "overall=4", "--date", "2026-09-01")
    out = sample_json(pmcs, "--exclude-surveyed-within", "180d", "--margin", "0.1", "--seed", "3")
    # ±10 %: n0 = 3.841·0.25/0.01 = 96.03; N = 100 households → 49 (not N = 70 → 41)
    assert (out["population"], out["size"], out["drawn"]) == (100, 49, 49)
    # 49 shared by the whole buildings (60, 30, 10), not by who is left (30, 30, 10)
    assert [(s["stratum"], s["population"], s["eligible"], s["drawn"]) for s in out["strata"]] == [
        ("1", 60, 30, 29), ("2", 30, 30, 15), ("3", 10, 10, 5)]
    assert not set(u["unit"] for u in out["units"]) & set(estate[:30])


@pytest.mark.parametrize("args,code", [(["--margin", "abc"], 1), (["--size", "0"], 1), (["--stratify", "floor"], 1),
                                       (["--assign", "S001,S999"], 3), (["--exclude-surveyed-within", "soon"], 1),
                                       (["--expected-response", "0"], 1)])
def test_bad_sample_options_write_nothing(pmcs, estate, args, code):
    before = pmcs.dump()
    result = pmcs("survey", "sample", "H2", *args)
    assert result.exit_code == code, result.stderr
    assert pmcs.dump() == before


def test_benchmark_survey_has_no_sample_and_no_units(pmcs, estate):
    pmcs.ok("survey", "new", "Rival", "--period", "2026-H2", "--method", "door", "--benchmark", "翠湖名苑")
    assert pmcs("survey", "sample", "Rival").exit_code == 4
    assert pmcs("survey", "respond", "Rival", estate[0], "--score", "overall=4").exit_code == 1
    pmcs.ok("survey", "respond", "Rival", "--score", "overall=5", "--respondent", "翠湖 3栋")
    assert pmcs.rows("SELECT unit_id, respondent FROM survey_responses") == [(None, "翠湖 3栋")]


def test_respond_records_scores_gift_and_marks_outside_the_sample(pmcs, estate):
    units = [u["unit"] for u in sample_json(pmcs, "--size", "10", "--seed", "5", "--assign", "S002")["units"]]
    inside = units[0]
    outside = next(c for c in estate if c not in units)
    pmcs.ok("survey", "respond", "H2", inside, "--score", "service=5", "--score", "工程维修=2", "--score",
            "parking=x", "--comment", "电梯太慢", "--gift-given")
    result = pmcs.ok("survey", "respond", "H2", outside, "-s", "overall=4")
    assert "not in the sample" in result.stdout
    rows = pmcs.rows("SELECT u.code, r.in_sample, r.surveyor, r.gift_given, r.comment FROM survey_responses r "
                     "JOIN units u ON u.id = r.unit_id ORDER BY r.id")
    assert rows == [(inside, 1, "S002", 1, "电梯太慢"), (outside, 0, "S001", 0, None)]
    scores = pmcs.rows("SELECT dimension, score FROM survey_scores WHERE response_id = 1 ORDER BY dimension")
    assert scores == [("parking", None), ("repairs", 2), ("service", 5)]


@pytest.mark.parametrize("args,code", [
    (["--score", "overall=6"], 1), (["--score", "overall=a"], 1), (["--score", "nosuch=3"], 1), ([], 1),
    (["--score", "overall"], 1), (["--score", "overall=3", "--date", "2027-01-01"], 1),
    (["--score", "overall=3", "--surveyor", "S999"], 3),
    (["--score", "overall=4", "--score", "总体=5"], 1),  # one dimension twice: which one did they say?
])
def test_bad_responses_write_nothing(pmcs, estate, args, code):
    before = pmcs.dump()
    result = pmcs("survey", "respond", "H2", estate[0], *args)
    assert result.exit_code == code, result.stderr
    assert pmcs.dump() == before


def test_a_household_answers_once_unless_replaced(pmcs, estate):
    pmcs.ok("survey", "respond", "H2", estate[0], "-s", "overall=2")
    assert pmcs("survey", "respond", "H2", estate[0], "-s", "overall=5").exit_code == 1
    pmcs.ok("survey", "respond", "H2", estate[0], "-s", "overall=5", "--replace")
    assert pmcs.rows("SELECT score FROM survey_scores") == [(5,)]
    assert pmcs("survey", "respond", "H2", "9-9-999", "-s", "overall=5").exit_code == 3


def test_closed_survey_takes_no_responses(pmcs, estate):
    pmcs.ok("survey", "close", "H2")
    assert pmcs("survey", "respond", "H2", estate[0], "-s", "overall=4").exit_code == 4
    assert pmcs("survey", "close", "H2").exit_code == 4
    pmcs.ok("survey", "reopen", "H2")
    pmcs.ok("survey", "respond", "H2", estate[0], "-s", "overall=4")


def test_prompts_for_each_dimension_on_a_terminal(monkeypatch):
    from pmcs.cli import survey as cli
    from pmcs.core.surveys import default_questionnaire

    answers = iter(["5", "7", "4", "x", "", "3", "", "", "", ""])
    monkeypatch.setattr(cli.typer, "prompt", lambda *a, **k: next(answers))
    got = cli.prompt_scores(default_questionnaire(), {"overall": 4})
    assert got == {"overall": 4, "service": 5, "repairs": 4, "cleaning": None, "security": 3}


def write(tmp_path, text, name="forms.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


@pytest.mark.parametrize("bad", ["6", "a"])
def test_import_with_one_bad_score_changes_nothing_and_names_the_line(pmcs, estate, tmp_path, bad):
    rows = [f"{estate[i]},5,4,x,4,很好,是" for i in range(5)]
    rows[2] = f"{estate[2]},5,{bad},3,4,,"
    path = write(tmp_path, "房号,客户服务,工程维修,停车管理,总体,意见,纪念品\n" + "\n".join(rows) + "\n")
    before = pmcs.dump()
    result = pmcs("survey", "import", "H2", path)
    assert result.exit_code == 1
    assert "line 4" in result.stderr and f"'{bad}'" in result.stderr and "repairs" in result.stderr
    assert pmcs.dump() == before


def test_import_paper_forms(pmcs, estate, tmp_path):
    units = [u["unit"] for u in sample_json(pmcs, "--size", "10", "--seed", "5", "--assign", "S003")["units"]]
    outside = next(c for c in estate if c not in units)
    text = ("房号,客户服务,工程维修,停车管理,总体,意见,纪念品,日期\n"
            f"{units[0]},5,4,x,满意,电梯慢,是,2026-11-20\n{units[1]},3,,2,4,,否,\n{outside},4,4,4,4,,,\n")
    path = write(tmp_path, text, encoding="gb18030")
    assert "nothing written" in pmcs.ok("survey", "import", "H2", path, "--dry-run").stdout
    assert pmcs.rows("SELECT count(*) FROM survey_responses") == [(0,)]
    out = pmcs.ok("survey", "import", "H2", path).stdout
    assert "3 responses added" in out and "1 outside" in out
    rows = pmcs.rows("SELECT u.code, r.in_sample, r.surveyor, r.gift_given, r.source, substr(r.responded_at, 1, 10) "
                     "FROM survey_responses r JOIN units u ON u.id = r.unit_id ORDER BY r.id")
    assert rows[0] == (units[0], 1, "S003", 1, "import", "2026-11-20")
    assert rows[2][:2] == (outside, 0)
    assert pmcs.rows("SELECT count(*) FROM survey_scores WHERE response_id = 2") == [(3,)]  # the blank is skipped
    again = pmcs("survey", "import", "H2", path)
    assert again.exit_code == 1 and "already answered" in again.stderr
    pmcs.ok("survey", "import", "H2", path, "--replace")
    assert pmcs.rows("SELECT count(*) FROM survey_responses") == [(3,)]
    assert pmcs.rows("SELECT count(*) FROM events WHERE action = 'response'") == [(6,)]


def test_responses_exported_import_back_into_another_survey_unchanged(pmcs, estate, tmp_path):
    units = [u["unit"] for u in sample_json(pmcs, "--size", "10", "--seed", "5", "--assign", "S003")["units"]]
    pmcs.ok("survey", "respond", "H2", units[0], "-s", "overall=5", "-s", "service=x", "--comment", "电梯慢\n门禁坏",
            "--gift-given", "--respondent", "王先生", "--date", "2026-11-20")
    pmcs.ok("survey", "respond", "H2", units[1], "-s", "overall=3")
    exported = pmcs.ok("survey", "responses", "H2", "--format", "csv").stdout
    pmcs.ok("survey", "new", "H2b", "--period", "2026-H2", "--method", "door")
    result = pmcs.ok("survey", "import", "H2b", write(tmp_path, exported))
    assert "not read" not in result.stderr
    again = pmcs.ok("survey", "responses", "H2b", "--format", "csv").stdout

    def rows(text):  # in_sample left out: H2b has no sample of its own
        return [{k: v for k, v in r.items() if k != "in_sample"} for r in csv.DictReader(io.StringIO(text))]

    assert rows(exported)[0]["responded_at"] == "2026-11-20T04:00:00Z"  # noon in Shanghai, exact
    assert rows(again) == rows(exported) and len(rows(again)) == 2


def test_import_problems(pmcs, estate, tmp_path):
    no_dims = write(tmp_path, "房号,意见\n1-1-101,x\n", "a.csv")
    assert pmcs("survey", "import", "H2", no_dims).exit_code == 1
    dup = write(tmp_path, f"unit,overall\n{estate[0]},4\n{estate[0]},5\n9-9-9,4\n{estate[1]},\n", "b.csv")
    result = pmcs("survey", "import", "H2", dup)
    assert result.exit_code == 1
    assert "line 3" in result.stderr and "line 4" in result.stderr and "line 5" in result.stderr


def test_status_by_building_and_surveyor(pmcs, estate):
    out = sample_json(pmcs, "--size", "20", "--seed", "11", "--assign", "S001,S002")
    units = [u["unit"] for u in out["units"]]
    for code in units[:17]:
        pmcs.ok("survey", "respond", "H2", code, "-s", "overall=4")
    st = json.loads(pmcs.ok("survey", "status", "H2", "--format", "json").stdout)
    assert (st["sampled"], st["responded"], st["rate"], st["target"]) == (20, 17, 0.85, 0.8)
    assert st["below_target"] is False
    assert {g["surveyor"]: (g["sampled"], g["responded"]) for g in st["surveyors"]} == {"S001": (10, 10), "S002": (10, 7)}
    assert sum(g["sampled"] for g in st["buildings"]) == 20
    assert sorted(u["unit"] for u in st["to_reach"]) == sorted(units[17:])
    table = pmcs.ok("survey", "status", "H2").stdout
    assert "85.0%" in table and units[19] in table


TEXT = st.one_of(st.sampled_from(["", " ", "\x1b[31m", "\u202e", "[bold]x[/bold]", "'; DROP TABLE surveys; --",
                                  "%s {0}", "x" * 5000, "王" * 300, "6", "-1", "1e309", "NaN", "0", "100%", "x",
                                  "repairs=6", "总体=满意", "=1+1", "2026-02-30", "S999", "²", "٣", "SA٣"]),
                 st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20))


@given(name=TEXT, period=TEXT, target=TEXT, score=TEXT, unit=TEXT, margin=TEXT, size=TEXT)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_input_gets_one_line_and_no_internal_error(pmcs, tmp_path, name, period, target, score, unit, margin,
                                                           size):
    if not pmcs.db_path.exists():
        pmcs.ok("unit", "add", "1-1-101", "--status", "occupied")
        pmcs.ok("survey", "new", "S", "--period", "2026-H2", "--method", "door")
    before = pmcs.dump()
    runs = [("survey", "new", name, "--period", period, "--method", "door", "--target", target),
            ("survey", "respond", "S", unit, "--score", score, "--comment", name),
            ("survey", "sample", "S", "--margin", margin, "--size", size),
            ("survey", "dimension", "set", "S", name, "--zh", score),
            ("survey", "action", "add", "S", "--dimension", score, "--plan", name, "--owner", unit, "--due", period),
            ("survey", "report", "S", "--target", target, "--compare", name)]
    path = tmp_path / "f.csv"
    path.write_text(f"unit,overall,comment\n{unit},{score},{name}\n", encoding="utf-8")
    runs.append(("survey", "import", "S", str(path)))
    for argv in runs:
        result = pmcs(*argv)
        assert result.exit_code in (0, 1, 2, 3, 4), (argv, result.stderr)
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, (argv, result.stderr)
        if result.exit_code:
            assert pmcs.dump() == before, argv
        before = pmcs.dump()
