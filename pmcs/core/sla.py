"""The SLA table as data (DESIGN §1.5): how long each step may take.

Keys are ``<workflow>.<step>``; the variant picks the severity/urgency/size
("default", complaints "major", repairs "emergency", rectifications
"small"/"large"). The database holds the office's copy (``sla`` table, seeded
with DEFAULT_SLA and edited with ``pmcs config sla set``); the case engine asks
:func:`lookup` and decides the anchor (e.g. a complaint's reply counts from its
recording, its revisit from the later of the promise and the reply).
"""
from __future__ import annotations

from pmcs.core.durations import Duration, parse_duration
from pmcs.errors import FieldError, UserError

DEFAULT = "default"
VARIANTS = ("default", "major", "emergency", "small", "large")

DEFAULT_SLA: dict[tuple[str, str], str] = {
    ("complaint.classified", "default"): "2h",
    ("complaint.classified", "major"): "30m",
    ("complaint.investigated", "default"): "24h",
    ("complaint.investigated", "major"): "4h",
    ("complaint.assigned", "default"): "4h",
    ("complaint.assigned", "major"): "1h",
    ("complaint.proposed", "default"): "24h",
    ("complaint.proposed", "major"): "4h",
    ("complaint.replied", "default"): "24h",      # from the recording
    ("complaint.replied", "major"): "4h",
    ("complaint.revisited", "default"): "24h",    # from the later of the promise and the reply
    ("complaint.evaluated", "default"): "3d",     # from the revisit
    ("repair.confirmed", "default"): "1h",
    ("repair.confirmed", "emergency"): "15m",
    ("repair.dispatched", "default"): "2h",
    ("repair.dispatched", "emergency"): "30m",
    ("repair.completed", "default"): "24h",       # or the appointment
    ("repair.completed", "emergency"): "4h",
    ("repair.revisited", "default"): "24h",       # from the completion
    ("request.replied", "default"): "24h",
    ("rectification.fix", "small"): "eod",        # the same working day
    ("rectification.fix", "large"): "7d",
    ("rectification.revisit", "default"): "24h",  # from the fix
    ("renovation.refund", "default"): "7wd",      # deposit refund after acceptance
}

# key → the catalogue key of its one-line description
SLA_KEYS: dict[str, str] = {key: f"sla.{key}" for key, _ in DEFAULT_SLA}

_FAMILY_VARIANTS = {
    "complaint": ("default", "major"),
    "repair": ("default", "emergency"),
}


def variants(key: str) -> tuple[str, ...]:
    """The variants a key may have: its workflow's severity levels, or those of its defaults."""
    own = tuple(v for k, v in DEFAULT_SLA if k == key)
    family = _FAMILY_VARIANTS.get(key.split(".", 1)[0], ())
    return tuple(dict.fromkeys(family + own)) or (DEFAULT,)


def check_key(key: str) -> str:
    clean = (key or "").strip().lower()
    if clean not in SLA_KEYS:
        raise FieldError("key", "error.sla_unknown_key", hint="hint.sla_list", value=key)
    return clean


def check_variant(key: str, variant: str | None) -> str:
    """A variant for ``key`` (codes or Chinese labels: 重大, 紧急, 小, 大)."""
    from pmcs.i18n import parse_choice

    allowed = variants(key)
    if variant is None or not str(variant).strip():
        if DEFAULT in allowed:
            return DEFAULT
        raise FieldError("variant", "error.sla_variant_needed", sla=key, choices=", ".join(allowed))
    code = parse_choice("sla_variant", variant, "variant")
    if code not in allowed:
        raise FieldError("variant", "error.sla_bad_variant", sla=key, value=variant, choices=", ".join(allowed))
    return code


def lookup(table: dict[tuple[str, str], str], key: str, variant: str | None = None) -> Duration:
    """The duration of (key, variant); falls back to (key, "default"), and to DEFAULT_SLA for
    rows the office table lacks (a key added by a newer pmcs)."""
    variant = variant or DEFAULT
    for source_key in ((key, variant), (key, DEFAULT)):
        for source in (table, DEFAULT_SLA):
            text = source.get(source_key)
            if text:
                return parse_duration(text, "duration")
    raise UserError("error.sla_missing", hint="hint.sla_list", sla=key, variant=variant)


def effective(table: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """The defaults overlaid with the office's table."""
    return DEFAULT_SLA | dict(table)
