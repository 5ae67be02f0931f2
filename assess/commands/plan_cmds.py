"""`assess init` and `assess schema`: start a plan, export JSON Schemas."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import typer

from assess.console import err_console
from core.atomic import write_atomic
from core.errors import UserError
from core.models.site import Portfolio, SiteResult
from core.plan import Plan, parse_plan


def plan_template() -> str:
    """The commented plan template shipped with the package."""
    return resources.files("assess").joinpath("plan_template.yaml").read_text(encoding="utf-8")


def init(
    path: Path = typer.Argument(..., help="Where to write the plan template, e.g. plan.yaml."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented survey-plan template to edit for your customer."""
    if path.is_dir():
        raise UserError(f"{path} is a directory: give the plan file's name, e.g. {path / 'plan.yaml'}")
    if path.exists() and not force:
        raise UserError(f"{path} already exists (use --force to overwrite)")
    text = plan_template()
    parse_plan(text, "template")  # the template must always be a valid plan
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the plan: {exc.strerror or exc}") from None
    err_console.print(f"wrote {path}: edit the sites, devices and links, then run `assess survey {path}`")


def schema(
    what: str = typer.Argument("all", help="plan, site-result, portfolio or all."),
) -> None:
    """Print the JSON Schema of the plan and of the result files."""
    schemas = {
        "plan": Plan.model_json_schema(),
        "site-result": SiteResult.model_json_schema(mode="serialization"),
        "portfolio": Portfolio.model_json_schema(mode="serialization"),
    }
    if what != "all" and what not in schemas:
        raise UserError(f"unknown schema {what!r}: choose plan, site-result, portfolio or all")
    out = schemas if what == "all" else schemas[what]
    typer.echo(json.dumps(out, indent=2))


def register(app: typer.Typer) -> None:
    """Add the plan commands to ``app``."""
    app.command()(init)
    app.command()(schema)
