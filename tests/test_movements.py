"""Movements attributed across units: the criterion groups behind the rises and falls, and each mover's
change explained by both its gains and its losses."""

from __future__ import annotations

from decimal import Decimal

from cqdt_rules import api
from cqdt_rules.analysis.compare import compare
from cqdt_rules.analysis.movements import attribute, movement_sentences
from cqdt_rules.model.units import Assessment

RULESET = """
ruleset mini {
  title "Bộ tiêu chí thử"
  status hypothetical
  years 2021..2022
  rounding 3
}
tier so "Sở" max 30 {
  ranking khoi "Trong khối" by total
  group A "Sẵn sàng" max 10 {
    group A1 "Hạ tầng" max 10 {
      criterion A1.1 "Máy tính" max 10 {
        input may direct_points "điểm"
        direct may
        provenance hypothetical "thử"
      }
    }
  }
  group B "Kết quả" max 20 {
    group B1 "Tương tác" max 10 {
      criterion B1.1 "Thư" max 10 {
        input thu score "điểm"
        direct thu
        provenance hypothetical "thử"
      }
    }
    group B2 "Giao dịch" max 10 {
      criterion B2.1 "DVCTT" max 10 {
        input dv score "điểm"
        direct dv
        provenance hypothetical "thử"
      }
    }
  }
}
"""


def _unit(code: str, year: int, may: int, thu: int, dv: int) -> Assessment:
    return Assessment(code=code, name=f"Sở {code}", tier="so", year=year, source="audit",
                      values={"may": may, "thu": thu, "dv": dv})


def test_groups_behind_rises_and_falls_and_both_sides_of_a_unit():
    checked = api.load_text(RULESET.replace("direct_points", "score"), "mini.cqdt")
    before = api.score(checked, [_unit("1", 2021, 9, 9, 9), _unit("2", 2021, 5, 5, 5), _unit("3", 2021, 1, 1, 1)])
    after = api.score(checked, [_unit("1", 2021 + 1, 9, 2, 8), _unit("2", 2021 + 1, 3, 10, 10),
                                _unit("3", 2021 + 1, 1, 1, 1)])
    [tier] = compare(after, before)
    found = attribute(tier, "vi")
    assert found is not None
    # unit 2 rose (2 → 1): +5 Tương tác, +5 Giao dịch, −2 Hạ tầng; unit 1 fell (1 → 2): −7 Tương tác, −1 Giao dịch
    assert [(g.id, g.net) for g in found.rising] == [("B1", Decimal(5)), ("B2", Decimal(5))]
    assert [(g.id, g.net) for g in found.falling] == [("B1", Decimal(-7)), ("B2", Decimal(-1))]
    [riser] = found.risers
    assert [c[0] for c in riser.gains] == ["B1.1", "B2.1"] and [c[0] for c in riser.losses] == ["A1.1"]
    lines = movement_sentences(found, "vi", 3)
    assert lines[0] == "Các đơn vị tăng bậc nhiều nhất (Sở 2) tăng điểm chủ yếu ở: Tương tác (+5,000); Giao dịch (+5,000)."
    assert "Sở 2 (hạng 2 → 1; +8,000 điểm): tăng ở B1.1 +5,000, B2.1 +5,000; giảm ở A1.1 −2,000." in lines
