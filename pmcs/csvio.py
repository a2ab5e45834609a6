"""CSV import and export shared by every command (DESIGN §3 "CSV import").

Reading: the encoding is detected (UTF-8 BOM -> utf-8-sig; strict UTF-8 ->
utf-8; else gb18030), the file is streamed line by line so a million-row file
never sits in memory, headers are matched to schema fields by name or alias
(Chinese or English, any case), values stay raw text, and every row carries the
physical line it starts on.

Writing: UTF-8 with BOM by default (Excel opens it), cells a spreadsheet would
run as a formula are neutralised with a leading apostrophe, reversibly, so an
export imports back unchanged.

Stdlib only: this module sits on the CLI's start-up path.
"""
from __future__ import annotations

import codecs
import csv
import errno
import io
import itertools
import operator
import os
import re
import stat
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from pmcs.errors import UserError

if TYPE_CHECKING:
    from pmcs.core.fields import Field

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
SNIFF_BYTES = 1 << 20  # encoding is decided on the first 1 MiB
FIELD_LIMIT = 10 * 1024 * 1024  # one cell may not exceed 10 MB
_PROBE = "a,\"'\r\n"  # readable encodings must spell these as ASCII does
_GB = {"gbk", "gb2312"}  # cp936 looks up as gbk; gb18030 is their superset
_HEADER_MARKS = re.compile(  # leading/trailing stars, (必填)/(required), a unit: (㎡), （元）, (m2)
    r"^[\s*]+|(?:[\s*]|[(（]\s*(?:必填|选填|required|optional|㎡|m²|m2|平方米|平米|元|yuan|¥|￥)\s*[)）])+$",
    re.IGNORECASE,
)


# --- formula neutralising --------------------------------------------------

def _dangerous(value: str) -> bool:
    # Apostrophes already in front count too, so "'=x" -> "''=x" and the
    # mapping stays one-to-one (any run of apostrophes, not just one).
    return value.lstrip("'").startswith(DANGEROUS)


def neutralise(value: str) -> str:
    """Prefix "'" to a cell a spreadsheet would treat as a formula."""
    return "'" + value if _dangerous(value) else value


def unneutralise(value: str) -> str:
    """Exact inverse of :func:`neutralise`."""
    return value[1:] if value.startswith("'") and _dangerous(value[1:]) else value


# --- encodings -------------------------------------------------------------

def normalise_encoding(name: str | None) -> str | None:
    """Canonical codec name; GBK family -> gb18030. Only encodings that keep
    ASCII bytes as they are (UTF-8, GB18030, Big5 …) can be read line by line,
    so UTF-16/32 and non-text codecs are refused."""
    if name is None:
        return None
    try:
        canon = codecs.lookup(name.strip()).name
        ok = canon == "utf-8-sig" or _PROBE.encode(canon) == _PROBE.encode("ascii")
        # and it must decode bytes it cannot read with "replace" (idna, punycode … refuse to)
        codecs.getincrementaldecoder(canon)("replace").decode(b"a,\xff\r\n", True)
    except (LookupError, UnicodeError, TypeError, ValueError):
        ok = False
    if not ok:
        raise UserError("error.unknown_encoding", value=name)
    return "gb18030" if canon in _GB else canon


def _detect(prefix: bytes, complete: bool) -> str:
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:  # incremental: a multibyte char cut at the 1 MiB boundary is fine
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


# --- writing ---------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)  # shortest round-trip form: 1234567.5, 95.0, -3
    return neutralise(str(value))


def write_csv(out, columns: list[str], rows: Iterable[dict]) -> int:
    """Write a header and rows (streamed); return the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        count += 1
    return count


def _make_private(fd: int) -> None:
    """A file we write holds personal data: a regular file gets mode 0600 (a device such
    as /dev/null or a pipe is left alone)."""
    st = os.fstat(fd)
    if hasattr(os, "fchmod") and stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) != 0o600:
        try:
            os.fchmod(fd, 0o600)
        except OSError:  # someone else's file: refuse rather than leave personal data readable
            os.close(fd)
            raise


@contextmanager
def _private_file(path: str) -> Iterator[int]:
    """A descriptor whose bytes land at `path` only if the block succeeds.

    A regular file (new or existing) is written as a temporary file created 0600 in the
    same directory, flushed to disk and renamed over the target at the end; on any error
    the temporary file is removed and an existing target is left exactly as it was. A
    device or pipe (/dev/null, /dev/stdout, a FIFO) cannot be renamed over: it is
    written in place. A symlink's target is the file replaced, the link stays."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        fd = os.open(real, os.O_WRONLY | getattr(os, "O_BINARY", 0))
        try:
            yield fd
        finally:
            os.close(fd)
        return
    if st is not None and not os.access(real, os.W_OK):  # a read-only file stays read-only
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
    import tempfile  # here, not at the top: this module is on the CLI's start-up path

    folder, name = os.path.split(real)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")  # mode 0600
    try:
        _make_private(fd)
        yield fd
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, real)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def open_output(path: str | None, encoding: str = "utf-8-sig") -> Iterator[io.TextIOBase]:
    """A text stream to `path` or to stdout for None / "-"; the encoding (and BOM) apply
    to stdout too. A file is private (mode 0600: exports hold personal data) and atomic:
    it appears, or replaces an existing one, only when the whole block succeeded, so an
    export failing half-way (a character the encoding cannot hold, a full disk) leaves no
    partial file and any previous file untouched."""
    enc = normalise_encoding(encoding) or "utf-8-sig"
    shown = path if path not in (None, "-") else "<stdout>"
    try:
        if path in (None, "-"):
            buf = getattr(sys.stdout, "buffer", None)
            if buf is None:  # a plain text stream (tests): no bytes, no BOM
                yield sys.stdout
                return
            sys.stdout.flush()
            out = io.TextIOWrapper(buf, encoding=enc, newline="")
            try:
                yield out
            finally:
                out.flush()
                out.detach()  # leave sys.stdout open
                buf.flush()
            return
        with _private_file(path) as fd:
            with open(fd, "w", encoding=enc, newline="", closefd=False) as out:
                yield out
    except UnicodeEncodeError as e:
        bad = e.object[e.start:e.end]
        raise UserError("error.file_write", path=shown, detail=f"{bad!r} cannot be written in {enc}") from None
    except OSError as e:
        if shown == "<stdout>" and isinstance(e, BrokenPipeError):
            raise
        raise UserError("error.file_write", path=shown, detail=e.strerror or str(e)) from None


def write_private(path: str, text: str, encoding: str = "utf-8") -> None:
    """Write a whole text file (an HTML page, an SVG poster …) the way exports are
    written: mode 0600, atomic; "-" writes to stdout."""
    with open_output(path, encoding) as out:
        out.write(text)


# --- reading ---------------------------------------------------------------

BLOCK = 1 << 20  # bytes decoded at a time


def _blocks(prefix: bytes, rest) -> Iterator[bytes]:
    """The sniffed prefix and the rest of the stream in blocks that end with a line
    end (the last one may not): a block never cuts a line, nor a character (readable
    encodings never use 0x0A or 0x0D inside a multibyte character). Only the bytes
    read since the last cut are searched, so a file of lone CRs or one long line is
    still read in linear time."""
    buf, start = prefix, 0
    while True:
        # a CR as the very last byte may be the first half of a CRLF: wait for the next read
        cut = max(buf.rfind(b"\n", start), buf.rfind(b"\r", start, len(buf) - 1)) + 1
        if cut:
            yield buf[:cut]
            buf = buf[cut:]
        more = rest.read(BLOCK)
        if not more:
            break
        start = max(len(buf) - 1, 0)  # the kept tail holds no line end but perhaps a final CR
        buf += more
    if buf:
        yield buf


def _count_lines(text: str) -> int:
    return sum(1 for _ in io.StringIO(text, newline=""))


def _cell_text(value: str) -> str:
    return (unneutralise(value) if value[:1] == "'" else value).strip()


def _clean_header(cell: str) -> str:
    return _HEADER_MARKS.sub("", cell.replace("\ufeff", "").strip())


class CsvSource:
    """Opened by read_csv; iterate it for (line_no, {canonical_name: raw_text}) pairs."""

    def __init__(self, name: str, encoding: str, blocks: Iterator[bytes],
                 fields: Sequence[Field], required: Iterable[str], closer=None, skip: frozenset = frozenset()):
        self.name = name
        self.encoding = encoding
        self._closer = closer
        self._reader = csv.reader(itertools.chain.from_iterable(self._text_blocks(blocks)))
        header = None
        while header is None:
            try:
                _, header = self._next_row()
            except StopIteration:
                raise UserError("error.no_header", file=name) from None
            if not any(c.strip() for c in header):
                header = None  # leading blank lines before the header
        lookup = {h.casefold(): f.name for f in fields for h in f.headers}
        self.columns: list[str] = []
        self.ignored: list[str] = []  # headers pmcs does not know: their cells are not read
        self._index: list[tuple[int, str]] = []  # (cell position, canonical name)
        for pos, cell in enumerate(header):
            text = _clean_header(cell)
            canon = lookup.get(text.casefold())
            if canon is None:
                if text and text.casefold() not in skip:
                    self.ignored.append(text)
                continue
            if canon in self.columns:
                raise UserError("error.duplicate_header", file=name, column=text)
            self.columns.append(canon)
            self._index.append((pos, canon))
        missing = [r for r in dict.fromkeys(required) if r not in self.columns]
        if missing:
            by_name = {f.name: f for f in fields}
            accepted = "; ".join("/".join(by_name[m].headers) if m in by_name else m for m in missing)
            raise UserError("error.missing_columns", hint="hint.columns", file=name,
                            columns=", ".join(missing), accepted=accepted)

    def _encoding_error(self, line: int) -> UserError:
        return UserError("error.encoding", hint="hint.encoding", file=self.name,
                         encoding=self.encoding, line=max(line, 1))

    @property
    def line(self) -> int:
        """Physical lines handed to the csv reader so far."""
        return self._reader.line_num

    def _text_blocks(self, blocks: Iterator[bytes]) -> Iterator[Iterable[str]]:
        """Each block decoded, as an iterator of its physical lines (ended by \\n,
        \\r\\n or a lone \\r). Whole blocks are decoded at once; a decoding error is
        pinned to its exact line by counting the lines in the bytes before it."""
        codec = self.encoding
        first = True
        text = ""
        if codec == "utf-8-sig":  # the BOM taken off by hand, so that error offsets count from the file's bytes
            codec = "utf-8"
        decode = codecs.getincrementaldecoder(codec)().decode
        try:
            for block in blocks:
                if first and self.encoding == "utf-8-sig" and block.startswith(codecs.BOM_UTF8):
                    block = block[len(codecs.BOM_UTF8):]
                first = False
                try:
                    text = decode(block)
                except UnicodeDecodeError as e:
                    good = block[:e.start].decode(codec, "replace")
                    ended = not good or good[-1] in "\r\n"
                    raise self._encoding_error(self.line + _count_lines(good) + ended) from None
                yield io.StringIO(text, newline="")
            tail = decode(b"", True)  # raises on a truncated char at the end
            if tail:
                yield (tail,)
        except UnicodeDecodeError:  # a character cut by the end of the file: on the last line read
            ended = not text or text[-1] in "\r\n"
            raise self._encoding_error(self.line + ended) from None
        except OSError as e:
            raise UserError("error.file_read", path=self.name, detail=e.strerror or str(e)) from None

    def _next_row(self) -> tuple[int, list[str]]:
        start = self.line + 1  # the csv reader has not looked ahead
        try:
            return start, next(self._reader)
        except csv.Error:  # NUL byte, oversized field …
            raise self._encoding_error(self.line) from None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        names = tuple(name for _, name in self._index)
        positions = [pos for pos, _ in self._index]
        width = max(positions, default=-1) + 1
        if len(positions) > 1:
            pick = operator.itemgetter(*positions)
        else:  # one column (a tuple all the same), or none
            pick = (lambda row: (row[positions[0]],)) if positions else (lambda row: ())
        try:
            while True:
                try:
                    line, row = self._next_row()
                except StopIteration:
                    return
                if not row or (not row[0].strip() and not any(c.strip() for c in row)):
                    continue  # a blank line, or only separators
                if len(row) < width:  # a short row: the missing cells are empty
                    row = row + [""] * (width - len(row))
                cells = pick(row)
                # strip in C; only a row with an apostrophe somewhere may hold a neutralised cell
                cells = map(_cell_text if "'" in "".join(cells) else str.strip, cells)
                yield line, dict(zip(names, cells))
        finally:
            self.close()

    def close(self) -> None:
        if self._closer is not None:
            self._closer.close()
            self._closer = None

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_csv(path: str, fields: Sequence[Field], *, required: Iterable[str] = (),
             encoding: str | None = None, skip: Iterable[str] = ()) -> CsvSource:
    """Open `path` ("-" = stdin), check its header, return a row iterator. Columns named in
    ``skip`` (what pmcs's own export adds, e.g. a case's status) are passed over in silence;
    other unknown ones are listed in ``.ignored`` for the importer to say."""
    enc = normalise_encoding(encoding)
    csv.field_size_limit(FIELD_LIMIT)
    owned = None
    if path == "-":
        name = "<stdin>"
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text-only stdin (tests): it is already decoded
            raw, enc = io.BytesIO(sys.stdin.read().encode("utf-8")), "utf-8"
    else:
        name = path
        try:
            raw = owned = open(path, "rb")
        except OSError as e:
            raise UserError("error.file_read", path=path, detail=e.strerror or str(e)) from None
    try:
        try:
            prefix = raw.read(SNIFF_BYTES)
        except OSError as e:
            raise UserError("error.file_read", path=name, detail=e.strerror or str(e)) from None
        enc = enc or _detect(prefix, len(prefix) < SNIFF_BYTES)
        return CsvSource(name, enc, _blocks(prefix, raw), fields, required, owned,
                         frozenset(h.casefold() for h in skip))
    except BaseException:
        if owned is not None:
            owned.close()
        raise


class LineErrors:
    """Collects `line N, column X: why` for an import; keeps the first `limit` (50) and counts the rest."""

    def __init__(self, limit: int = 50):
        self.limit = limit
        self.count = 0
        self.lines: list[str] = []
        self.bad_rows: set[int] = set()

    def add(self, line: int, column: str, why: str) -> None:
        from pmcs.i18n import t

        self.count += 1
        self.bad_rows.add(line)
        if len(self.lines) < self.limit:
            shown = t(f"field.{column}")  # field names in the user's language
            shown = column if shown == f"field.{column}" else shown
            self.lines.append(t("import.line_error", line=line, column=shown, why=why))

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self) -> list[str]:
        from pmcs.i18n import t

        rest = self.count - len(self.lines)
        return self.lines + ([t("import.more_errors", count=rest)] if rest else [])
