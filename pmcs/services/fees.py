"""Fee collection (收缴率) and arrears risk (DESIGN §1.6).

``import_fees`` reads finance's per-unit, per-period export (amount due, amount
paid) all or nothing and upserts per unit and period; ``status`` gives the
collection rate per building and overall; ``risk`` ranks the units that owe
money *and* show trouble: open, repeat or reopened complaints, or an
unsatisfied revisit, in the last months (ranking in core/fees.py).
"""
from __future__ import annotations

from datetime import timedelta

from pmcs.core import fees as rules
from pmcs.core import report as periods
from pmcs.core.fields import validate
from pmcs.errors import FieldError, UsageError, UserError
from pmcs.services.imports import ImportResult, all_or_nothing
from pmcs.store import fees as q


def import_fees(s, path: str, *, encoding=None, dry_run=False, progress=None, mode=None) -> ImportResult:
    """One row per unit and period; an existing unit+period is replaced (upsert). All or nothing."""
    from pmcs import csvio
    from pmcs.services.common import open_csv
    from pmcs.i18n import t
    from pmcs.store.registry import unit_ids

    src = open_csv(s, path, rules.FEE_ROW.fields, required=("unit", "fee_period", "fee_due", "fee_paid"), encoding=encoding)
    result = ImportResult(src.name, dry_run=dry_run, encoding=src.encoding)
    errors = csvio.LineErrors()
    with all_or_nothing(s, src.name, errors, dry_run):
        units = unit_ids(s.db)
        writer = q.FeeWriter(s.db, s.now_iso(), s.actor, src.name)
        seen: dict[tuple[str, str], int] = {}
        for line, raw in src:
            result.rows += 1
            rec, problems = validate(rules.FEE_ROW, raw)
            if rec.get("unit") and rec["unit"] not in units:
                problems.append(FieldError("unit", "error.unknown_unit", value=rec["unit"]))
            for e in problems:
                errors.add(line, e.field, e.message())
            if problems:
                continue
            key = (rec["unit"], rec["fee_period"])
            if key in seen:
                errors.add(line, "fee_period", t("error.fees_duplicate", unit=key[0], period=key[1], first=seen[key]))
                continue
            seen[key] = line
            _put(writer, units[rec["unit"]], rec, result)
            if progress and result.rows % 1000 == 0:
                progress(result.rows)
        writer.flush()
    return result


def _put(writer, unit_id: int, rec: dict, result: ImportResult) -> None:
    period = rec["fee_period"]
    before = writer.existing(unit_id, period)
    now = (rec["fee_due"], rec["fee_paid"])
    if before == now:
        return
    ref = f"{rec['unit']}/{period}"
    after = {"due": rules.yuan_text(now[0]), "paid": rules.yuan_text(now[1])}
    if before is None:
        writer.put(unit_id, ref, period, *now, "create", None, _json(after))
        result.inserted += 1
    else:
        old = {"due": rules.yuan_text(before[0]), "paid": rules.yuan_text(before[1])}
        writer.put(unit_id, ref, period, *now, "update", _json(old), _json(after))
        result.updated += 1


def _json(value: dict) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def fee_period(s, text: str | None) -> periods.Period:
    """``--period 2026-11`` (or 2026-Q4, 2026); default: the latest month with fee data."""
    if text:
        try:
            return periods.parse_period(text)
        except ValueError:
            raise UsageError("error.report_bad_period", value=text, form="2026-11") from None
    latest = q.latest_period(s.db, periods.month_of(s.today()).label)
    if latest is None:
        raise UserError("error.fees_none", hint="hint.fees_import")
    return periods.parse_month(latest)


def status(s, period: str | None = None) -> dict:
    p = fee_period(s, period)
    months = p.months()
    rows = q.by_building(s.db, months)
    total = q.overall(s.db, months)
    for r in rows + [total]:
        r["rate"] = round(r["paid_fen"] / r["due_fen"], 4) if r["due_fen"] else None
    return {"period": p.label, "buildings": rows, "overall": total}


def risk(s, months: int = rules.RISK_MONTHS) -> dict:
    """Units in arrears with trouble in the last ``months`` months, worst first."""
    if not 1 <= months <= 60:
        raise UsageError("error.fees_bad_months", value=months)
    from pmcs.services.session import to_iso

    since = to_iso(s.now() - timedelta(days=round(months * 30.44)))
    owing = q.arrears(s.db)
    found: dict[int, dict] = {}
    for unit_id, reason, number in q.trouble(s.db, since):
        unit = found.setdefault(unit_id, owing[unit_id] | {"reasons": {}})
        refs = unit["reasons"].setdefault(reason, [])
        if number not in refs:
            refs.append(number)
    ranked = rules.rank_risks(list(found.values()))
    return {"since": since, "months": months, "units_in_arrears": len(owing), "rows": ranked}
