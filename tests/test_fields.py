"""Field cleaning: the one-regex fast path must agree with the explicit rules."""
from hypothesis import given, strategies as st

from pmcs.core.fields import MAX_TEXT, Field, clean_value
from pmcs.errors import FieldError

CONTROL = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\x7f"}
texts = st.text(st.one_of(st.sampled_from(["a", "王", " ", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\u3000",
                                           "\ud800", "😀"]), st.characters()), max_size=14)


def expected(f: Field, value: str):
    text = value.strip()
    if not text:
        return None
    if any(c in CONTROL or 0xD800 <= ord(c) <= 0xDFFF for c in text) or (
            not f.multiline and ("\n" in text or "\r" in text)):
        return "error.control_chars"
    if len(text) > (MAX_TEXT if f.multiline else f.max_len):
        return "error.too_long"
    return text


@given(texts, st.booleans(), st.integers(1, 12))
def test_text_cleaning_matches_the_rules(value, multiline, max_len):
    f = Field("notes", multiline=multiline, max_len=max_len)
    try:
        got = clean_value(f, value)
    except FieldError as e:
        got = e.key
    assert got == expected(f, value)


@given(st.dictionaries(st.sampled_from(["name", "phone", "id_number", "vip", "unit", "role", "start", "notes"]),
                       st.one_of(st.sampled_from(["", " ", "王五", "13812345678", "是", "owner", "业主", "2024-02-30",
                                                  "2024-02-28", "1-1-101", "x\x00"]), texts), max_size=8))
def test_a_validator_for_fixed_columns_agrees_with_validate(values):
    from pmcs.core.fields import validate, validator
    from pmcs.core.registry import PERSON_ROW

    def keys(result):
        out, errors = result
        return out, [(e.field, e.key) for e in errors]

    assert keys(validator(PERSON_ROW, values)(values)) == keys(validate(PERSON_ROW, values))
