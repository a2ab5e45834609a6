"""Workflows as data: the steps of each kind of case, the fields each step
needs, its SLA key, and every allowed move.

The engine (core/cases.py), the CLI's --help text, docs/workflows.md and the
parametrised transition tests are all generated from these tables; nothing
else in the code knows the order of steps.
"""
from __future__ import annotations

from dataclasses import dataclass

from pmcs.core.fields import Field


def money(text: str, field: str) -> float:
    """A fee charged, in yuan: 80, 80.5, ¥80, 1,200元; not negative, not absurd (as renovation fees)."""
    from pmcs.core.renovation import parse_yuan

    return parse_yuan(text, field, allow_zero=True) / 100


@dataclass(frozen=True)
class Step:
    code: str
    requires: tuple[str, ...] = ()  # fields that must be given to finish this step
    optional: tuple[str, ...] = ()  # fields that may be given when finishing it
    when: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (field, value, more required) e.g. major complaints
    sla: str | None = None  # SLA key; None = no deadline
    anchor: str = "start"  # start | recorded | promise_or_reply | appointment


@dataclass(frozen=True)
class Workflow:
    kind: str
    prefix: str
    steps: tuple[Step, ...]  # steps[0] is finished when the case is recorded
    fields: dict  # name -> Field
    variant: str | None = None  # field choosing the SLA variant (severity, urgency)
    branches: tuple[tuple[str, str, str, str], ...] = ()  # (step, field, value, go to step): e.g. unsatisfied reopens
    reopen_to: str | None = None  # where `reopen` of a closed case goes
    actions: tuple[tuple[str, str, str], ...] = ()  # (step, action, go to step) extra moves: reassign, return
    kept_going_back: tuple[str, ...] = ()  # fields a case keeps when it goes back to their step (reopen)

    def step(self, code: str) -> Step:
        for s in self.steps:
            if s.code == code:
                return s
        raise KeyError(code)

    def index(self, code: str) -> int:
        return [s.code for s in self.steps].index(code)

    def next_step(self, code: str) -> str:
        i = self.index(code)
        return self.steps[i + 1].code if i + 1 < len(self.steps) else CLOSED

    def required(self, code: str, values: dict) -> tuple[str, ...]:
        st = self.step(code)
        extra = tuple(f for field, value, more in st.when if values.get(field) == value for f in more)
        return st.requires + extra

    def allowed(self, code: str) -> tuple[str, ...]:
        st = self.step(code)
        return st.requires + st.optional + tuple(f for _, _, more in st.when for f in more) + ("note",)

    def owner_of(self, field: str) -> str | None:
        """The step a field belongs to (for 'that belongs to a later step' errors)."""
        for st in self.steps:
            if field in st.requires + st.optional or any(field in more for _, _, more in st.when):
                return st.code
        return None

    def branch_fields(self, code: str) -> tuple[str, ...]:
        """What a branching step recorded stays with the case when the branch sends it back (the
        unsatisfied verdict and the owner's comment: why it was reopened), until that step is
        finished again; () for a step that does not branch."""
        if not any(step == code for step, *_ in self.branches):
            return ()
        st = self.step(code)
        return tuple(f for f in st.requires + st.optional if f != "note")

    def in_place_actions(self) -> tuple[str, ...]:
        """Extra moves that keep the case at its step (repair reassign): they leave no step row of their
        own, so the timeline shows them from their events."""
        return tuple(dict.fromkeys(action for step, action, target in self.actions if step == target))

    def moves(self):
        """Every allowed (from step, action, to step), for docs and tests."""
        for i, st in enumerate(self.steps[1:], start=1):
            yield st.code, "advance", self.next_step(st.code)
            for step, field, value, target in self.branches:
                if step == st.code:
                    yield st.code, f"advance {field}={value}", target
        for step, action, target in self.actions:
            yield step, action, target
        if self.reopen_to:
            yield CLOSED, "reopen", self.reopen_to


CLOSED = "closed"
CANCELLED = "cancelled"

# case status moves: one table for every kind (hold, resume, cancel, reopen)
STATUS_MOVES = {
    ("open", "advance"): "open",
    ("open", "hold"): "on_hold",
    ("on_hold", "resume"): "open",
    ("open", "cancel"): "cancelled",
    ("on_hold", "cancel"): "cancelled",
    ("closed", "reopen"): "open",
    ("open", "reassign"): "open",
    ("open", "return"): "open",
}

# a move that ends the running step without its work being done records {marker: true} on the step
# row, with the reason as its note: the timeline shows the step as ended by that move, and reports do
# not count it as work done (core/report.NOT_DONE_FIELDS)
STEP_ENDINGS = {"cancel": "cancelled", "return": "returned"}

_T = lambda name, **kw: Field(name, multiline=True, max_len=2000, **kw)  # noqa: E731

COMMON_FIELDS = {
    "unit": Field("unit", aliases=("房号",), max_len=32),
    "person": Field("person", aliases=("住户", "投诉人", "报修人"), max_len=60),
    "channel": Field("channel", kind="enum", enum="channel", aliases=("渠道", "方式")),
    "description": _T("description", aliases=("内容", "投诉内容", "报修内容", "描述")),
    "note": _T("note", aliases=("备注",)),
    "comment": _T("comment", aliases=("回访意见",)),
    "verdict": Field("verdict", kind="enum", enum="verdict", aliases=("回访结果", "满意度")),
    "reply": _T("reply", aliases=("答复内容",)),
    "reply_channel": Field("reply_channel", kind="enum", enum="channel", aliases=("答复方式",)),
}

COMPLAINT = Workflow(
    kind="complaint",
    prefix="TS",
    variant="severity",
    fields=COMMON_FIELDS | {
        "category": Field("category", aliases=("类别", "投诉类别"), max_len=40),
        "remedy": _T("remedy", aliases=("诉求", "要求")),
        "nature": Field("nature", kind="enum", enum="nature", aliases=("性质",)),
        "severity": Field("severity", kind="enum", enum="severity", aliases=("级别", "严重程度")),
        "cause": _T("cause", aliases=("原因",)),
        "onsite_note": _T("onsite_note", aliases=("现场记录",)),
        "emergency_measures": _T("emergency_measures", aliases=("应急措施",)),
        "handler": Field("handler", aliases=("处理负责人", "负责人"), max_len=60),
        "about": Field("about", aliases=("被投诉员工",), max_len=60),
        "solution": _T("solution", aliases=("解决方案",)),
        "promise": Field("promise", kind="date", aliases=("承诺完成日期",)),
        "lesson": _T("lesson", aliases=("经验教训",)),
        "root_cause": _T("root_cause", aliases=("根本原因",)),
        "prevention": _T("prevention", aliases=("预防措施",)),
    },
    steps=(
        Step("recorded", requires=("channel", "category", "description", "remedy"), optional=("unit", "person", "severity")),
        Step("classified", requires=("nature", "severity"), sla="complaint.classified"),
        Step("investigated", requires=("cause",), optional=("about",),
             when=(("severity", "major", ("onsite_note", "emergency_measures")),), sla="complaint.investigated"),
        Step("assigned", requires=("handler",), sla="complaint.assigned"),
        Step("proposed", requires=("solution", "promise"), sla="complaint.proposed"),
        Step("replied", requires=("reply", "reply_channel"), sla="complaint.replied", anchor="recorded"),
        Step("revisited", requires=("verdict",), optional=("comment",), sla="complaint.revisited", anchor="promise_or_reply"),
        Step("evaluated", requires=("lesson",), optional=("root_cause", "prevention"), sla="complaint.evaluated"),
    ),
    branches=(("revisited", "verdict", "unsatisfied", "investigated"),),
    reopen_to="investigated",
    # the staff member a complaint is about stays named (and counted against) until the new
    # investigation names someone else: dropped, the scorecard blamed the handler meanwhile
    kept_going_back=("about",),
)

REPAIR = Workflow(
    kind="repair",
    prefix="BX",
    variant="urgency",
    fields=COMMON_FIELDS | {
        "location": Field("location", aliases=("位置", "报修位置"), max_len=200),
        "urgency": Field("urgency", kind="enum", enum="urgency", aliases=("紧急程度",)),
        "paid": Field("paid", kind="enum", enum="paid", aliases=("收费", "有偿")),
        "appointment": Field("appointment", aliases=("预约时间",), max_len=20),
        "handler": Field("handler", aliases=("维修人员", "技术员", "technician"), max_len=60),
        "work_done": _T("work_done", aliases=("维修内容",)),
        "materials": _T("materials", aliases=("材料",)),
        "fee": Field("fee", aliases=("费用",), check=money),
        "reason": _T("reason", aliases=("原因",)),
    },
    steps=(
        Step("received", requires=("description",), optional=("unit", "person", "channel", "location", "urgency")),
        Step("confirmed", requires=("urgency", "paid"), optional=("appointment",), sla="repair.confirmed"),
        Step("dispatched", requires=("handler",), sla="repair.dispatched"),
        Step("completed", requires=("work_done",), optional=("materials", "fee"), sla="repair.completed", anchor="appointment"),
        Step("revisited", requires=("verdict",), optional=("comment",), sla="repair.revisited"),
    ),
    branches=(("revisited", "verdict", "unsatisfied", "dispatched"),),
    reopen_to="dispatched",
    actions=(("completed", "reassign", "completed"), ("completed", "return", "dispatched")),
)

REQUEST = Workflow(
    kind="request",
    prefix="ZX",
    fields=COMMON_FIELDS | {
        "type": Field("type", kind="enum", enum="request_type", aliases=("类型",)),
        "praised": Field("praised", aliases=("表扬对象",), max_len=60),
    },
    steps=(
        Step("recorded", requires=("type", "description"), optional=("unit", "person", "channel", "praised"),
             when=(("type", "praise", ("praised",)),)),
        Step("replied", requires=("reply",), optional=("reply_channel",), sla="request.replied"),
    ),
    reopen_to="replied",
)

WORKFLOWS = {w.kind: w for w in (COMPLAINT, REPAIR, REQUEST)}
BY_PREFIX = {w.prefix: w for w in WORKFLOWS.values()}
