"""Small builders for extracts in tests."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["Ref", "Forename", "Surname", "DOB", "Gender", "Address", "Postcode", "NHS No"]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
