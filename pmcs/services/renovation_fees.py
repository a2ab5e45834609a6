"""Money and passes of a renovation permit: fees (in fen, each an event with who
entered it) and worker passes (出入证) issued and returned."""
from __future__ import annotations

import re

from pmcs.core import renovation as rules
from pmcs.core.fields import Field, clean_value
from pmcs.errors import UserError
from pmcs.services.renovation import _move
from pmcs.store import renovation as q

_PASS = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
_NOTE = Field("note", max_len=500)
_HOLDER = Field("holder", max_len=60)


def add_fee(s, ref: str, kind: str, amount, note=None) -> dict:
    """Record a fee paid (deposit 装修保证金, management, debris removal, temporary water/electricity, passes).
    A negative amount corrects an earlier entry (红冲); a kind's total never goes below zero."""
    from pmcs.i18n import parse_choice

    code = parse_choice("renovation_fee", kind or "", "kind")
    fen = rules.parse_yuan(amount, "amount", allow_negative=True)
    note = clean_value(_NOTE, note)
    with s.write():
        r, _ = _move(s, ref, "fee")
        total = q.fee_total(s.db, r["id"], code)
        rules.check_fee_total(code, total, fen)
        q.insert_fee(s.db, {"renovation_id": r["id"], "kind": code, "amount_fen": fen, "note": note, "by": s.actor,
                            "at": s.now_iso()})
        s.record("renovation", r["number"], "fee", None,
                 {"kind": code, "amount_yuan": rules.plain_yuan(fen), "total_yuan": rules.plain_yuan(total + fen),
                  "note": note})
    return {"number": r["number"], "kind": code, "amount_fen": fen, "total_fen": total + fen}


def _numbers(numbers) -> list[str]:
    out = []
    for raw in numbers or ():
        num = str(raw).strip().upper()
        if not _PASS.match(num):
            raise UserError("error.renovation_bad_pass", value=raw)
        if num in out:
            raise UserError("error.renovation_pass_twice", number=num)
        out.append(num)
    if not out:
        raise UserError("error.required", field="pass_number")
    return out


def issue_passes(s, ref: str, numbers, holder=None) -> dict:
    nums = _numbers(numbers)
    holder = clean_value(_HOLDER, holder)
    with s.write():
        r, _ = _move(s, ref, "pass")
        for num in nums:
            taken = q.pass_out(s.db, num)
            if taken:
                raise UserError("error.renovation_pass_taken", number=num, ref=taken["renovation"])
            q.insert_pass(s.db, {"renovation_id": r["id"], "number": num, "holder": holder, "issued_at": s.now_iso(),
                                 "issued_by": s.actor})
        s.record("renovation", r["number"], "pass", None, {"numbers": ", ".join(nums), "holder": holder})
    return {"number": r["number"], "passes": nums}


def return_passes(s, ref: str, numbers) -> dict:
    nums = _numbers(numbers)
    with s.write():
        r, _ = _move(s, ref, "pass_return")
        out = {p["number"]: p for p in q.passes(s.db, r["id"]) if not p["returned_at"]}
        for num in nums:
            if num not in out:
                raise UserError("error.renovation_pass_not_out", number=num, ref=r["number"])
            q.return_pass(s.db, out[num]["id"], s.now_iso(), s.actor)
        s.record("renovation", r["number"], "pass_return", None, {"numbers": ", ".join(nums)})
    return {"number": r["number"], "passes": nums}

