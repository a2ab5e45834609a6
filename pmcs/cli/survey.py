"""pmcs survey …: satisfaction surveys (DESIGN §1.3)."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from pmcs.cli.common import DryRunOpt, EncodingOpt, FileArg, FormatOpt, RevealOpt, SHOW_FORMATS, ShowFormatOpt, check_format, done, session
from pmcs.i18n import t

app = typer.Typer(help=t("cmd.survey"), no_args_is_help=True)
dimension_app = typer.Typer(help=t("cmd.survey.dimension"), no_args_is_help=True)
action_app = typer.Typer(help=t("cmd.survey.action"), no_args_is_help=True)
app.add_typer(dimension_app, name="dimension")
app.add_typer(action_app, name="action")

SurveyArg = typer.Argument(..., help=t("arg.survey"))


@app.command("new", help=t("cmd.survey.new"))
def new(name: str = typer.Argument(..., help=t("arg.survey_name")),
        period: str = typer.Option(..., "--period", help=t("opt.survey_period")),
        method: str = typer.Option(..., "--method", help=t("opt.survey_method")),
        closes: Optional[str] = typer.Option(None, "--closes", help=t("opt.survey_closes")),
        gift: Optional[str] = typer.Option(None, "--gift", help=t("opt.survey_gift")),
        benchmark: Optional[str] = typer.Option(None, "--benchmark", help=t("opt.survey_benchmark_estate")),
        owner: Optional[str] = typer.Option(None, "--owner", help=t("opt.survey_owner")),
        dimensions: Optional[str] = typer.Option(None, "--dimensions", help=t("opt.survey_dimensions")),
        target: Optional[str] = typer.Option(None, "--target", help=t("opt.survey_target")),
        response_target: Optional[str] = typer.Option(None, "--response-target", help=t("opt.survey_response_target"))):
    from pmcs.services.surveys import new_survey

    sv = new_survey(session(), name, period=period, method=method, closes=closes, gift=gift, benchmark=benchmark,
                    owner=owner, dimensions=dimensions, target=target, response_target=response_target)
    done("survey.created", survey=sv["name"], period=sv["period"], count=len(sv["dimensions"]))


@app.command("list", help=t("cmd.survey.list"))
def list_(format: str = FormatOpt):
    from pmcs.render.surveys import list_surveys
    from pmcs.services.surveys import list_surveys as rows

    list_surveys(rows(session()), check_format(format))


@app.command("show", help=t("cmd.survey.show"))
def show(survey: str = SurveyArg, format: str = ShowFormatOpt):
    from pmcs.render.surveys import show_survey
    from pmcs.services.surveys import show_survey as get

    show_survey(get(session(), survey), check_format(format, SHOW_FORMATS))


@dimension_app.command("set", help=t("cmd.survey.dimension.set"))
def dimension_set(survey: str = SurveyArg, code: str = typer.Argument(..., help=t("arg.survey_dimension")),
                  zh: Optional[str] = typer.Option(None, "--zh", help=t("opt.survey_dim_zh")),
                  en: Optional[str] = typer.Option(None, "--en", help=t("opt.survey_dim_en")),
                  weight: Optional[float] = typer.Option(None, "--weight", help=t("opt.survey_dim_weight"))):
    from pmcs.services.surveys import set_dimension

    d = set_dimension(session(), survey, code, zh=zh, en=en, weight=weight)
    done("survey.dimension_set", code=d["code"], zh=d["zh"], en=d["en"], weight=d["weight"])


@dimension_app.command("remove", help=t("cmd.survey.dimension.remove"))
def dimension_remove(survey: str = SurveyArg, code: str = typer.Argument(..., help=t("arg.survey_dimension"))):
    from pmcs.services.surveys import remove_dimension

    remove_dimension(session(), survey, code)
    done("survey.dimension_removed", code=code, survey=survey)


@app.command("sample", help=t("cmd.survey.sample"))
def sample(survey: str = SurveyArg,
           margin: str = typer.Option("0.05", "--margin", help=t("opt.survey_margin")),
           confidence: str = typer.Option("0.95", "--confidence", help=t("opt.survey_confidence")),
           size: Optional[int] = typer.Option(None, "--size", help=t("opt.survey_size")),
           expected_response: Optional[str] = typer.Option(None, "--expected-response", help=t("opt.survey_expected")),
           stratify: str = typer.Option("building", "--stratify", help=t("opt.survey_stratify")),
           seed: Optional[int] = typer.Option(None, "--seed", help=t("opt.survey_seed")),
           exclude: Optional[str] = typer.Option(None, "--exclude-surveyed-within", help=t("opt.survey_exclude")),
           assign: Optional[str] = typer.Option(None, "--assign", help=t("opt.survey_assign")),
           replace: bool = typer.Option(False, "--replace", help=t("opt.survey_replace")),
           round_up: bool = typer.Option(False, "--round-up", help=t("opt.survey_round_up")),
           show_only: bool = typer.Option(False, "--show", help=t("opt.survey_show_sample")),
           reveal: bool = RevealOpt, format: str = FormatOpt):
    from pmcs.render.surveys import sample as render
    from pmcs.services import surveys as svc

    fmt = check_format(format)
    if show_only:
        result = svc.current_sample(session(), survey)
    else:
        result = svc.draw_sample(session(), survey, margin=margin, confidence=confidence, size=size,
                                 expected_response=expected_response, stratify=stratify, seed=seed,
                                 exclude_within=exclude, assign=assign, replace=replace, round_up=round_up)
    render(result, fmt, reveal)


@app.command("respond", help=t("cmd.survey.respond"))
def respond(survey: str = SurveyArg, unit: Optional[str] = typer.Argument(None, help=t("arg.survey_unit")),
            score: Optional[List[str]] = typer.Option(None, "--score", "-s", help=t("opt.survey_score")),
            comment: Optional[str] = typer.Option(None, "--comment", help=t("opt.survey_comment")),
            gift_given: bool = typer.Option(False, "--gift-given", help=t("opt.survey_gift_given")),
            surveyor: Optional[str] = typer.Option(None, "--surveyor", help=t("opt.survey_surveyor")),
            respondent: Optional[str] = typer.Option(None, "--respondent", help=t("opt.survey_respondent")),
            date: Optional[str] = typer.Option(None, "--date", help=t("opt.survey_date")),
            replace: bool = typer.Option(False, "--replace", help=t("opt.survey_replace_response"))):
    from pmcs.core.surveys import parse_assignments
    from pmcs.services.survey_responses import respond as record
    from pmcs.services.surveys import get_survey

    s = session()
    answers = parse_assignments(score or [], get_survey(s, survey)["dimensions"])
    if sys.stdin.isatty():
        answers = prompt_scores(get_survey(s, survey)["dimensions"], answers)
    row = record(s, survey, unit, scores=answers, comment=comment, gift_given=gift_given, surveyor=surveyor,
                 respondent=respondent, date=date, replace=replace)
    done("survey.responded", survey=row["survey"], who=row["unit"] or row["respondent"] or "-", count=len(answers))
    if row["outside_sample"]:
        done("survey.outside_sample", unit=row["unit"])


def prompt_scores(dimensions: list[dict], answers: dict) -> dict:
    """On a terminal, ask each dimension not given with --score (Enter skips it)."""
    from pmcs.core.surveys import parse_score
    from pmcs.errors import FieldError
    from pmcs.i18n import get_lang

    answers = dict(answers)
    for d in dimensions:
        while d["code"] not in answers:
            name = d["zh"] if get_lang() == "zh" else d["en"]
            text = typer.prompt(t("survey.prompt_score", dimension=name), default="", show_default=False)
            if not text.strip():
                break
            try:
                answers[d["code"]] = parse_score(text, d["code"])
            except FieldError as e:
                typer.echo(e.message(), err=True)
    return answers


@app.command("import", help=t("cmd.survey.import"))
def import_(survey: str = SurveyArg, file: str = FileArg, encoding: Optional[str] = EncodingOpt,
            dry_run: bool = DryRunOpt,
            replace: bool = typer.Option(False, "--replace", help=t("opt.survey_replace_response"))):
    from pmcs.services.survey_responses import import_responses

    s = session()
    if sys.stderr.isatty() and file != "-":
        from pmcs.render.progress import counting

        with counting(t("import.progress")) as tick:
            r = import_responses(s, survey, file, encoding=encoding, dry_run=dry_run, replace=replace, progress=tick)
    else:
        r = import_responses(s, survey, file, encoding=encoding, dry_run=dry_run, replace=replace)
    if r.dry_run:
        done("import.dry_run", file=r.file, rows=r.rows)
    else:
        done("survey.imported", file=r.file, rows=r.rows, inserted=r.inserted, replaced=r.replaced, outside=r.outside)


@app.command("responses", help=t("cmd.survey.responses"))
def responses(survey: str = SurveyArg, format: str = FormatOpt):
    from pmcs.render.surveys import responses as render
    from pmcs.services.survey_responses import list_responses

    render(*list_responses(session(), survey), check_format(format))


@app.command("status", help=t("cmd.survey.status"))
def status(survey: str = SurveyArg, reveal: bool = RevealOpt, format: str = FormatOpt):
    from pmcs.render.surveys import status as render
    from pmcs.services.surveys import status as get

    render(get(session(), survey), check_format(format), reveal)


@app.command("report", help=t("cmd.survey.report"))
def report(survey: str = SurveyArg,
           compare: Optional[str] = typer.Option(None, "--compare", help=t("opt.survey_compare")),
           benchmark: Optional[str] = typer.Option(None, "--benchmark", help=t("opt.survey_benchmark")),
           target: Optional[str] = typer.Option(None, "--target", help=t("opt.survey_target")),
           all_responses: bool = typer.Option(False, "--all-responses", help=t("opt.survey_all_responses")),
           html: Optional[str] = typer.Option(None, "--html", help=t("opt.survey_html")),
           svg: Optional[str] = typer.Option(None, "--svg", help=t("opt.survey_svg")),
           format: str = ShowFormatOpt):
    from pmcs.render.survey_report import show
    from pmcs.services.survey_report import report as build

    fmt = check_format(format, SHOW_FORMATS)
    data = build(session(), survey, compare=compare, benchmark=benchmark, target=target, all_responses=all_responses)
    for path, kind in ((html, "html"), (svg, "svg")):
        if path:
            _write(path, kind, data)
    if fmt == "json" or not (html or svg):
        show(data, fmt)


def _write(path: str, kind: str, data: dict) -> None:
    from pmcs import csvio

    if kind == "html":
        from pmcs.render.survey_html import document
    else:
        from pmcs.render.charts_svg import poster as document
    csvio.write_private(path, document(data))  # 0600 and atomic, like every export
    sys.stderr.write(t("survey.file_written", path=path) + "\n")


@app.command("close", help=t("cmd.survey.close"))
def close(survey: str = SurveyArg):
    from pmcs.services.surveys import set_status

    done("survey.closed", survey=set_status(session(), survey, "closed")["name"])


@app.command("reopen", help=t("cmd.survey.reopen"))
def reopen(survey: str = SurveyArg):
    from pmcs.services.surveys import set_status

    done("survey.reopened", survey=set_status(session(), survey, "open")["name"])


@action_app.command("add", help=t("cmd.survey.action.add"))
def action_add(survey: str = SurveyArg,
               dimension: str = typer.Option(..., "--dimension", help=t("opt.survey_action_dimension")),
               plan: str = typer.Option(..., "--plan", help=t("opt.survey_action_plan")),
               owner: str = typer.Option(..., "--owner", help=t("opt.survey_action_owner")),
               due: str = typer.Option(..., "--due", help=t("opt.survey_action_due"))):
    from pmcs.services.survey_actions import add_action

    a = add_action(session(), survey, dimension=dimension, plan=plan, owner=owner, due=due)
    done("survey.action_added", ref=a["ref"], survey=a["survey"], dimension=a["dimension"], due=a["due"])


@action_app.command("list", help=t("cmd.survey.action.list"))
def action_list(survey: Optional[str] = typer.Option(None, "--survey", help=t("arg.survey")),
                state: str = typer.Option("open", "--state", help=t("opt.survey_action_state")),
                owner: Optional[str] = typer.Option(None, "--owner", help=t("opt.survey_action_owner")),
                format: str = FormatOpt):
    from pmcs.render.surveys import list_actions
    from pmcs.services.survey_actions import list_actions as rows

    list_actions(rows(session(), survey=survey, state=state, owner=owner), check_format(format))


@action_app.command("done", help=t("cmd.survey.action.done"))
def action_done(ref: str = typer.Argument(..., help=t("arg.survey_action")),
                result: str = typer.Option(..., "--result", help=t("opt.survey_action_result"))):
    from pmcs.services.survey_actions import done_action

    a = done_action(session(), ref, result)
    done("survey.action_done", ref=a["ref"])
