"""The hand-written baseline of ``bench_scale.py``, run as a process of its own: read a CSV of ``xa`` communes
with the ``csv`` module and ``Decimal``, score each with the straight-line scorer of ``xa_handwritten.py``,
keep per commune its code, district, total, level and its points as text, then rank within the district and
write one row per commune in code order. No checks, no positions for errors. Standard library only.

    python benchmarks/scale_handwritten.py IN.csv OUT.csv"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal

import xa_handwritten

YESNO = {"internet_cap_quang", "hoi_nghi_truyen_hinh", "ke_hoach_cds", "quy_che_httt", "ke_hoach_cchc",
         "ky_so_toan_bo", "xu_ly_noi_bo_mot_cua", "su_dung_bieu_mau"}
TEXT = {"cong_chuc_cntt"}
LEVELS = ("Không xếp hạng", "Mức I", "Mức II", "Mức III", "Mức IV")


def typed(row: dict[str, str]) -> dict[str, object]:
    unit: dict[str, object] = {}
    evidence = set()
    for column, cell in row.items():
        name, _, part = column.partition(".")
        if part == "a":
            unit[name] = (Decimal(cell), Decimal(row[name + ".b"]))
        elif part == "evidence":
            if cell:
                evidence.add(name)
        elif part == "" and name in YESNO:
            unit[name] = cell == "yes"
        elif part == "" and name in TEXT:
            unit[name] = cell
        elif part == "" and name not in ("code", "name", "tier", "parent", "year", "source", "note"):
            unit[name] = Decimal(cell)
    unit["evidence"] = evidence
    return unit


def main(source: str, target: str) -> None:
    codes, districts, totals, levels, texts = [], [], [], [], []
    with open(source, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            total, level, points = xa_handwritten.score_unit(typed(row))
            codes.append(row["code"])
            districts.append(row["parent"])
            totals.append(total)
            levels.append(level)
            texts.append(",".join(map(str, points)))
    ranks = xa_handwritten.rank_within_district(districts, totals)
    with open(target, "w", encoding="utf-8", newline="") as out:
        out.write("code,parent,total,level,rank,points\n")
        for i in sorted(range(len(codes)), key=codes.__getitem__):
            out.write(f"{codes[i]},{districts[i]},{totals[i]},{LEVELS[levels[i]]},{ranks[i]},{texts[i]}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
