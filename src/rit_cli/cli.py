"""The root command, global options and the single error boundary."""

import io
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from . import __version__, context
from .app import app
from .errors import RitError

GLOBAL_OPTIONS = ("--db", "--today")
COMPLETION_OPTIONS = ("--install-completion", "--show-completion")

# Every command module, in the order `rit --help` lists them, with the commands it registers.
# Running one command imports and builds only that command: Typer turns every registered
# function into a click command before parsing (about a millisecond each) and the modules
# pull in models, dates and the store. `rit`, `rit --help` and unknown names load them all.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "orgs": ("add-org", "orgs", "show-org", "edit-org", "remove-org"),
    "contacts": ("add-contact", "contacts", "show-contact", "edit-contact", "remove-contact"),
    "programmes": (
        "add-programme",
        "programmes",
        "show-programme",
        "edit-programme",
        "extend-programme",
        "remove-programme",
    ),
    "agreements": (
        "add-agreement",
        "agreements",
        "show-agreement",
        "edit-agreement",
        "extend-agreement",
        "end-agreement",
        "remove-agreement",
        "fields",
        "gaps",
    ),
    "cooperations": (
        "add-cooperation",
        "cooperations",
        "show-cooperation",
        "edit-cooperation",
        "set-cooperation-status",
        "remove-cooperation",
    ),
    "history": ("history",),
    "exchanges": (
        "schedule-visit",
        "add-meeting",
        "fix-date",
        "narrow",
        "reschedule",
        "done",
        "cancel",
        "agenda",
        "show-exchange",
        "edit-exchange",
        "remove-exchange",
    ),
    "trips": (
        "add-trip",
        "add-stop",
        "trips",
        "show-trip",
        "edit-trip",
        "edit-stop",
        "remove-stop",
        "remove-trip",
    ),
    "privacy": ("forget-contact",),
    "remind": ("remind",),
    "report": ("report",),
    "data": ("search", "export", "import", "backup", "restore", "doctor"),
    "demo": ("demo",),
}


def load_commands(name: str | None = None) -> None:
    """Register the module holding command `name`, or every command module."""
    import importlib

    modules = [m for m, names in COMMAND_MODULES.items() if name in names] or COMMAND_MODULES
    for module in modules:
        importlib.import_module(f"{__package__}.commands.{module}")


def _command_name(args: list[str]) -> str | None:
    """The command the (hoisted) arguments run: '' for --version, None for help or unsure."""
    i = 0
    while i < len(args):
        token = args[i]
        if token.split("=", 1)[0] in GLOBAL_OPTIONS:
            i += 1 if "=" in token else 2
            continue
        if token == "--version":
            return ""
        if token.startswith("-"):
            return None
        return token
    return None


def _app_for(args: list[str]) -> typer.Typer:
    """The app with just the command being run, or with every command in table order."""
    import copy

    name = None if os.environ.get("_RIT_COMPLETE") else _command_name(args)
    if name == "":
        bare = copy.copy(app)  # --version needs no command at all
        bare.registered_commands, bare.registered_groups = [], []
        return bare
    load_commands(name)
    order = [n for names in COMMAND_MODULES.values() for n in names]

    def rank(entry: object) -> int:
        entry_name = getattr(entry, "name", None)
        return order.index(entry_name) if entry_name in order else len(order)

    commands = sorted(app.registered_commands, key=rank)
    groups = sorted(app.registered_groups, key=rank)
    if name:
        wanted = [c for c in commands if c.name == name]
        wanted_groups = [g for g in groups if g.name == name]
        if len(wanted) + len(wanted_groups) == 1:
            commands, groups = wanted, wanted_groups
    single = copy.copy(app)
    single.registered_commands = commands
    single.registered_groups = groups
    return single


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database file [env: RIT_DB; default: user data dir].", show_default=False
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            help="Reference date for every computation [env: RIT_TODAY].",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Track international cluster partnerships."""
    context.configure(db, today)
    if today is not None or os.environ.get("RIT_TODAY") is not None:
        context.today()  # refuse a bad reference date whatever the command


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move --db/--today given after the command name to the front, where Typer reads them."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            rest.extend(argv[i:])
            break
        name = token.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in token:
                front.append(token)
            elif i + 1 < len(argv):
                front.extend(argv[i : i + 2])
                i += 1
            else:
                rest.append(token)
        else:
            rest.append(token)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn every error into one line and an exit status."""
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    _refuse_undecodable(args)
    if sys.stdout is None:
        # Started with stdout closed (rit … >&-): a write command would commit and then
        # fail to say so; refuse before anything runs.
        if sys.stderr is not None:
            sys.stderr.write("error: standard output is closed: redirect it (>/dev/null)\n")
        sys.exit(1)
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        # A locale without UTF-8 (LANG=de_DE is ISO-8859-1, under cron too) cannot encode
        # every name (a visit's →, Japanese): escape those rather than fail after a commit.
        sys.stdout.reconfigure(errors="backslashreplace")
    _take_the_shell_named(args)
    click_command = None
    try:
        command = _app_for(args)
        _resume_collector()
        click_command = typer.main.get_command(command)
        if os.environ.get("_RIT_COMPLETE"):
            from .completion import use_rit_formats

            use_rit_formats()  # after get_command, which registered Typer's
        _refuse_repeated(click_command, args)
        code = click_command.main(args=args, prog_name="rit", standalone_mode=False)
        sys.stdout.flush()  # a failed write of buffered output shows here, not at exit
        if code == 130:
            # Typer turns Ctrl-C into a silent exit status 130; the transaction rolled back.
            sys.stderr.write("error: interrupted\n")
        if isinstance(code, int) and code:
            sys.exit(code)  # a command's typer.Exit(n), returned (not raised) by Click
    except RitError as exc:
        if os.environ.get("RIT_DEBUG") == "1":
            raise
        from .text import printable

        sys.stderr.write(f"error: {printable(str(exc))}\n")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (rit ... | head): no traceback, no message, and exit status 1
        # as when Click meets it in a command that prints more (and as Python advises): the
        # output was not all written, whether it was small enough to wait for the last flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:
        if os.environ.get("RIT_DEBUG") == "1":
            raise
        if not _output_failed(exc):
            _usage_or_crash(exc, args, click_command)
        # Printing failed (stdout on a full disk): say so, and drop what is still buffered.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.stderr.write(f"error: cannot write the output: {exc.strerror}\n")
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("RIT_DEBUG") == "1":
            raise
        _usage_or_crash(exc, args, click_command)


def _take_the_shell_named(args: Sequence[str]) -> None:
    """--install-completion/--show-completion with a shell (zsh, or =zsh) are for that shell.

    Typer looks for the shell rit runs under and, finding one, makes both options flags: the
    shell named after them was ignored (`rit --show-completion zsh` run from bash printed
    bash's script, `--install-completion fish` installed bash's into ~/.bashrc, and from a
    script run by sh both said 'Shell sh not supported'). This variable is Typer's switch to
    options that take the shell (one of bash, zsh, fish, powershell, pwsh); alone, the
    options still install or show the script for the shell found."""
    for i, token in enumerate(args):
        if token == "--":
            return
        name, equals, _ = token.partition("=")
        if name in COMPLETION_OPTIONS:
            if equals or (i + 1 < len(args) and not args[i + 1].startswith("-")):
                os.environ["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"
            return


def _invoked(root: Any, args: Sequence[str]) -> tuple[Any, str, list[str]]:
    """The (sub)command the arguments run, its path ('rit export ics') and the arguments
    after its name; the deepest group reached when they name no command."""
    command, path, rest = root, "rit", list(args)
    while rest and hasattr(command, "commands"):
        while rest and rest[0].startswith("-") and rest[0] not in command.commands:
            rest = rest[1 if "=" in rest[0] or rest[0] not in GLOBAL_OPTIONS else 2 :]
        if not rest or rest[0] not in command.commands:
            break
        command, path, rest = command.commands[rest[0]], f"{path} {rest[0]}", rest[1:]
    return command, path, rest


def _refuse_repeated(root: Any, args: Sequence[str]) -> None:
    """Refuse an option that takes one value given twice with different values: Click would
    keep the last silently (agenda --type visit --type meeting lists meetings only)."""
    command, path, rest = _invoked(root, args)
    if hasattr(command, "commands"):
        return
    takes_value = {
        name: param
        for param in getattr(command, "params", ())
        if getattr(param, "param_type_name", "") == "option" and not param.is_flag
        for name in param.opts
    }
    given: dict[str, list[str]] = {}
    i = 0
    while i < len(rest):
        token, value = rest[i], None
        if token == "--":
            break
        name = token.split("=", 1)[0]
        if name in takes_value and "=" in token:
            value = token.split("=", 1)[1]
        elif token in takes_value and i + 1 < len(rest):
            value, i = rest[i + 1], i + 1
        if value is not None and not takes_value[name].multiple:
            given.setdefault(takes_value[name].opts[0], []).append(value)
        i += 1
    for name, values in given.items():
        if len(set(values)) > 1:
            from .errors import InvalidInput
            from .text import short_repr

            shown = ", then ".join(short_repr(v) for v in values)
            times = "twice" if len(values) == 2 else f"{len(values)} times"
            raise InvalidInput(
                f"{name} is given {times} ({shown}): give it once (see {path} --help)"
            )


def _output_failed(exc: OSError) -> bool:
    """Whether an error no file is named in is one of writing rit's output."""
    import errno

    return exc.filename is None and exc.errno in (
        errno.ENOSPC,
        errno.EIO,
        errno.EDQUOT,
        errno.EFBIG,
    )


def _resume_collector() -> None:
    """Resume the cyclic GC that `rit` paused for start-up (__main__), never scanning again
    the objects start-up built: they live until the process ends."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _refuse_undecodable(args: list[str]) -> None:
    """Bytes that are not UTF-8 arrive as lone surrogates; refuse them before anything runs."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            from .text import short_repr

            shown = short_repr(arg.encode("utf-8", "backslashreplace").decode("utf-8"))
            sys.stderr.write(f"error: argument {shown} is not valid UTF-8 text\n")
            sys.exit(2)


def usage_line(exc: Exception, args: Sequence[str] = (), root: Any = None) -> str:
    """A usage error (unknown option, missing argument, bad value) as ONE 'error: …' line."""
    from .text import printable, short_repr

    format_message = getattr(exc, "format_message", None)
    raw = str(format_message() if format_message else exc)
    if getattr(exc, "option_name", None) in GLOBAL_OPTIONS:
        # Hoisting moved every --db/--today to the front but one given last without its
        # value, which the command then does not know.
        raw = f"option '{exc.option_name}' requires an argument"  # type: ignore[attr-defined]
    given = _given_value(getattr(getattr(exc, "param", None), "opts", ()), args)
    if given is not None:
        raw = raw.replace(repr(given), short_repr(given))  # Click repeats it whole
    message = " ".join(raw.split()).rstrip(".")
    message = printable(message) or "bad usage"
    message = message[0].lower() + message[1:]
    if given is not None and message.startswith("invalid value for "):
        # Click names the option but not what was typed: name the bad value too.
        message = f"invalid value {short_repr(given)} for " + message[len("invalid value for ") :]
        # ... and then again, with the type's Python name: "'2.5' is not a valid int".
        message = message.replace(f"{short_repr(given)} is not a valid int", "not a whole number")
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", "")
    if not command and root is not None:
        # Click's parser gives no context with an option missing its value or a flag given
        # one: the help to see is still the command's.
        command = _invoked(root, args)[1]
    command = command or "rit"
    return f"error: {message} (see {printable(command)} --help)"


def _given_value(opts: Sequence[str], args: Sequence[str]) -> str | None:
    """The value typed for one of an option's names (--days 0 or --days=0), if any."""
    for i, token in enumerate(args):
        if token == "--":
            break
        for opt in opts:
            if token == opt and i + 1 < len(args):
                return args[i + 1]
            if token.startswith(opt + "="):
                return token[len(opt) + 1 :]
    return None


def _usage_or_crash(exc: Exception, args: Sequence[str] = (), root: Any = None) -> None:
    from typer._click.exceptions import ClickException, NoArgsIsHelpError  # noqa: PLC0415

    from .text import printable

    if isinstance(exc, NoArgsIsHelpError):
        exc.show()  # `rit` alone: the help text, as the user expects
        sys.exit(exc.exit_code)
    if isinstance(exc, ClickException):
        sys.stderr.write(usage_line(exc, args, root) + "\n")
        sys.exit(exc.exit_code)
    sqlite3 = sys.modules.get("sqlite3")  # not imported at all: cannot be its error
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        sys.stderr.write(f"error: database problem: {printable(str(exc))} (try rit doctor)\n")
        sys.exit(1)
    sys.stderr.write(
        f"error: unexpected {type(exc).__name__}: {printable(str(exc))} "
        "(run with RIT_DEBUG=1 for details)\n"
    )
    sys.exit(1)
