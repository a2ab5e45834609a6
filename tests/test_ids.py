"""ID numbers (GB 11643), phones and masking."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from pmcs.core.ids import clean_id_number, clean_phone, id_check_digit, mask_id, mask_phone
from pmcs.errors import FieldError


@pytest.mark.parametrize("num", ["11010519491231002X", "110105198001010016", "440305199003070014"])
def test_valid_id_numbers_pass(num):
    assert clean_id_number(num) == num


def test_lower_case_x_is_accepted_and_normalised():
    assert clean_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("num,key", [
    ("110105194912310021", "error.id_check"),   # wrong check digit
    ("110105194902300027", "error.id_birth"),   # 30 February
    ("11010519491231002", "error.id_format"),   # 17 characters
    ("1101051949123100XX", "error.id_format"),
    ("abcdefghijklmnopqr", "error.id_format"),
])
def test_bad_id_numbers_are_refused_with_the_reason(num, key):
    with pytest.raises(FieldError) as e:
        clean_id_number(num)
    assert e.value.key == key


def test_check_digit_table_matches_the_standard():
    # GB 11643-1999 worked example: 11010519491231002 -> X
    assert id_check_digit("11010519491231002") == "X"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_exactly_one_check_digit_is_accepted(first17):
    accepted = []
    for last in "0123456789X":
        try:
            clean_id_number(first17 + last)
            accepted.append(last)
        except FieldError:
            pass
    assert len(accepted) in (0, 1)  # 0 when the birth date is not real
    if accepted:
        assert accepted[0] == id_check_digit(first17)


@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
       st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_real_birth_date_since_1900_passes(born, digits):
    first17 = digits[:6] + born.strftime("%Y%m%d") + digits[6:]
    number = first17 + id_check_digit(first17)
    if born.year >= 1900:
        assert clean_id_number(number) == number
    else:
        with pytest.raises(FieldError) as e:
            clean_id_number(number)
        assert e.value.key == "error.id_birth"


@pytest.mark.parametrize("raw,clean", [
    ("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("0755-23456789", "0755-23456789"),
    ("010-12345678", "010-12345678"), ("02112345678", "02112345678"),
    ("138-1234-5678", "13812345678"), ("１３８１２３４５６７８", "13812345678"), ("＋86 138 1234 5678", "13812345678"),
    ("０７５５－２３４５６７８９", "0755-23456789"),
])
def test_phones_accepted(raw, clean):
    assert clean_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "23456789", "phone", "138123456789"])
def test_bad_phones_refused(raw):
    with pytest.raises(FieldError):
        clean_phone(raw)


def test_an_id_number_born_after_today_is_refused_everywhere(pmcs, tmp_path):
    """The check digit passes, the date is real, but nobody is born in 2030 yet (today is 2026-11-23)."""
    unborn = "110105203012310026"
    assert clean_id_number(unborn) == unborn
    pmcs.ok("unit", "add", "1-1-101")
    result = pmcs("person", "add", "--name", "x", "--id-number", unborn)
    assert result.exit_code == 1 and "birth date" in result.stderr
    pmcs.ok("person", "add", "--name", "x")
    assert pmcs("person", "edit", "P00001", "--id-number", unborn).exit_code == 1
    people = tmp_path / "p.csv"
    people.write_text(f"name,id_number,unit\n甲,{unborn},1-1-101\n", encoding="utf-8")
    result = pmcs("person", "import", people)
    assert result.exit_code == 1 and "line 2, column ID number" in result.stderr
    assert pmcs.rows("SELECT count(*) FROM people WHERE id_number IS NOT NULL") == [(0,)]
    born_today = "11010520261123" + "001"
    born_today += id_check_digit(born_today)
    pmcs.ok("person", "add", "--name", "新生儿", "--id-number", born_today)


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("0755-23456789").endswith("6789") and "2345" not in mask_phone("0755-23456789")
    assert mask_phone(None) == "" and mask_id("") == ""


@pytest.mark.parametrize("ref, expected", [
    ("TS-2026-0042", ("TS-2026-0042", None)),
    (" ts-2026-42 ", ("TS-2026-0042", None)),
    ("2026-0042", ("TS-2026-0042", None)),
    ("42", (None, 42)),
    ("BX-2026-0042", (None, None)),   # another kind's number
    ("TS-0042x", (None, None)),
    ("", (None, None)),
    (None, (None, None)),
])
def test_numbers_said_on_the_phone(ref, expected):
    from pmcs.core.ids import parse_numbered

    assert parse_numbered(ref, "TS") == expected
