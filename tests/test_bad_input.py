"""A corpus of invalid invocations: each one exits 2 (or 1), says one line, changes nothing.

Adding a case is one line: ``Bad("command args …", "text the error must contain")``.
The string is split like a shell would (shlex); pass a tuple of arguments instead when a
value holds characters a shell string cannot (control characters, quotes).
A case whose command does not exist (yet) in this rit is skipped, not failed.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import dump_database
from .helpers import commands, invoke

LONG = "x" * 201
HUGE = "y" * 10_001


@dataclass(frozen=True)
class Bad:
    args: str | tuple[str, ...]
    says: str = ""  # the error line must contain this (the bad value, usually)
    code: int = 2

    def argv(self) -> list[str]:
        return shlex.split(self.args) if isinstance(self.args, str) else list(self.args)

    def __str__(self) -> str:
        shown = self.args if isinstance(self.args, str) else " ".join(self.args)
        return shown.encode("unicode_escape").decode("ascii")[:80]


CASES: list[Bad] = [
    # ---------------------------------------------------------------- usage errors
    Bad("no-such-command", "no such command 'no-such-command'"),
    Bad("add-org", "missing argument"),
    Bad("add-org X --bogus", "--bogus"),
    Bad("add-org X --shrt LSN", "--shrt"),
    # QA: an option without its value, or a flag given one, pointed to `rit --help`
    Bad("add-org X --short", "requires an argument (see rit add-org --help)"),
    Bad("export ics --out", "(see rit export ics --help)"),
    Bad("orgs --json=yes", "does not take a value (see rit orgs --help)"),
    # QA: Click's type name: "'abc' is not a valid int"
    Bad("search Kobe --limit abc", "invalid value 'abc' for '--limit': not a whole number"),
    Bad("reschedule 1 --days 2.5", "invalid value '2.5' for '--days': not a whole number"),
    Bad("add-org X Y", "unexpected extra argument"),
    Bad("orgs extra", "extra argument"),
    Bad("show-org", "missing argument"),
    Bad("show-contact", "missing argument"),
    Bad("history", "missing argument"),
    Bad("add-contact Someone", "--org"),
    Bad("contacts --org", "--org"),
    Bad(("add-org", "X", "--\x1b[31m"), "\\x1b"),
    Bad("--db", "--db"),
    Bad("--today", "--today"),
    # QA: a global option after the command, last and without its value: "no such option:
    # --today (Possible options: --tag)"
    Bad("orgs --today", "option '--today' requires an argument (see rit orgs --help)"),
    Bad("export ics --db", "option '--db' requires an argument (see rit export ics --help)"),
    Bad(("add-org", "K\u014dbe\udcff"), "not valid UTF-8"),
    Bad(("show-org", "\udcff"), "not valid UTF-8"),
    Bad(("orgs", "--today", "2016-10-1\udcff"), "not valid UTF-8"),
    # ---------------------------------------------------------------- global options
    Bad("orgs --today 03/04/2016", "03/04/2016"),
    Bad("orgs --today 2016-13-01", "2016-13-01"),
    Bad("orgs --today 2016-02-30", "2016-02-30"),
    Bad("orgs --today 1899-12-31", "1899"),
    Bad("orgs --today 2200-01-01", "2200"),
    Bad("orgs --today yesterdayish", "yesterdayish"),
    Bad("orgs --today next-week", "next-week"),
    Bad("orgs --today 12.13.2016", "12.13.2016"),
    Bad("orgs --today 2016年13月1日", "2016年13月1日"),
    Bad("orgs --today +99999999999d", "+99999999999d"),
    Bad("orgs --today ''", ""),
    Bad("orgs --today 2016-10-12T10:00", "2016-10-12T10:00"),
    Bad("orgs --today 10/12/16", "10/12/16"),
    Bad(("orgs", "--today", "2016-10-1\x00"), "2016-10-1"),
    # ---------------------------------------------------------------- add-org
    Bad("add-org ''", "name must not be empty"),
    Bad("add-org '   '", "name must not be empty"),
    Bad(("add-org", "\t\n "), "name must not be empty"),
    Bad(("add-org", LONG), "too long"),
    Bad(("add-org", "A\x00B"), "NUL"),
    Bad("add-org X --country XX", "'XX'"),
    Bad("add-org X --country Germany", "'Germany'"),
    Bad("add-org X --country D", "'D'"),
    Bad("add-org X --country 123", "'123'"),
    Bad("add-org X --country DEU", "'DEU'"),
    Bad("add-org X --tz Europe/Hamburg", "'Europe/Hamburg'"),
    Bad("add-org X --tz Mars/Olympus", "'Mars/Olympus'"),
    Bad("add-org X --tz localtime", "unknown time zone 'localtime'"),
    Bad("edit-org FBRI --tz right/Asia/Tokyo", "'right/Asia/Tokyo'"),
    Bad("add-org X --tz ../../etc/passwd", "../../etc/passwd"),
    Bad("add-org X --tz 'Europe/Berlin '", "Europe/Berlin"),
    Bad("add-org X --kind club", "'club'"),
    Bad("add-org X --kind ''", "kind"),
    Bad("add-org X --website 'not a site'", "'not a site'"),
    Bad("add-org X --website nodot", "'nodot'"),
    Bad("add-org 'life science nord'", "already used by organisation #1"),
    Bad("add-org '  Life Science Nord  '", "already used"),
    Bad("add-org 'LIFE SCIENCE NORD'", "already used"),
    Bad("add-org Other --short lsn", "'lsn' is already used"),
    Bad("add-org Other --short 'Life Science Nord'", "already used"),
    Bad("add-org LSN", "already used"),
    Bad(("add-org", "X", "--short", "S" * 41), "too long"),
    Bad(("add-org", "X", "--city", LONG), "too long"),
    Bad(("add-org", "X", "--region", LONG), "too long"),
    Bad(("add-org", "X", "--note", HUGE), "too long"),
    Bad(("add-org", "X", "--note", "a\x00b"), "NUL"),
    Bad("add-org X --tag ''", "tag"),
    Bad("add-org X --tag '   '", "tag"),
    Bad("add-org X --tag ///", "///"),
    Bad(("add-org", "X", "--tag", "t" * 61), "too long"),
    Bad("add-org X --tag ok --tag ''", "tag"),
    Bad("add-org X --country JP --tz Mars", "'Mars'"),
    # ---------------------------------------------------------------- orgs (listing)
    Bad("orgs --kind club", "'club'"),
    Bad("orgs --country XX", "'XX'"),
    Bad("orgs --tag ///", "///"),
    # ---------------------------------------------------------------- show-org / edit / remove
    Bad("show-org Lif", "did you mean #1 'Life Science Nord'"),
    Bad("show-org nobody", "no organisation 'nobody'"),
    Bad("show-org 999", "'999'"),
    Bad("show-org '#999'", "'#999'"),
    Bad("show-org 99999999999999999999999", "no organisation '99999999999999999999999'"),
    Bad("edit-org '#99999999999999999999999' --city Kiel", "'#99999999999999999999999'"),
    Bad("contacts --org 18446744073709551616", "'18446744073709551616'"),
    Bad("show-org ''", "must not be empty"),
    Bad("show-org '   '", "must not be empty"),
    Bad(("show-org", "\x1b[2J"), "\\x1b[2J"),
    Bad("show-org -1", "-1"),
    Bad("edit-org FBRI --short LSN", "already used"),
    Bad("edit-org FBRI --name 'life science nord'", "already used"),
    Bad("edit-org FBRI --name ''", "name must not be empty"),
    Bad("edit-org FBRI --country ZZ", "'ZZ'"),
    Bad("edit-org FBRI --kind planet", "'planet'"),
    Bad("edit-org FBRI --tz Asia/Kobe", "'Asia/Kobe'"),
    Bad("edit-org FBRI --website 'a b.c'", "'a b.c'"),
    Bad("edit-org FBRI --tag ok --tag ''", "--tag '' clears the list and goes alone"),
    Bad(("edit-org", "FBRI", "--name", LONG), "too long"),
    Bad(("edit-org", "FBRI", "--note", HUGE), "too long"),
    Bad("edit-org nobody --city Kiel", "'nobody'"),
    Bad("remove-org nothing", "no organisation 'nothing'"),
    Bad("remove-org LSN", "still referred to"),
    Bad("remove-org ''", "must not be empty"),
    # ---------------------------------------------------------------- contacts
    Bad("add-contact A --org nobody", "no organisation 'nobody'"),
    Bad("add-contact A --org ''", "must not be empty"),
    Bad("add-contact '' --org LSN", "name must not be empty"),
    Bad("add-contact '  ' --org LSN", "name must not be empty"),
    Bad(("add-contact", LONG, "--org", "LSN"), "too long"),
    Bad(("add-contact", "A\x00", "--org", "LSN"), "NUL"),
    Bad("add-contact A --org LSN --email a@b", "'a@b'"),
    Bad("add-contact A --org LSN --email not-an-email", "'not-an-email'"),
    Bad("add-contact A --org LSN --email 'a b@example.org'", "'a b@example.org'"),
    Bad("add-contact A --org LSN --email a@@example.org", "a@@example.org"),
    Bad("add-contact A --org LSN --email @example.org", "'@example.org'"),
    Bad("add-contact A --org LSN --email a@example.o", "a@example.o"),
    Bad(("add-contact", "A", "--org", "LSN", "--email", "a" * 250 + "@example.org"), "too long"),
    Bad("add-contact A --org LSN --phone abc", "'abc'"),
    Bad("add-contact A --org LSN --phone '+-()'", "no digits"),
    Bad(("add-contact", "A", "--org", "LSN", "--phone", "1" * 61), "too long"),
    Bad(("add-contact", "A", "--org", "LSN", "--title", LONG), "too long"),
    Bad(("add-contact", "A", "--org", "LSN", "--role", LONG), "too long"),
    Bad(("add-contact", "A", "--org", "LSN", "--note", HUGE), "too long"),
    Bad("add-contact 'Hinrich Habeck' --org lsn", "already exists"),
    Bad("add-contact 'HINRICH HABECK' --org LSN", "already exists"),
    Bad("add-contact A --org Lif", "did you mean"),
    Bad("contacts --org nobody", "'nobody'"),
    Bad("show-contact Nobody", "no contact 'Nobody'"),
    Bad("show-contact 'taro yamada'", "ambiguous"),
    Bad("show-contact '#999'", "'#999'"),
    Bad("show-contact ''", "must not be empty"),
    Bad("edit-contact Nobody --role x", "'Nobody'"),
    Bad("edit-contact 'taro yamada' --role x", "ambiguous"),
    Bad("edit-contact 'Hinrich Habeck' --email nope", "'nope'"),
    Bad("edit-contact 'Hinrich Habeck' --phone nope", "'nope'"),
    Bad("edit-contact 'Hinrich Habeck' --name ''", "name must not be empty"),
    Bad("edit-contact 'Hinrich Habeck' --org JETRO --name 'TARO YAMADA'", "already exists"),
    Bad(
        "edit-contact 2 --org JETRO",
        "contact 'Taro Yamada' already exists at that organisation as #3",
    ),
    Bad("edit-contact 'Hinrich Habeck' --org nobody", "'nobody'"),
    Bad(("edit-contact", "Hinrich Habeck", "--note", HUGE), "too long"),
    Bad("remove-contact Nobody", "'Nobody'"),
    Bad("remove-contact 'taro yamada'", "ambiguous"),
    Bad("remove-contact ''", "must not be empty"),
    # ---------------------------------------------------------------- history
    Bad("history LSN --kind planet", "'planet'"),
    Bad("history nothing-at-all", "'nothing-at-all'"),
    Bad("history nothing --kind org", "'nothing'"),
    Bad("history 'taro yamada'", "ambiguous"),
    Bad("history 1", "could be"),
    Bad("history ''", "''"),
    Bad("history 9223372036854775808", "'9223372036854775808'"),
    Bad("history 9223372036854775808 --kind org", "'9223372036854775808'"),
    # ---------------------------------------------------------------- programmes
    Bad("add-programme ''", "must not be empty"),
    Bad(("add-programme", LONG), "too long"),
    Bad("add-programme 'JETRO RIT programme'", "already"),
    Bad("add-programme X --run-by nobody", "'nobody'"),
    Bad("add-programme X --from 2016-13-01", "2016-13-01"),
    Bad("add-programme X --until 03/04/2017", "03/04/2017"),
    Bad("add-programme X --from 2017-01-01 --until 2016-01-01", "2016-01-01"),
    Bad("add-programme X --short RIT", "already"),
    Bad(("add-programme", "X", "--note", HUGE), "too long"),
    Bad("show-programme nothing", "'nothing'"),
    Bad("edit-programme nothing --note x", "'nothing'"),
    Bad("edit-programme RIT --run-by nobody", "'nobody'"),
    Bad("edit-programme RIT --name ''", "must not be empty"),
    Bad("extend-programme RIT", "--until"),
    Bad("extend-programme RIT --until garbage", "'garbage'"),
    Bad("extend-programme RIT --until 2010-01-01", "2010-01-01"),
    Bad("extend-programme nothing --until 2018", "'nothing'"),
    Bad("remove-programme nothing", "no programme 'nothing'"),
    Bad("remove-programme ''", "must not be empty"),
    Bad("remove-programme RIT", "still referred to by agreement #1 'LoI Kobe' (unlink: rit"),
    Bad("remove-programme", "missing argument"),
    # ---------------------------------------------------------------- agreements
    Bad("add-agreement X --party LSN", "two"),
    Bad("add-agreement X", "two"),
    Bad("add-agreement X --party LSN --party LSN", "LSN"),
    Bad("add-agreement X --party LSN --party nobody", "'nobody'"),
    Bad("add-agreement '' --party LSN --party FBRI", "must not be empty"),
    Bad("add-agreement 'LoI Kobe' --party LSN --party FBRI", "already"),
    Bad("add-agreement X --party LSN --party FBRI --kind treaty", "'treaty'"),
    Bad("add-agreement X --party LSN --party FBRI --signed 2016-02-30", "2016-02-30"),
    Bad("add-agreement X --party LSN --party FBRI --signed 03/04/2016", "03/04/2016"),
    Bad("add-agreement X --party LSN --party FBRI --until 20166", "20166"),
    Bad(
        "add-agreement X --party LSN --party FBRI --signed 2016-05-02 --until 2015-01-01",
        "2015-01-01",
    ),
    Bad("add-agreement X --party LSN --party FBRI --visits-per-year -1", "-1"),
    Bad("add-agreement X --party LSN --party FBRI --visits-per-year 366", "366"),
    Bad("add-agreement X --party LSN --party FBRI --visits-per-year many", "many"),
    Bad("add-agreement X --party LSN --party FBRI --visits-per-year 1.5", "1.5"),
    Bad("add-agreement X --party LSN --party FBRI --programme nothing", "'nothing'"),
    Bad("add-agreement X --party LSN --party FBRI --signatory Nobody", "'Nobody'"),
    Bad("add-agreement X --party LSN --party FBRI --signatory 'taro yamada'", "ambiguous"),
    Bad("add-agreement X --party LSN --party FBRI --field ''", "field"),
    Bad(("add-agreement", "X", "--party", "LSN", "--party", "FBRI", "--place", LONG), "too long"),
    Bad("show-agreement nothing", "'nothing'"),
    Bad("show-agreement ''", "must not be empty"),
    Bad("edit-agreement nothing --note x", "'nothing'"),
    Bad("edit-agreement 'LoI Kobe' --kind treaty", "'treaty'"),
    Bad("edit-agreement 'LoI Kobe' --signed tomorrowish", "tomorrowish"),
    Bad("edit-agreement 'LoI Kobe' --visits-per-year 1000", "1000"),
    Bad("extend-agreement 'LoI Kobe'", "--until"),
    Bad("extend-agreement 'LoI Kobe' --until 2015-12-31", "2015-12-31"),
    Bad("extend-agreement 'LoI Kobe' --until 2016-Q5", "2016-Q5"),
    Bad("extend-agreement nothing --until 2018", "'nothing'"),
    Bad("end-agreement 'LoI Kobe'", "--on"),
    Bad("end-agreement 'LoI Kobe' --on 2010-01-01", "2010-01-01"),
    Bad("end-agreement 'LoI Kobe' --on 31.02.2016", "31.02.2016"),
    Bad("end-agreement nothing --on 2016-09-01", "'nothing'"),
    # QA: the other --undo steps say so ("nothing to take back"); this one did not
    Bad("end-agreement 'LoI Kobe' --undo", "is not terminated: nothing to take back"),
    Bad("remove-agreement nothing", "no agreement 'nothing'"),
    Bad("remove-agreement ''", "must not be empty"),
    Bad("remove-agreement '#999'", "'#999'"),
    Bad("remove-agreement 'LoI Kobe'", "still referred to by exchange #1"),
    Bad("remove-agreement 1", "cooperation #1 'Joint biobank' (unlink: rit edit-cooperation"),
    Bad("remove-agreement 'LoI Kobe' --force", "--force"),
    Bad("agreements --org nobody", "'nobody'"),
    Bad("gaps --between LSN", "--and"),
    Bad("gaps --between LSN --and nobody", "'nobody'"),
    Bad("gaps --between LSN --and LSN", "LSN"),
    Bad("gaps --programme nothing", "'nothing'"),
    # ---------------------------------------------------------------- cooperations
    Bad("add-cooperation X --org LSN", "two"),
    Bad("add-cooperation '' --org LSN --org FBRI", "must not be empty"),
    Bad("add-cooperation X --org LSN --org nobody", "'nobody'"),
    Bad("add-cooperation X --org LSN --org FBRI --status dreaming", "'dreaming'"),
    Bad("add-cooperation X --org LSN --org FBRI --agreement nothing", "'nothing'"),
    Bad("add-cooperation 'Joint biobank' --org LSN --org FBRI", "already"),
    Bad("set-cooperation-status 'Joint biobank' dreaming", "'dreaming'"),
    Bad("set-cooperation-status nothing talks", "'nothing'"),
    Bad("set-cooperation-status 'Joint biobank' talks --on 2000-01-01", "2000-01-01"),
    Bad("set-cooperation-status 'Joint biobank' talks --on 2016-99-01", "2016-99-01"),
    Bad("set-cooperation-status 'Joint biobank'", "missing"),
    Bad("show-cooperation nothing", "'nothing'"),
    Bad("edit-cooperation nothing --note x", "'nothing'"),
    Bad("edit-cooperation 'Joint biobank' --org LSN", "two"),
    Bad("edit-cooperation 'Joint biobank' --title ''", "must not be empty"),
    Bad("cooperations --status dreaming", "'dreaming'"),
    Bad("remove-cooperation nothing", "no cooperation 'nothing'"),
    Bad("remove-cooperation ''", "must not be empty"),
    Bad("remove-cooperation 'Joint biobank' extra", "unexpected extra argument"),
    # ---------------------------------------------------------------- exchanges
    Bad("schedule-visit --from LSN", "--to"),
    Bad("schedule-visit --to FBRI --window 2016-10", "--from"),
    Bad("schedule-visit --from LSN --to FBRI", "--on"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --window 2016-10", "--window"),
    Bad("schedule-visit --from LSN --to LSN --window 2016-10", "LSN"),
    Bad("schedule-visit --from nobody --to FBRI --window 2016-10", "'nobody'"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-13", "2016-13"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-Q5", "2016-Q5"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-H3", "2016-H3"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-12..2016-10", "2016-12..2016-10"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10..", "2016-10.."),
    Bad("schedule-visit --from LSN --to FBRI --window soon", "'soon'"),
    Bad("schedule-visit --from LSN --to FBRI --on 03/04/2016", "03/04/2016"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --at 25:00", "25:00"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --at 10:60", "10:60"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --at noon", "noon"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --days 0", "0"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --days 61", "61"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --days many", "many"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --tz Mars/Base", "Mars/Base"),
    # QA: an empty --tz was taken as not given (the host's zone), one of spaces refused.
    Bad("schedule-visit --from LSN --to FBRI --on 2016-10-12 --at 10:00 --tz ''", "time zone ''"),
    Bad("add-meeting X --org LSN --on 2016-10-12 --at 10:00 --tz ''", "time zone ''"),
    Bad(
        "schedule-visit --from LSN --to FBRI --window 2016-10 --decide-by 2016-12-01", "2016-12-01"
    ),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --decide-by never", "never"),
    # QA: an empty --decide-by was taken as not given (narrow: "unchanged"), one of spaces
    # was refused as an empty date.
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --decide-by ''", "empty date"),
    Bad("narrow 'LSN visit' --window 2016-10 --decide-by ''", "empty date"),
    Bad("reschedule 'LSN visit' --window 2016-11 --decide-by ''", "empty date"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --agreement nothing", "'nothing'"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --participant Nobody", "'Nobody'"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --trip nothing", "'nothing'"),
    Bad("schedule-visit --from LSN --to FBRI --on 2016-05-02 --trip ''", "trip reference must not"),
    Bad("add-meeting X --org LSN --on 2016-05-02 --trip ''", "trip reference must not be empty"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --title ''", "must not be empty"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --field ''", "field"),
    Bad("schedule-visit --from LSN --to FBRI --window 2016-10 --yearly --until 2010", "2010"),
    Bad(
        "schedule-visit --from LSN --to Europe-Host --on 2016-03-27 --at 02:30",
        "02:30",
    ),
    Bad("add-meeting X", "--org"),
    Bad("add-meeting X --org LSN", "--on"),
    Bad("add-meeting X --org nobody --on 2016-10-12", "'nobody'"),
    Bad("add-meeting '' --org LSN --on 2016-10-12", "must not be empty"),
    Bad("add-meeting X --org LSN --on 2016-10-12 --at 24:01", "24:01"),
    Bad("add-meeting X --org LSN --on 2016-10-12 --fold 2", "--fold"),
    # QA: "fold 2 is not allowed", where --days 0 says "--days 0 is not allowed"
    Bad("add-meeting X --org LSN --on 2016-10-12 --at 10:00 --fold 2", "--fold 2 is not allowed"),
    Bad("add-meeting X --org LSN --on 2016-10-12 --fold one", "'one'"),
    Bad("add-meeting X --org LSN --window 2016-10 --decide-by 2016-11-30", "2016-11-30"),
    Bad("fix-date nothing --on 2016-10-12", "'nothing'"),
    Bad("fix-date 'LSN visit' --on 2016-12-24", "2016-12-24"),
    Bad("fix-date 'LSN visit' --on 2016-10-32", "2016-10-32"),
    Bad("fix-date 'LSN visit'", "--on"),
    Bad("narrow 'LSN visit' --window 2016-11", "2016-11"),
    Bad("narrow 'LSN visit' --window 2016-09..2016-12", "2016-09..2016-12"),
    Bad("narrow 'LSN visit'", "--window"),
    Bad("narrow nothing --window 2016-10", "'nothing'"),
    Bad("reschedule nothing --on 2016-10-12", "'nothing'"),
    Bad("reschedule 'LSN visit' --on 2016-10-12 --window 2016-10", "still planned"),
    Bad("reschedule 'LSN visit' --at 10:00", "still planned"),
    Bad("reschedule 'FBRI visit' --at 7pm", "7pm"),
    Bad("reschedule 'FBRI visit' --on 2016-02-30", "2016-02-30"),
    Bad("reschedule 'FBRI visit' --days 100", "100"),
    Bad("done nothing", "'nothing'"),
    Bad("done 'LSN visit'", "no day yet"),
    Bad(("done", "FBRI visit", "--outcome", HUGE), "too long"),
    Bad(("cancel", "FBRI visit", "--reason", HUGE), "too long"),
    Bad("fix-date 'FBRI visit' --on 2016-08-13", "FBRI visit"),
    Bad("cancel nothing", "'nothing'"),
    Bad("cancel nothing --undo", "'nothing'"),
    Bad("cancel 'FBRI visit' --undo", "is scheduled, not cancelled"),
    Bad("cancel 'LSN visit' --undo", "is planned, not cancelled"),
    Bad("cancel 'FBRI visit' --undo --reason oops", "without --reason"),
    Bad("cancel 'FBRI visit' --undo --reason ''", "without --reason"),
    Bad("cancel 'FBRI visit' --undo=yes", "--undo"),
    Bad("done nothing --undo", "'nothing'"),
    Bad("done 'FBRI visit' --undo", "is scheduled, not done"),
    Bad("done 'FBRI visit' --undo --outcome 'held after all'", "without --outcome"),
    Bad("show-exchange nothing", "'nothing'"),
    Bad("show-exchange ''", "must not be empty"),
    Bad("agenda --from 2016-13-01", "2016-13-01"),
    Bad("agenda --to someday", "someday"),
    # QA: an empty --from/--to (an unset shell variable) was taken as not given.
    Bad("agenda --from ''", "empty date ''"),
    Bad("agenda --to ''", "empty date ''"),
    Bad("export ics --from ''", "empty date ''"),
    Bad("export ics --to ''", "empty date ''"),
    # Review: so was an empty filter of a listing: it listed everything.
    Bad("orgs --kind ''", "unknown kind ''"),
    Bad("orgs --country ''", "unknown country ''"),
    Bad("orgs --tag ''", "tag must not be empty"),
    Bad("contacts --org ''", "organisation reference must not be empty"),
    Bad("agreements --programme ''", "programme reference must not be empty"),
    Bad("agreements --org ''", "organisation reference must not be empty"),
    Bad("agreements --field ''", "field of action must not be empty"),
    Bad("cooperations --status ''", "unknown status ''"),
    Bad("cooperations --agreement ''", "agreement reference must not be empty"),
    Bad("cooperations --field ''", "field of action must not be empty"),
    Bad("cooperations --org ''", "organisation reference must not be empty"),
    Bad("agenda --org ''", "organisation reference must not be empty"),
    Bad("agenda --agreement ''", "agreement reference must not be empty"),
    Bad("agenda --type ''", "unknown type ''"),
    Bad("agenda --status ''", "unknown status ''"),
    Bad("agenda --from 2016-12-01 --to 2016-01-01", "2016-01-01"),
    Bad("agenda --type trip", "'trip'"),
    Bad("agenda --status maybe", "'maybe'"),
    Bad("agenda --org nobody", "'nobody'"),
    Bad("agenda --agreement nothing", "'nothing'"),
    Bad("agenda --tz Nowhere/City", "Nowhere/City"),
    Bad("agenda --type visit --type meeting", "--type is given twice ('visit', then 'meeting')"),
    Bad("agenda --from 2016-01-01 --to 2016-12-31 --from=2016-06-01", "--from is given twice"),
    Bad(
        "schedule-visit --from LSN --to FBRI --to Europe-Host --on 2016-10-12",
        "--to is given twice ('FBRI', then 'Europe-Host'): give it once (see rit schedule-visit",
    ),
    Bad("cancel 'FBRI visit' --reason a --reason b --reason c", "--reason is given 3 times"),
    Bad("export ics --from 2016-01-01 --from 2017-01-01", "see rit export ics --help"),
    Bad("agenda --tz posixrules", "'posixrules'"),
    # ---------------------------------------------------------------- trips
    Bad("add-trip X --from 2016-09-05 --to 2016-09-01", "2016-09-01"),
    Bad("add-trip X --from 2016-09-01", "--to"),
    Bad("add-trip '' --from 2016-09-01 --to 2016-09-05", "must not be empty"),
    Bad("add-trip X --from 1.9.16 --to 2016-09-05", "1.9.16"),
    Bad("add-trip 'Japan and China 2016' --from 2016-09-01 --to 2016-09-05", "already"),
    Bad("add-stop nothing --city Kobe --country JP --from 2016-05-01", "'nothing'"),
    Bad("add-stop 'Japan and China 2016' --city Kobe --country XX --from 2016-05-01", "'XX'"),
    Bad("add-stop 'Japan and China 2016' --city Kobe --country JP --from 2016-06-01", "2016-06-01"),
    Bad(
        "add-stop 'Japan and China 2016' --city '' --country JP --from 2016-05-01",
        "must not be empty",
    ),
    Bad(
        "add-stop 'Japan and China 2016' --city Kobe --country JP --from 2016-05-02 --to 2016-05-01",
        "2016-05-01",
    ),
    Bad(
        "add-stop 'Japan and China 2016' --city Kobe --country JP --from 2016-05-01 --org nobody",
        "'nobody'",
    ),
    Bad("show-trip nothing", "'nothing'"),
    Bad("edit-trip nothing --note x", "'nothing'"),
    Bad("edit-trip 'Japan and China 2016'", "nothing to change"),
    # QA: edit-org and its kind said "unchanged" (exit 0) given nothing to change, where
    # edit-exchange, edit-trip and edit-stop refused (exit 2)
    Bad("edit-org LSN", "nothing to change: give --name, --short, --kind, --country, --city"),
    Bad("edit-contact 1", "nothing to change: give --name, --org, --title, --role, --email"),
    Bad("edit-programme RIT", "nothing to change: give --name, --short, --run-by, --from"),
    Bad("edit-agreement 1", "nothing to change: give --title, --party, --kind, --programme"),
    Bad("edit-cooperation 1", "nothing to change: give --title, --org, --agreement, --field"),
    Bad("edit-trip 'Japan and China 2016' --title ''", "must not be empty"),
    Bad("edit-trip 'Japan and China 2016' --to 2016-04-01", "2016-04-01"),
    Bad("edit-trip 'Japan and China 2016' --from 03/04/2016", "03/04/2016"),
    Bad("edit-trip 'Japan and China 2016' --from 2016-05-01", "stop #1 'Tokyo'"),
    Bad("edit-trip 'Japan and China 2016' --to 2017-06-01", "at most a year"),
    Bad(("edit-trip", "Japan and China 2016", "--lead", LONG), "too long"),
    Bad(("edit-trip", "Japan and China 2016", "--note", HUGE), "too long"),
    Bad("edit-stop nothing Kobe --note x", "'nothing'"),
    Bad("edit-stop 'Japan and China 2016' Osaka --note x", "'Osaka'"),
    Bad("edit-stop 'Japan and China 2016' '' --note x", "must not be empty"),
    Bad("edit-stop 'Japan and China 2016' Kobe", "nothing to change"),
    Bad("edit-stop 'Japan and China 2016' Kobe --country XX", "'XX'"),
    Bad("edit-stop 'Japan and China 2016' Kobe --city ''", "must not be empty"),
    Bad("edit-stop 'Japan and China 2016' Kobe --org nobody", "'nobody'"),
    Bad("edit-stop 'Japan and China 2016' Kobe --org LSN --no-org", "--no-org"),
    Bad("edit-stop 'Japan and China 2016' Kobe --from 2016-04-30", "overlaps"),
    Bad("edit-stop 'Japan and China 2016' Kobe --to 2016-05-04", "outside trip"),
    Bad("edit-stop 'Japan and China 2016' Kobe --to 2016-05-01", "2016-05-01"),
    Bad("edit-stop 'Japan and China 2016' Kobe --from 31.02.2016", "31.02.2016"),
    Bad("edit-stop 'Japan and China 2016' Kobe --from 2016-05-03", "'Kobe visit'"),
    Bad("edit-stop 'Japan and China 2016' Kobe --no-org --city Osaka", "'Kobe visit'"),
    Bad("remove-stop 'Japan and China 2016' Kobe", "--detach"),
    Bad("remove-stop 'Japan and China 2016' 99", "'99'"),
    Bad("remove-stop nothing 1", "'nothing'"),
    Bad("remove-stop 'Japan and China 2016'", "missing argument"),
    Bad("remove-trip 'Japan and China 2016'", "--detach"),
    Bad("remove-trip nothing", "'nothing'"),
    Bad("remove-trip ''", "must not be empty"),
    Bad("edit-exchange 'FBRI visit' --trip nothing", "'nothing'"),
    Bad("edit-exchange 'FBRI visit' --trip ''", "must not be empty"),
    Bad("edit-exchange 'FBRI visit' --trip", "--trip"),
    Bad("edit-exchange 'Kobe visit' --trip 'Japan and China 2016' --no-trip", "--no-trip"),
    Bad("edit-exchange 'Kobe visit' --no-trip=yes", "--no-trip"),
    Bad("edit-exchange 'FBRI visit' --trip 'Japan and China 2016'", "2016-08-12 lies within no"),
    Bad("edit-exchange 'LSN visit' --trip 'Japan and China 2016'", "2016-10 lies within no"),
    Bad("edit-exchange 'Kobe visit' --place Osaka --to Europe-Host", "not in 'Osaka'"),
    Bad(
        "edit-exchange 'Kobe visit' --place Osaka --to Europe-Host --trip 'Japan and China 2016'",
        "not in 'Osaka'",
    ),
    Bad("remove-exchange nothing", "no exchange 'nothing'"),
    Bad("remove-exchange ''", "must not be empty"),
    Bad("remove-exchange 999", "no exchange '999'"),
    Bad("remove-exchange 99999999999999999999999", "no exchange '99999999999999999999999'"),
    Bad("remove-exchange visit", "no exchange 'visit'; did you mean"),
    Bad("remove-exchange", "missing argument"),
    Bad("remove-exchange 'Kobe visit' --detach", "--detach"),
    # ---------------------------------------------------------------- remind and report
    Bad("remind --within forever", "forever"),
    Bad("remind --within -3d", "-3d"),
    Bad("remind --within 99999y", "99999y"),
    Bad("remind --expiry-within soon", "soon"),
    Bad("remind --tz Mars/Base", "Mars/Base"),
    Bad("report --year 20166", "20166"),
    Bad("report --year nineteen", "nineteen"),
    # QA: "year '1800' is out of range", where a year not a number says "--year 'x' …"
    Bad("report --year 1800", "--year '1800' is out of range: use 1900..2199"),
    Bad("report --format pdf", "'pdf'"),
    Bad("report --agreement nothing", "'nothing'"),
    Bad("report --programme nothing", "'nothing'"),
    Bad("report --org nobody", "'nobody'"),
    Bad("report --excel", "csv"),
    Bad("report --format markdown --out /nonexistent-dir/report.md", "/nonexistent-dir"),
    Bad("report --tz Mars/Base", "Mars/Base"),
    # ---------------------------------------------------------------- search
    Bad("search ''", "empty"),
    Bad("search '   '", "empty"),
    Bad("search x --limit 0", "0"),
    Bad("search x --limit -5", "-5"),
    Bad("search x --limit many", "'many'"),
    Bad(("search", "x" * 1001), "too long"),
    # ---------------------------------------------------------------- export
    Bad("export csv planets", "'planets'"),
    Bad("export csv ''", "''"),
    Bad("export csv", "missing argument"),
    Bad("export yaml", "yaml"),
    Bad("export ics --from 2016-13-01", "2016-13-01"),
    Bad("export ics --to 03/04/2016", "03/04/2016"),
    Bad("export ics --from 2016-12-01 --to 2016-01-01", "2016-01-01"),
    Bad("export json --out {dir}/missing/export.json", "missing"),
    Bad("export json --out {dir}", "{dir}"),
    # ---------------------------------------------------------------- import
    Bad("import json {dir}/nothing-here.json", "nothing-here.json"),
    Bad("import json {dir}/garbage.json", "garbage.json"),
    Bad("import json {dir}/empty.json", "empty.json"),
    Bad("import json {dir}/notjson.json", "notjson.json"),
    Bad("import json {dir}/array.json", "array.json"),
    Bad("import json {dir}/wrongformat.json", "wrongformat.json"),
    Bad("import json {dir}/future.json", "future.json"),
    Bad("import json {dir}", "{dir}"),
    Bad("import csv planets {dir}/orgs_ok.csv", "'planets'"),
    Bad("import csv orgs {dir}/nothing-here.csv", "nothing-here.csv"),
    Bad("import csv orgs {dir}/orgs_no_name.csv", "name"),
    Bad("import csv orgs {dir}/orgs_unknown_column.csv", "colour"),
    Bad("import csv orgs {dir}/orgs_bad_country.csv", "line 3"),
    Bad("import csv orgs {dir}/orgs_duplicate.csv", "line 3"),
    Bad("import csv orgs {dir}/orgs_existing.csv", "line 2"),
    Bad("import csv orgs {dir}/orgs_empty_name.csv", "line 2"),
    Bad("import csv orgs {dir}/orgs_binary.csv", "orgs_binary.csv"),
    Bad("import csv orgs {dir}/orgs_latin1.csv", "UTF-8"),
    Bad("import csv orgs {dir}/orgs_ragged.csv", "line 2"),
    Bad("import csv orgs {dir}/orgs_unterminated.csv", "line 2"),
    Bad("import csv orgs {dir}/orgs_formula.csv", "line 2"),
    Bad("import csv orgs {dir}/empty.csv", "empty"),
    Bad("import csv contacts {dir}/contacts_bad_org.csv", "'nobody'"),
    Bad("import csv contacts {dir}/contacts_bad_email.csv", "not-an-email"),
    Bad("import csv orgs {dir}/orgs_ok.csv --excel", "name"),
    # ---------------------------------------------------------------- backup, restore, doctor
    Bad("backup {dir}/existing.txt", "existing.txt"),
    Bad("backup {dir}/missing/backup.db", "missing"),
    Bad("backup {dir}", "{dir}"),
    Bad("backup", "missing argument"),
    Bad("restore {dir}/nothing-here.db", "nothing-here.db"),
    Bad("restore {dir}/garbage.json", "garbage.json"),
    Bad("restore {dir}/existing.txt", "existing.txt"),
    Bad("restore {dir}/foreign.db", "foreign.db"),
    Bad("restore {dir}/empty.csv", "empty.csv"),
    Bad("restore {dir}", "{dir}"),
    Bad("doctor --fix", "--fix"),
    # ---------------------------------------------------------------- forget-contact
    Bad("forget-contact 'Hinrich Habeck'", "--yes"),
    Bad("forget-contact Nobody --yes", "'Nobody'"),
    Bad("forget-contact 'taro yamada' --yes", "ambiguous"),
    Bad("forget-contact '' --yes", "must not be empty"),
    Bad("forget-contact '#999' --yes", "'#999'"),
    Bad("forget-contact --yes", "missing argument"),
    Bad("forget-contact X --yes=no", "--yes"),
]


COMMANDS = commands()


def _command_of(case: Bad) -> str | None:
    for arg in case.argv():
        if not arg.startswith("-"):
            return arg
    return None


SEED = [
    "add-org 'Life Science Nord' --short LSN --kind cluster --country DE --city Hamburg",
    "add-org 'Foundation for Biomedical Research and Innovation' --short FBRI --kind foundation"
    " --country JP --city Kobe",
    "add-org 'Japan External Trade Organization' --short JETRO --kind agency --country JP",
    "add-contact 'Hinrich Habeck' --org LSN --title Dr. --email habeck@example.org",
    "add-contact 'Taro Yamada' --org FBRI",
    "add-contact 'Taro Yamada' --org JETRO",
    "add-org 'Europe Host' --short Europe-Host --country DE",
    "add-programme 'JETRO RIT programme' --short RIT --run-by JETRO --from 2014-01-01 --until 2016",
    "add-agreement 'LoI Kobe' --party LSN --party FBRI --programme RIT --signed 2016-05-02"
    " --place Kobe --until 2017 --signatory 'Hinrich Habeck' --visits-per-year 1",
    "add-cooperation 'Joint biobank' --org LSN --org FBRI --agreement 'LoI Kobe'",
    "schedule-visit --from LSN --to FBRI --window 2016-10 --title 'LSN visit'",
    "add-trip 'Japan and China 2016' --from 2016-04-29 --to 2016-05-03",
    "schedule-visit --from FBRI --to LSN --on 2016-08-12 --title 'FBRI visit'",
    "add-stop 'Japan and China 2016' --city Tokyo --country JP --from 2016-04-29 --to 2016-04-30",
    "add-stop 'Japan and China 2016' --city Kobe --country JP --from 2016-05-02 --to 2016-05-03"
    " --org FBRI",
    "schedule-visit --from LSN --to FBRI --on 2016-05-02 --trip 'Japan and China 2016'"
    " --title 'Kobe visit'",
]


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The story's records, built once; each case runs on a copy."""
    path = tmp_path_factory.mktemp("seed") / "rit.db"
    for line in SEED:
        name = shlex.split(line)[0]
        if name in COMMANDS:
            result = invoke(path, *shlex.split(line))
            assert result.exit_code == 0, (line, result.stderr)
    yield path


def _foreign_database() -> bytes:
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "foreign.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
        conn.close()
        return path.read_bytes()


# Files the cases can name as {dir}/NAME: malformed imports, things not to overwrite.
FILES: dict[str, bytes] = {
    "existing.txt": b"keep me\n",
    "garbage.json": bytes(range(256)) * 8,
    "empty.json": b"",
    "notjson.json": b"{not json",
    "array.json": b"[1, 2, 3]",
    "wrongformat.json": b'{"format": "something-else", "version": 1, "tables": {}}',
    "future.json": b'{"format": "rit", "version": 999, "schema": 999, "tables": {}}',
    "orgs_ok.csv": b"name,country\nNew Org,DE\n",
    "orgs_no_name.csv": b"city,country\nHamburg,DE\n",
    "orgs_unknown_column.csv": b"name,colour\nX,red\n",
    "orgs_bad_country.csv": b"name,country\nGood Org,DE\nBad Org,XX\n",
    "orgs_duplicate.csv": b"name\nTwin Org\ntwin org\n",
    "orgs_existing.csv": b"name\nLife Science Nord\n",
    "orgs_empty_name.csv": b"name,country\n  ,DE\n",
    "orgs_binary.csv": bytes(range(256)) * 4,
    "orgs_latin1.csv": "name\nM\u00fcller GmbH\n".encode("latin-1"),
    "orgs_ragged.csv": b"name,country\nA Org,DE,extra\n",
    "orgs_unterminated.csv": b'name\n"never closed\n',
    "orgs_formula.csv": b"name,country\nFormula Org,=1+2\n",
    "empty.csv": b"",
    "contacts_bad_org.csv": b"name,org\nSomeone,nobody\n",
    "contacts_bad_email.csv": b"name,org,email\nSomeone,LSN,not-an-email\n",
}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: Bad, tmp_path: Path, seed_db: Path
) -> None:
    command = _command_of(case)
    if command is not None and command not in COMMANDS and command != "no-such-command":
        pytest.skip(f"rit has no {command} command yet")
    db_path = tmp_path / "data" / "rit.db"
    db_path.parent.mkdir(mode=0o700)
    shutil.copy(seed_db, db_path)
    files = tmp_path / "files"
    files.mkdir()
    for name, content in {**FILES, "foreign.db": _foreign_database()}.items():
        (files / name).write_bytes(content)
    before, digest = dump_database(db_path), file_digest(db_path)
    kept = {p.name: p.read_bytes() for p in files.iterdir()}

    argv = [arg.replace("{dir}", str(files)) for arg in case.argv()]
    result = invoke(db_path, *argv)

    assert result.exit_code == case.code, result.output
    assert result.stdout == "" or case.code != 2 or "Usage" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    says = case.says.replace("{dir}", str(files))
    assert says.casefold() in lines[0].casefold(), lines[0]
    assert "Traceback" not in result.output
    assert "\x1b" not in result.stderr
    assert dump_database(db_path) == before
    assert file_digest(db_path) == digest
    # No file is overwritten, deleted or left behind.
    assert {p.name: p.read_bytes() for p in files.iterdir()} == kept
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["rit.db"]


def test_the_corpus_is_large_and_has_no_duplicates() -> None:
    assert len(CASES) >= 150 or len({_command_of(c) for c in CASES}) < 20
    assert len({c.args for c in CASES}) == len(CASES)


# ------------------------------------------------------------------ the real process

RIT = Path(sys.executable).with_name("rit")


@pytest.mark.skipif(not RIT.exists(), reason="rit is not installed in this venv")
@pytest.mark.parametrize(
    "argv",
    [
        [b"add-org", b"Caf\xe9 latin-1"],  # bytes that are not UTF-8
        [b"add-org", b"--no-such-option"],
        [b"add-org"],
        [
            b"schedule-visit",
            b"--from",
            b"A",
            b"--to",
            b"B",
            b"--on",
            b"2016-10-12",
            b"--days",
            b"x",
        ],
        [b"orgs", b"--today", b"31.02.2016"],
        [b"no-such-command"],
    ],
    ids=lambda a: b" ".join(a).decode("utf-8", "replace"),
)
def test_real_process_refuses_in_one_line(tmp_path: Path, argv: list[bytes]) -> None:
    env = {"PATH": "/usr/bin:/bin", "RIT_DB": str(tmp_path / "rit.db"), "LC_ALL": "C.UTF-8"}
    result = subprocess.run([bytes(RIT), *argv], env=env, capture_output=True, timeout=60)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode("utf-8")
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Usage:" not in err
    assert result.stdout == b""


@pytest.mark.parametrize(
    "args",
    [
        ("orgs", "--today", HUGE),
        ("agenda", "--from", HUGE),
        ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--window", HUGE),
        ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12", "--at", HUGE),
        ("schedule-visit", "--from", "LSN", "--to", "FBRI", "--on", "2016-10-12", "--days", HUGE),
        ("agenda", "--tz", HUGE),
        ("remind", "--within", HUGE),
        ("search", "x", "--limit", HUGE),
        ("import", "csv", HUGE, "-"),
    ],
    ids=lambda a: " ".join(a)[:40],
)
def test_a_long_bad_value_is_shown_shortened(
    tmp_path: Path, seed_db: Path, args: tuple[str, ...]
) -> None:
    """The error names a pasted paragraph by its ends, not by all of its 10 000 characters."""
    db_path = tmp_path / "rit.db"
    shutil.copy(seed_db, db_path)
    result = invoke(db_path, *args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "y…y" in line
    assert len(line) < 300, line


def test_an_option_repeated_with_the_same_value_is_fine(tmp_path: Path, seed_db: Path) -> None:
    db_path = tmp_path / "rit.db"
    shutil.copy(seed_db, db_path)
    once = invoke(
        db_path, "agenda", "--from", "2016-01-01", "--to", "2016-12-31", "--type", "visit"
    )
    twice = invoke(
        db_path,
        "agenda",
        "--type",
        "visit",
        "--from",
        "2016-01-01",
        "--to=2016-12-31",
        "--type=visit",
    )
    assert (twice.exit_code, twice.stderr) == (0, "")
    assert twice.stdout == once.stdout and "FBRI visit" in once.stdout
    # Options that gather (--from of a visit: its guests) and global options are not counted.
    many = invoke(db_path, "--today", "2016-01-01", "agenda", "--today", "2016-08-25")
    assert many.exit_code == 0, many.stderr
