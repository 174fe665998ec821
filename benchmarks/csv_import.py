"""Time `rit import csv orgs` and `contacts` on N generated rows (default 100 000).

    .venv/bin/python benchmarks/csv_import.py [N]

Run on purpose, never as a test. Prints seconds per phase.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RIT = str(Path(sys.executable).with_name("rit"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        orgs, contacts = root / "orgs.csv", root / "contacts.csv"
        with orgs.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Name", "Kurzname", "Land", "Stadt", "Tags", "Notiz"])
            for n in range(N):
                country, city = ("DE", "Lübeck") if n % 2 else ("JP", "神戸")
                writer.writerow(
                    [
                        f"Firma Müller & Söhne {n}",
                        f"F{n}",
                        country,
                        city,
                        "biotech",
                        f"Große Straße {n}",
                    ]
                )
        with contacts.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Name", "Organisation", "E-Mail", "Telefon"])
            for n in range(N):
                writer.writerow([f"山田 {n}", f"F{n % 1000}", f"p{n}@example.org", "+49 40 123"])
        env = {**os.environ, "RIT_DB": str(root / "rit.db")}
        for entity, path in (("orgs", orgs), ("contacts", contacts)):
            start = time.perf_counter()
            subprocess.run([RIT, "import", "csv", entity, str(path)], check=True, env=env)
            print(f"{entity}: {N} rows in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        subprocess.run(
            [RIT, "search", "strasse 99999", "--json"], check=True, env=env, capture_output=True
        )
        print(f"search: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
