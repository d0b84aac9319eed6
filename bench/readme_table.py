"""Puts a benchmark's table, as its script just wrote it, into bench/README.md.

Usage: /usr/bin/python3 bench/readme_table.py NAME TABLE.md

Replaces what stands between the lines <!-- NAME --> and <!-- /NAME --> of bench/README.md with
the content of TABLE.md, so the README's table is the last run's and no number is copied by hand.
"""

import pathlib
import sys


def main() -> None:
    name, table = sys.argv[1], pathlib.Path(sys.argv[2]).read_text().strip()
    readme = pathlib.Path(__file__).with_name("README.md")
    text = readme.read_text()
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        sys.exit(f"readme_table.py: {readme} needs one {start} line before one {end} line")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    readme.write_text(f"{before}{start}\n{table}\n{end}{after}")
    print(f"readme_table.py: {readme}: the {name} table replaced", file=sys.stderr)


if __name__ == "__main__":
    main()
