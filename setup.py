"""Build hook (the project itself is declared in pyproject.toml).

setuptools copies the package into build/lib and packs the wheel from there, keeping what
an earlier build left: a module since removed from src/ was installed again by the next
`pip install .` in the same checkout. Each build now starts from an empty build/lib.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class FreshBuildPy(build_py):
    def run(self) -> None:
        if not self.editable_mode:
            for package in {name.split(".")[0] for name in self.packages or ()}:
                shutil.rmtree(Path(self.build_lib, package), ignore_errors=True)
        super().run()


setup(cmdclass={"build_py": FreshBuildPy})
