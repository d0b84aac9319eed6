#!/usr/bin/python3
"""Writes the files of tests/Its.Cli.Tests/OwnData: one monthly series saved the way the tools
people use save it (plain CSV, Excel, European and Chinese Excel CSV, Stata, pandas), a quarterly
form of it, and a few hostile files. Every readable file holds the same numbers, so a test can
compare its fit with the fit of plain.csv coefficient by coefficient.

Run from the repository root with Debian's Python (python3-openpyxl, python3-pandas,
python3-xlwt, and python3-xlrd to read the .xls back):

    /usr/bin/python3 tests/reference/own_data.py
    Rscript tests/reference/own_data.R     # the two R files, read from plain.csv

The output is deterministic: running it twice gives identical files (the workbooks carry a fixed
creation date).
"""

import datetime
import math
import os
import random
import zipfile
from decimal import Decimal

import openpyxl
import pandas
import xlrd
import xlwt

OUT = os.path.join("tests", "Its.Cli.Tests", "OwnData")
SEED = 20160101
MONTHS = 48  # 2016-01 to 2019-12; the interruption is 2018-01 (month 25)
MISSING_MONTH = 10  # 2016-10: its outcome is NA in r-write-csv-na.csv (own_data.R)
# Workbooks otherwise record the time they were written, and the files would change on each run.
WORKBOOK_DATE = datetime.datetime(2026, 1, 1)


def cents(x):
    """x rounded to cents, as an exact decimal."""
    return Decimal(round(x, 2)).quantize(Decimal("0.01"))


def series():
    """48 months: (year, month, admissions with cents as a Decimal, population as an int).

    Admissions: a trend of 800 a month, a drop of 12,000 and a slope change of -300 a month from
    2018-01, a 5,000 seasonal swing and noise of SD 1,500; population grows 900 a month with
    noise of SD 4,000 (so it is not collinear with time)."""
    rng = random.Random(SEED)
    rows = []
    for t in range(MONTHS):
        year, month = 2016 + t // 12, t % 12 + 1
        after = t >= 24
        mean = (450000 + 800 * t + (-12000 - 300 * (t - 24) if after else 0)
                + 5000 * math.sin(2 * math.pi * month / 12))
        admissions = cents(mean + rng.gauss(0, 1500))
        population = round(4950000 + 900 * t + rng.gauss(0, 4000))
        rows.append((year, month, admissions, population))
    return rows


def thousands(value, separator, decimal):
    """A number as spreadsheets show it with a thousands separator: 454086.25 -> 454.086,25."""
    whole, _, cents = f"{value}".partition(".")
    grouped = f"{int(whole):,}".replace(",", separator)
    return grouped + (decimal + cents if cents else "")


def write_text(name, lines, encoding="utf-8", newline="\n"):
    with open(os.path.join(OUT, name), "w", encoding=encoding, newline="") as f:
        f.write("".join(line + newline for line in lines))


def plain(rows):
    """The reference: RFC 4180 (comma, CRLF), '.' decimals, ISO months."""
    lines = ["month,admissions,population"]
    lines += [f"{y}-{m:02d},{a},{p}" for y, m, a, p in rows]
    write_text("plain.csv", lines, newline="\r\n")
    # The same file without the month whose outcome is missing in r-write-csv-na.csv.
    gap = [line for i, line in enumerate(lines) if i != MISSING_MONTH]
    write_text("plain-gap.csv", gap, newline="\r\n")


def excel(rows):
    """Workbooks by openpyxl with real date cells (yyyy-mm) and numeric cells."""
    def data_sheet(sheet):
        sheet.append(["month", "admissions", "population"])
        for y, m, a, p in rows:
            sheet.append([datetime.datetime(y, m, 1), float(a), p])
            sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm"

    def notes_sheet(sheet):
        sheet.append(["Monthly hospital admissions, 2016-2019"])
        sheet.append(["Source: made-up series for the kit's tests"])
        sheet.append(["Interruption: January 2018"])

    def save(book, name):
        book.properties.created = WORKBOOK_DATE
        book.properties.modified = WORKBOOK_DATE
        path = os.path.join(OUT, name)
        book.save(path)
        fix_zip_dates(path)

    book = openpyxl.Workbook()
    data_sheet(book.active)
    book.active.title = "Data"
    notes_sheet(book.create_sheet("Notes"))
    save(book, "excel.xlsx")

    book = openpyxl.Workbook()
    notes_sheet(book.active)
    book.active.title = "Notes"
    data_sheet(book.create_sheet("Series"))
    save(book, "excel-second-sheet.xlsx")


def fix_zip_dates(path):
    """Gives every member of the workbook's zip the fixed date: openpyxl stamps them with the
    time of saving. The members themselves are left as openpyxl wrote them."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, content in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=WORKBOOK_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)


def excel_legacy(rows):
    """A legacy .xls by xlwt: sheet Data, date cells formatted yyyy-mm."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    month_style = xlwt.easyxf(num_format_str="yyyy-mm")
    for col, name in enumerate(["month", "admissions", "population"]):
        sheet.write(0, col, name)
    for r, (y, m, a, p) in enumerate(rows, start=1):
        sheet.write(r, 0, datetime.datetime(y, m, 1), month_style)
        sheet.write(r, 1, float(a))
        sheet.write(r, 2, p)
    notes = book.add_sheet("Notes")
    notes.write(0, 0, "Monthly hospital admissions, 2016-2019")
    book.save(os.path.join(OUT, "excel.xls"))


def european(rows):
    """As German Excel saves 'CSV (Trennzeichen-getrennt)': ';', decimal comma, dd.MM.yyyy,
    Windows-1252, CRLF; a second file with '.' as thousands separator."""
    header = "Monat;Aufnahmen;Bevölkerung"
    plain_numbers = [f"01.{m:02d}.{y};{str(a).replace('.', ',')};{p}" for y, m, a, p in rows]
    grouped = [f"01.{m:02d}.{y};{thousands(a, '.', ',')};{thousands(p, '.', ',')}" for y, m, a, p in rows]
    write_text("european.csv", [header] + plain_numbers, encoding="cp1252", newline="\r\n")
    write_text("european-thousands.csv", [header] + grouped, encoding="cp1252", newline="\r\n")


def chinese(rows):
    """A Chinese hospital system's export: GB18030, Chinese headers, yyyy/MM, comma, CRLF; a
    second file with thousands separators, quoted as Excel quotes them."""
    header = "月份,总费用,常住人口"
    plain_numbers = [f"{y}/{m:02d},{a},{p}" for y, m, a, p in rows]
    grouped = [f'{y}/{m:02d},"{thousands(a, ",", ".")}","{thousands(p, ",", ".")}"' for y, m, a, p in rows]
    write_text("gb18030.csv", [header] + plain_numbers, encoding="gb18030", newline="\r\n")
    write_text("gb18030-thousands.csv", [header] + grouped, encoding="gb18030", newline="\r\n")


def stata(rows):
    """As Stata 17's `export delimited` writes a %tm month: 2016m1, no quotes, LF."""
    lines = ["month,admissions,population"]
    # Stata writes a double at its shortest: 454086.1, not 454086.10.
    lines += [f"{y}m{m},{float(a)!r}".removesuffix(".0") + f",{p}" for y, m, a, p in rows]
    write_text("stata.csv", lines)


def pandas_files(rows):
    """pandas' to_csv with its default index column and a datetime column."""
    frame = pandas.DataFrame({
        "month": pandas.to_datetime([f"{y}-{m:02d}-01" for y, m, _, _ in rows]),
        "admissions": [float(a) for _, _, a, _ in rows],
        "population": [p for _, _, _, p in rows],
    })
    frame.to_csv(os.path.join(OUT, "pandas.csv"))
    frame.to_csv(os.path.join(OUT, "pandas-tsv.tsv"), sep="\t")


def quarterly(rows):
    """16 quarters: admissions summed over the quarter's months (exact in decimal), population
    at the quarter's last month; once with year and quarter columns, once with 2016-Q1 dates."""
    quarters = []
    for q in range(MONTHS // 3):
        months = rows[3 * q:3 * q + 3]
        quarters.append((months[0][0], q % 4 + 1, sum(a for _, _, a, _ in months), months[-1][3]))
    write_text("quarterly-year-quarter.csv",
               ["year,quarter,admissions,population"] + [f"{y},{q},{a},{p}" for y, q, a, p in quarters])
    write_text("quarterly-plain.csv",
               ["quarter,admissions,population"] + [f"{y}-Q{q},{a},{p}" for y, q, a, p in quarters])


def hostile(rows):
    """Files a reader must refuse with a message instead of a crash or garbage."""
    rng = random.Random(SEED)
    # 4 KiB that start as a PNG does (signature, then the IHDR chunk's length and name).
    png_start = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR"
    noise = bytes(rng.randrange(256) for _ in range(4096 - len(png_start)))
    with open(os.path.join(OUT, "binary.csv"), "wb") as f:
        f.write(png_start + noise)

    body = [f"{y}-{m:02d},{a},{p}" for y, m, a, p in rows]
    write_text("stray-quote-header.csv", ['month,adm"issions,population'] + body)

    # 144 months (2008-01 to 2019-12): the 48 of the series after 96 earlier ones of the same
    # trend; the last data row (line 145) opens a quote that is never closed.
    rng = random.Random(SEED + 1)
    early = [f"{2008 + t // 12}-{t % 12 + 1:02d},{cents(373200 + 800 * t + rng.gauss(0, 1500))},"
             f"{round(4863600 + 900 * t + rng.gauss(0, 4000))}" for t in range(96)]
    long_body = early + body
    long_body[-1] = long_body[-1].replace(",", ',"', 1)
    write_text("unterminated-quote.csv", ["month,admissions,population"] + long_body)

    escaped = list(body)
    y, m, a, p = rows[4]
    escaped[4] = f"{y}-{m:02d},\x1b[31m{a}\x1b[0m,{p}"
    write_text("escape-sequence.csv", ["month,admissions,population"] + escaped)


def check(rows):
    """Reads every written file back with pandas (openpyxl and xlrd for the workbooks) and stops
    unless each holds exactly the series: the same months and the same numbers."""
    months = [f"{y}-{m:02d}" for y, m, _, _ in rows]
    admissions = [float(a) for _, _, a, _ in rows]
    population = [float(p) for _, _, _, p in rows]

    def same(name, frame, month, columns):
        got = [list(map(float, frame[c])) for c in columns]
        assert list(month) == months, f"{name}: months differ"
        assert got == [admissions, population], f"{name}: numbers differ"

    def iso(dates):
        return pandas.to_datetime(dates).dt.strftime("%Y-%m")

    def read(name, **options):
        return pandas.read_csv(os.path.join(OUT, name), **options)

    frame = read("plain.csv", dtype={"month": str})
    same("plain.csv", frame, frame["month"], ["admissions", "population"])
    for name in ["excel.xlsx", "excel-second-sheet.xlsx"]:
        frame = pandas.read_excel(os.path.join(OUT, name), sheet_name="Series" if "second" in name else "Data")
        same(name, frame, iso(frame["month"]), ["admissions", "population"])
    # Debian's xlrd (1.2) is older than pandas accepts, so the .xls is read with xlrd itself.
    book = xlrd.open_workbook(os.path.join(OUT, "excel.xls"))
    sheet = book.sheet_by_name("Data")
    cells = [sheet.row_values(r) for r in range(1, sheet.nrows)]
    assert all(sheet.cell_type(r, 0) == xlrd.XL_CELL_DATE for r in range(1, sheet.nrows)), "excel.xls: months not dates"
    frame = pandas.DataFrame(cells, columns=["month", "admissions", "population"])
    same("excel.xls", frame, [xlrd.xldate_as_datetime(d, book.datemode).strftime("%Y-%m") for d in frame["month"]],
         ["admissions", "population"])
    for name in ["european.csv", "european-thousands.csv"]:
        frame = read(name, sep=";", decimal=",", thousands=".", encoding="cp1252", dtype={"Monat": str})
        same(name, frame, iso(pandas.to_datetime(frame["Monat"], format="%d.%m.%Y")), ["Aufnahmen", "Bevölkerung"])
    for name in ["gb18030.csv", "gb18030-thousands.csv"]:
        frame = read(name, thousands=",", encoding="gb18030", dtype={"月份": str})
        same(name, frame, iso(pandas.to_datetime(frame["月份"], format="%Y/%m")), ["总费用", "常住人口"])
    frame = read("stata.csv")
    same("stata.csv", frame, iso(pandas.to_datetime(frame["month"], format="%Ym%m")), ["admissions", "population"])
    for name, sep in [("pandas.csv", ","), ("pandas-tsv.tsv", "\t")]:
        frame = read(name, sep=sep, index_col=0)
        same(name, frame, iso(frame["month"]), ["admissions", "population"])

    quarters = read("quarterly-year-quarter.csv")
    sums = [sum(admissions[3 * q:3 * q + 3]) for q in range(MONTHS // 3)]
    assert all(abs(a - b) < 1e-6 for a, b in zip(quarters["admissions"], sums)), "quarterly sums differ"
    assert list(quarters["population"]) == population[2::3], "quarterly population differs"
    assert list(read("quarterly-plain.csv")["admissions"]) == list(quarters["admissions"])


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = series()
    plain(rows)
    excel(rows)
    excel_legacy(rows)
    european(rows)
    chinese(rows)
    stata(rows)
    pandas_files(rows)
    quarterly(rows)
    hostile(rows)
    check(rows)


if __name__ == "__main__":
    main()
