"""The root Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="rit",
    help=(
        "rit: track international cluster partnerships: organisations, agreements and "
        "their promises, visits, meetings, trips and cooperations.\n\n"
        "Global options (--db, --today) may also be given after the command."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
