"""CSV import/export helpers (DESIGN §3 "CSV import")."""
from __future__ import annotations

import codecs
import io
import os
import stat
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmcs.core.fields import Field
from pmcs.csvio import (
    DANGEROUS,
    SNIFF_BYTES,
    LineErrors,
    neutralise,
    normalise_encoding,
    open_output,
    read_csv,
    unneutralise,
    write_csv,
    write_private,
)
from pmcs.core.registry import UNIT
from pmcs.errors import UserError

UNIT_FIELDS = UNIT.fields

FIELDS = (
    Field("code", aliases=("房号", "unit")),
    Field("name", aliases=("姓名",)),
    Field("id_no", aliases=("身份证号", "ID number")),
    Field("phone", aliases=("电话",)),
)


def write(tmp_path, data: bytes, name="in.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def rows(source):
    return list(source)


def raises(key, fn, *args, **kw) -> UserError:
    with pytest.raises(UserError) as info:
        fn(*args, **kw)
    assert info.value.key == key, info.value.key
    return info.value


# --- encodings -------------------------------------------------------------

CHINESE = "房号,姓名,身份证号\r\n1-101,张三,11010519491231002X\r\n1-102,李四,110105194912310021\r\n"


def test_gb18030_detected_and_read(tmp_path):
    src = read_csv(write(tmp_path, CHINESE.encode("gb18030")), FIELDS)
    assert src.encoding == "gb18030"
    assert src.columns == ["code", "name", "id_no"]
    assert rows(src) == [
        (2, {"code": "1-101", "name": "张三", "id_no": "11010519491231002X"}),
        (3, {"code": "1-102", "name": "李四", "id_no": "110105194912310021"}),
    ]


def test_utf8_with_bom(tmp_path):
    src = read_csv(write(tmp_path, CHINESE.encode("utf-8-sig")), FIELDS, required=["code"])
    assert src.encoding == "utf-8-sig"
    assert src.columns[0] == "code"  # the BOM is not part of the first header
    assert rows(src)[0][1]["name"] == "张三"


def test_plain_utf8(tmp_path):
    src = read_csv(write(tmp_path, CHINESE.encode("utf-8")), FIELDS)
    assert src.encoding == "utf-8"
    assert [r["name"] for _, r in src] == ["张三", "李四"]


def test_encoding_override(tmp_path):
    path = write(tmp_path, CHINESE.encode("gb18030"))
    src = read_csv(path, FIELDS, encoding="GBK")  # GBK family widened to gb18030
    assert src.encoding == "gb18030"
    assert rows(src)[1][1]["name"] == "李四"
    # forcing the wrong encoding fails cleanly, naming the header line
    err = raises("error.encoding", read_csv, path, FIELDS, encoding="utf-8")
    assert err.params["line"] == 1 and err.hint == "hint.encoding"


def test_utf8_char_cut_at_sniff_boundary_is_still_utf8(tmp_path):
    head = b"code,name\r\n"
    filler = b"x" * (SNIFF_BYTES - len(head) - 1 - 2)  # "中" (3 bytes) straddles 1 MiB
    data = head + b"1," + filler + "中".encode() + b"\r\n"
    src = read_csv(write(tmp_path, data), FIELDS)
    assert src.encoding == "utf-8"
    assert rows(src)[0][1]["name"].endswith("中")


def test_bad_bytes_after_sniff_window_report_their_line(tmp_path):
    body = b"".join(b"%d,name\r\n" % i for i in range(120_000))  # > 1 MiB of ASCII
    assert len(body) > SNIFF_BYTES
    data = b"code,name\r\n" + body + "9,王五\r\n".encode("gb18030")
    src = read_csv(write(tmp_path, data), FIELDS)
    assert src.encoding == "utf-8"
    err = raises("error.encoding", rows, src)
    assert err.params["line"] == 120_002
    assert err.params["encoding"] == "utf-8"


def test_bad_bytes_line_counts_every_line_ending(tmp_path):
    """Blocks are decoded whole: the line of a bad byte is still exact, counting lone CRs."""
    data = b"code,name\r1,a\r\n2,b\r" + "3,王\r".encode("gb18030") + b"4,d\r"
    with pytest.raises(UserError) as e:
        rows(read_csv(write(tmp_path, data), FIELDS, encoding="utf-8"))
    assert e.value.key == "error.encoding" and e.value.params["line"] == 4


def test_truncated_char_at_end_of_file(tmp_path):
    data = "code,name\r\n1,中".encode()[:-1]
    err = raises("error.encoding", rows, read_csv(write(tmp_path, data), FIELDS, encoding="utf-8"))
    assert err.params["line"] == 2  # the last line, not one past it


@pytest.mark.parametrize("body,line", [(b"code,name\n1,a\n\xff\n", 3), (b"code,name\n\n\n\xff\n", 4)])
def test_bad_byte_after_a_bom_names_its_line(tmp_path, body, line):
    """The BOM is three bytes the decoder drops: they must not shift the count."""
    path = write(tmp_path, codecs.BOM_UTF8 + body)
    err = raises("error.encoding", lambda: rows(read_csv(path, FIELDS)))
    assert err.params["line"] == line


def test_lone_cr_file_larger_than_a_block_reads_every_line(tmp_path, monkeypatch):
    """Old Mac files end lines with CR only: blocks are cut after a CR too (never inside
    a CRLF), with the right line numbers, and a bad byte far down is pinned exactly."""
    import pmcs.csvio as csvio

    monkeypatch.setattr(csvio, "SNIFF_BYTES", 64)
    monkeypatch.setattr(csvio, "BLOCK", 50)
    body = b"".join(b"%d,n%d\r" % (i, i) for i in range(500)) + b"x,\r\n" * 3
    got = rows(read_csv(write(tmp_path, b"code,name\r" + body), FIELDS))
    assert [(line, r["code"]) for line, r in got][:3] == [(2, "0"), (3, "1"), (4, "2")]
    assert got[499] == (501, {"code": "499", "name": "n499"}) and [x[0] for x in got[500:]] == [502, 503, 504]
    err = raises("error.encoding", rows, read_csv(write(tmp_path, b"code,name\r" + body + b"\xff\r", "bad.csv"), FIELDS,
                                                   encoding="utf-8"))
    assert err.params["line"] == 505


def test_nul_byte_is_a_user_error_not_a_traceback(tmp_path):
    src = read_csv(write(tmp_path, b"code,name\r\n1,a\x00b\r\n"), FIELDS)
    try:
        got = rows(src)
    except UserError as e:  # Python < 3.13: csv refuses NUL
        assert e.key == "error.encoding" and e.params["line"] == 2
    else:
        assert got == [(2, {"code": "1", "name": "a\x00b"})]


@pytest.mark.parametrize(
    "given,expected",
    [("utf8", "utf-8"), ("UTF-8", "utf-8"), ("UTF-8-SIG", "utf-8-sig"), ("utf_8_sig", "utf-8-sig"),
     ("gbk", "gb18030"), ("GB2312", "gb18030"), ("cp936", "gb18030"), ("gb18030", "gb18030"),
     (None, None)],
)
def test_normalise_encoding(given, expected):
    assert normalise_encoding(given) == expected


@pytest.mark.parametrize("bad", ["klingon", "", "utf-16", "base64", "rot13"])
def test_unknown_or_unreadable_encoding(bad):
    err = raises("error.unknown_encoding", normalise_encoding, bad)
    assert err.params["value"] == bad


# --- values and headers ----------------------------------------------------

def test_values_stay_exact_text(tmp_path):
    data = b"unit,ID NUMBER,phone\r\n0101,110105194912310021,007\r\n  0102 ,1.5e3, 13800138000\r\n"
    got = rows(read_csv(write(tmp_path, data), FIELDS))
    assert got[0][1] == {"code": "0101", "id_no": "110105194912310021", "phone": "007"}
    assert got[1][1] == {"code": "0102", "id_no": "1.5e3", "phone": "13800138000"}


@pytest.mark.parametrize(
    "header",
    ["code,name", "CODE,Name", "房号,姓名", "Unit,姓名", " *房号 , 姓名（必填）", "unit*,name(必填)",
     "\ufeffcode,name"],
)
def test_header_aliases(tmp_path, header):
    data = (header + "\r\n1-101,张三\r\n").encode()
    src = read_csv(write(tmp_path, data), FIELDS, required=["code", "name"])
    assert src.columns == ["code", "name"]
    assert rows(src) == [(2, {"code": "1-101", "name": "张三"})]


@pytest.mark.parametrize("header", ["建筑面积(㎡)", "面积（平方米）", "area (m2)", "*面积"])
def test_a_unit_after_a_header_is_read_past(tmp_path, header):
    src = read_csv(write(tmp_path, f"房号,{header}\r\n1-101,88.5\r\n".encode()), UNIT_FIELDS)
    assert src.columns == ["code", "area"] and src.ignored == []


def test_unknown_columns_ignored_and_order_kept(tmp_path):
    data = "备注,name,whatever,房号\r\nnote,张三,x,1-101\r\n".encode()
    src = read_csv(write(tmp_path, data), FIELDS)
    assert src.columns == ["name", "code"]
    assert rows(src) == [(2, {"name": "张三", "code": "1-101"})]


def test_duplicate_header(tmp_path):
    err = raises("error.duplicate_header", read_csv, write(tmp_path, "code,name,房号\r\n".encode()), FIELDS)
    assert err.params["column"] == "房号"
    assert err.params["file"].endswith("in.csv")


def test_missing_required_columns(tmp_path):
    path = write(tmp_path, "电话\r\n123\r\n".encode())
    err = raises("error.missing_columns", read_csv, path, FIELDS, required=["code", "name", "phone"])
    assert err.params["columns"] == "code, name"
    assert err.params["accepted"] == "code/房号/unit; name/姓名"
    assert err.hint == "hint.columns"
    assert "房号" in err.hint_text()


def test_multiline_cell_keeps_line_numbers(tmp_path):
    data = (
        'code,name\r\n'
        '1,"first\r\nsecond\r\nthird"\r\n'
        '2,plain\r\n'
        '\r\n'
        ',\r\n'
        '3,"a\nb"\r\n'
        '4,last\r\n'
    ).encode()
    got = rows(read_csv(write(tmp_path, data), FIELDS))
    assert got == [
        (2, {"code": "1", "name": "first\r\nsecond\r\nthird"}),
        (5, {"code": "2", "name": "plain"}),
        (8, {"code": "3", "name": "a\nb"}),
        (10, {"code": "4", "name": "last"}),
    ]


def test_lone_cr_line_endings(tmp_path):
    data = b'code,name\r1,a\r2,"x\ry"\r3,c'
    assert rows(read_csv(write(tmp_path, data), FIELDS)) == [
        (2, {"code": "1", "name": "a"}),
        (3, {"code": "2", "name": "x\ry"}),
        (5, {"code": "3", "name": "c"}),
    ]


def test_short_and_long_rows(tmp_path):
    data = b"code,name,phone\r\n1\r\n2,b,3,extra,more\r\n"
    assert rows(read_csv(write(tmp_path, data), FIELDS)) == [
        (2, {"code": "1", "name": "", "phone": ""}),
        (3, {"code": "2", "name": "b", "phone": "3"}),
    ]


def test_neutralised_cells_come_back(tmp_path):
    data = b"code,name\r\n'=1+1,'-5\r\n''@x,'plain\r\n"
    assert [r for _, r in read_csv(write(tmp_path, data), FIELDS)] == [
        {"code": "=1+1", "name": "-5"},
        {"code": "'@x", "name": "'plain"},
    ]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \r\n"])
def test_empty_file_has_no_header(tmp_path, data):
    err = raises("error.no_header", read_csv, write(tmp_path, data), FIELDS)
    assert err.params["file"].endswith("in.csv")


def test_header_only_file(tmp_path):
    src = read_csv(write(tmp_path, b"\r\ncode,name\r\n"), FIELDS, required=["code"])
    assert src.columns == ["code", "name"]
    assert rows(src) == []


def test_missing_file():
    err = raises("error.file_read", read_csv, "/nonexistent/x.csv", FIELDS)
    assert err.params["path"] == "/nonexistent/x.csv" and err.params["detail"]


def test_stdin(monkeypatch):
    stdin = type("Stdin", (), {"buffer": io.BytesIO(CHINESE.encode("gb18030"))})()
    monkeypatch.setattr(sys, "stdin", stdin)
    src = read_csv("-", FIELDS)
    assert src.name == "<stdin>" and src.encoding == "gb18030"
    assert [r["code"] for _, r in src] == ["1-101", "1-102"]


def test_file_is_closed_after_iteration(tmp_path):
    src = read_csv(write(tmp_path, b"code\r\n1\r\n"), FIELDS)
    handle = src._closer
    rows(src)
    assert handle.closed


# --- neutralising ----------------------------------------------------------

@pytest.mark.parametrize("prefix", DANGEROUS)
def test_neutralise_each_dangerous_prefix(prefix):
    value = prefix + "SUM(A1)"
    assert neutralise(value) == "'" + value
    assert neutralise("'" + value) == "''" + value  # an apostrophe already there is kept
    assert unneutralise(neutralise(value)) == value
    assert unneutralise(neutralise("'" + value)) == "'" + value


@pytest.mark.parametrize("value", ["", "plain", "1-101", "'", "'quoted", "a=b", " =x", "张三"])
def test_harmless_values_untouched(value):
    assert neutralise(value) == value
    assert unneutralise(value) == value


@pytest.mark.parametrize("value", ["''=x", "'''+1", "''", "''plain"])
def test_apostrophe_runs_round_trip(value):
    assert unneutralise(neutralise(value)) == value


@given(st.one_of(st.text(), st.from_regex(r"\A'*[=+\-@\t\r\n＝＋－＠']?.*\Z")))
def test_neutralise_is_reversible_and_safe(value):
    out = neutralise(value)
    assert unneutralise(out) == value
    assert not out.startswith(DANGEROUS)


# --- writing ---------------------------------------------------------------

def test_write_csv_formats_and_streams():
    out = io.StringIO()

    def gen():
        yield {"a": None, "b": True, "c": 1234567.5}
        yield {"a": "=cmd", "b": False, "c": 95.0}
        yield {"a": -3, "b": 0, "c": "0101"}

    assert write_csv(out, ["a", "b", "c"], gen()) == 3
    assert out.getvalue() == "a,b,c\r\n,1,1234567.5\r\n'=cmd,0,95.0\r\n-3,0,0101\r\n"


def test_open_output_file_mode_and_bom(tmp_path):
    path = tmp_path / "out.csv"
    with open_output(str(path)) as out:
        write_csv(out, ["code"], [{"code": "房号"}])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes() == b"\xef\xbb\xbfcode\r\n" + "房号".encode() + b"\r\n"


def test_open_output_gb18030(tmp_path):
    path = tmp_path / "out.csv"
    with open_output(str(path), "gbk") as out:
        write_csv(out, ["name"], [{"name": "张三"}])
    assert path.read_bytes() == "name\r\n张三\r\n".encode("gb18030")


def test_open_output_stdout_writes_bom(monkeypatch):
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    with open_output("-") as out:
        write_csv(out, ["name"], [{"name": "张三"}])
    print("after", end="")  # stdout itself is still usable
    sys.stdout.flush()
    assert raw.getvalue() == b"\xef\xbb\xbfname\r\n" + "张三".encode() + b"\r\nafter"


def test_open_output_errors(tmp_path):
    raises("error.unknown_encoding", open_output(str(tmp_path / "x.csv"), "nope").__enter__)
    err = raises("error.file_write", open_output(str(tmp_path / "no" / "x.csv")).__enter__)
    assert err.params["detail"]
    with pytest.raises(UserError) as info:
        with open_output(str(tmp_path / "l.csv"), "latin-1") as out:
            write_csv(out, ["name"], [{"name": "张三"}])
    assert info.value.key == "error.file_write"


@pytest.fixture
def outdir(tmp_path):
    """An empty folder of its own, so listing it shows any temporary file left behind."""
    d = tmp_path / "out"
    d.mkdir()
    return d


def test_a_failing_export_leaves_no_file_and_no_temporary_file(outdir):
    path = outdir / "l.csv"
    with pytest.raises(UserError):
        with open_output(str(path), "latin-1") as out:
            write_csv(out, ["name"], [{"name": "Li"}, {"name": "张三"}])
    assert os.listdir(outdir) == []


def test_a_failing_export_leaves_the_previous_file_untouched(outdir):
    path = outdir / "people.csv"
    path.write_bytes(b"old,contents\r\n")
    os.chmod(path, 0o640)
    with pytest.raises(UserError):
        with open_output(str(path), "latin-1") as out:
            write_csv(out, ["name"], [{"name": "Li"}] * 5000 + [{"name": "张三"}])  # fails after ~40 KB
    assert path.read_bytes() == b"old,contents\r\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert os.listdir(outdir) == ["people.csv"]


def test_an_export_interrupted_by_any_exception_is_rolled_back(outdir):
    path = outdir / "x.csv"
    path.write_text("before")

    def rows():
        yield {"a": "1"}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with open_output(str(path)) as out:
            write_csv(out, ["a"], rows())
    assert path.read_text() == "before" and os.listdir(outdir) == ["x.csv"]


def test_the_file_appears_only_when_the_export_is_complete(outdir):
    path = outdir / "out.csv"
    with open_output(str(path)) as out:
        write_csv(out, ["code"], [{"code": "1-101"}])
        out.flush()
        assert not path.exists()  # written to a temporary name in the same folder, renamed at the end
        (tmp,) = os.listdir(outdir)
        assert stat.S_IMODE(os.stat(outdir / tmp).st_mode) == 0o600
    assert os.listdir(outdir) == ["out.csv"]
    assert path.read_bytes() == b"\xef\xbb\xbfcode\r\n1-101\r\n"


def test_replacing_an_existing_readable_file_makes_it_private(outdir):
    path = outdir / "old.csv"
    path.write_text("x")
    os.chmod(path, 0o644)
    write_private(str(path), "<html>王</html>")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == "<html>王</html>"  # no BOM for pages


def test_a_symlink_is_kept_and_its_target_replaced(outdir):
    real = outdir / "real.csv"
    real.write_text("old")
    link = outdir / "link.csv"
    link.symlink_to(real)
    write_private(str(link), "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600


def test_devices_are_written_in_place(outdir):
    with open_output(os.devnull) as out:
        write_csv(out, ["a"], [{"a": "1"}])
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_directory_or_read_only_file_is_refused_and_kept(outdir):
    err = raises("error.file_write", write_private, str(outdir), "x")
    assert err.params["detail"]
    ro = outdir / "ro.csv"
    ro.write_text("keep")
    os.chmod(ro, 0o400)
    if os.access(ro, os.W_OK):  # root may write anything
        return
    raises("error.file_write", write_private, str(ro), "x")
    assert ro.read_text() == "keep" and sorted(os.listdir(outdir)) == ["ro.csv"]


# --- round trip ------------------------------------------------------------

COLUMNS = ["code", "name", "phone"]
_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
_value = st.one_of(
    _text,
    st.builds(str.__add__, st.sampled_from(DANGEROUS + ("'", "''", "\u202e", "😀", '"')), _text),
)
_row = st.fixed_dictionaries({c: _value for c in COLUMNS}).filter(
    lambda r: any(v.strip() for v in r.values())  # blank rows are skipped on import
)


def _gb18030_ok(rows_):
    try:
        for r in rows_:
            for v in r.values():
                v.encode("gb18030")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(_row, max_size=6))
def test_export_import_round_trip(tmp_path, encoding, data):
    if encoding == "gb18030" and not _gb18030_ok(data):
        data = []
    path = tmp_path / f"rt-{encoding}.csv"
    with open_output(str(path), encoding) as out:
        assert write_csv(out, COLUMNS, data) == len(data)
    src = read_csv(str(path), FIELDS, required=COLUMNS)
    if encoding == "gb18030":
        try:  # GB bytes that are also valid UTF-8 are read as UTF-8: that is the rule
            path.read_bytes().decode("utf-8")
            assert src.encoding == "utf-8"
        except UnicodeDecodeError:
            assert src.encoding == "gb18030"
        src.close()
        src = read_csv(str(path), FIELDS, required=COLUMNS, encoding="gb18030")
    else:
        assert src.encoding == "utf-8-sig"
    # values come back exactly, apart from surrounding whitespace (import strips it)
    assert [r for _, r in src] == [{c: r[c].strip() for c in COLUMNS} for r in data]


# --- errors collected during an import -------------------------------------

def test_line_errors_limit_and_summary():
    errors = LineErrors(limit=2)
    assert not errors
    errors.add(3, "name", "too long")
    errors.add(3, "phone", "bad")
    errors.add(7, "custom column", "bad")
    assert errors and errors.count == 3
    assert errors.bad_rows == {3, 7}
    assert len(errors.lines) == 2
    assert "3" in errors.lines[0] and "too long" in errors.lines[0]
    summary = errors.summary()
    assert len(summary) == 3 and "1" in summary[-1]


def test_module_import_is_light():
    code = ("import sys, pmcs.csvio; "
            "print(sorted(m for m in ('rich', 'typer', 'sqlite3', 'sqlite_utils') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.strip() == "[]"
