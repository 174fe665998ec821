"""The `rit` command (and `python -m rit_cli`): start-up with the cyclic GC paused.

A run imports Typer, Click and rit's modules: tens of thousands of objects that live until
the process ends, which the cyclic garbage collector would scan again and again while
they are created (about 5 ms of a 70 ms `rit agenda`). It is paused here, before anything
is imported, and cli.main freezes what start-up built and resumes it before the command
runs, so long commands still collect as usual. Importing rit_cli as a library (the tests)
leaves the collector alone; importing this module without calling main() leaves it paused.
"""

import gc

gc.disable()

from rit_cli.cli import main  # noqa: E402  (after pausing the collector, on purpose)

if __name__ == "__main__":
    main()
