"""Several years side by side, across the change of rules: the sample's synthetic 2020-2024 history
(2020-2022 under egov_2020, 2023-2024 under dti_2023) through the analysis and `cqdt report --history`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cqdt_rules.analysis.history import history, score_years
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_many
from cqdt_rules.engine.results import Results

SAMPLE = Path(__file__).parent.parent / "examples" / "gialai"
YEARS = ["egov-2020-audit.yaml", "egov-2021-audit.yaml", "egov-2022-audit.yaml", "dti-2023-audit.yaml",
         "dti-2024-audit.yaml"]


@pytest.fixture(scope="module")
def scored() -> list[Results]:
    return score_years(load_many([SAMPLE / name for name in YEARS]))


def test_each_year_is_scored_by_the_ruleset_that_declares_it(scored: list[Results]) -> None:
    found = history(scored)
    assert found.years == (2020, 2021, 2022, 2023, 2024)
    assert found.rulesets == ("egov_2020",) * 3 + ("dti_2023",) * 2
    assert found.changes == ((2023, "egov_2020", "dti_2023"),)


def test_levels_per_year_stay_within_one_ruleset_and_ranks_follow_one_scope(scored: list[Results]) -> None:
    found = history(scored)
    xa = next(t for t in found.tiers if t.tier == "xa")
    assert [(e.ruleset, e.years) for e in xa.eras] == [("egov_2020", (2020, 2021, 2022)), ("dti_2023", (2023, 2024))]
    assert xa.eras[0].levels[-1] == "Không xếp hạng" and xa.eras[1].levels[0] == "Tốt"
    assert [sum(counts) for counts in xa.eras[0].counts] == [220, 220, 220]
    assert xa.eras[0].counts[2][2:4] == (3, 12)  # 2022 as published: 3 communes at Mức III, 12 at Mức IV
    assert xa.ranking == "Xếp hạng trong huyện"  # egov ranks communes within the district only: so does every year
    by_year = {r.ruleset.id + str(next(iter(r.units)).assessment.year): r for r in scored}
    commune = next(t for t in xa.tracks if t.code == "23575")
    for point in commune.points:
        assert point is not None
        unit = by_year[point.ruleset + str(point.year)].unit("23575")
        ranking = next(r for r in unit.tier.rankings if r.within == "district")
        assert point.rank == unit.rank(ranking.name)
        assert point.share == unit.total * 100 / unit.tier.max


def test_units_that_moved_over_several_years(scored: list[Results]) -> None:
    huyen = next(t for t in history(scored).tiers if t.tier == "huyen")
    risers, fallers = huyen.movers()
    assert risers and fallers
    assert all((t.rank_change or 0) > 0 for t in risers) and all((t.rank_change or 0) < 0 for t in fallers)
    assert [t.rank_change for t in risers] == sorted((t.rank_change for t in risers), reverse=True)
    duc_co = next(t for t in huyen.tracks if t.code == "631")  # the report's named faller of 2022
    assert duc_co in fallers and duc_co.rank_change is not None and duc_co.rank_change < 0


def test_report_shows_the_history(tmp_path: Path) -> None:
    data = [str(SAMPLE / name) for name in YEARS]
    assert main(["report", "dti_2023", data[4], "--previous", data[3], "--history", *data[:3], "--out", str(tmp_path),
                 "--formats", "html,md"]) == 0
    text = (tmp_path / "report-dti_2023-2024-vi.md").read_text(encoding="utf-8")
    assert "## Diễn biến qua các năm 2020–2024" in text
    assert "Bộ tiêu chí thay đổi từ năm 2023 (egov\\_2020 → dti\\_2023)" in text
    assert "Tăng hạng nhiều nhất từ năm 2020 đến năm 2024" in text
    charts = sorted(p.name for p in (tmp_path / "report-dti_2023-2024-vi-charts").iterdir() if p.name.startswith("history"))
    assert charts == sorted(f"history-{tier}-{ruleset}.svg" for tier in ("so", "huyen", "xa")
                            for ruleset in ("egov_2020", "dti_2023"))
    page = (tmp_path / "report-dti_2023-2024-vi.html").read_text(encoding="utf-8")
    assert '<section id="lich-su">' in page and page.count('class="chart chart-grouped"') == 6
    assert "SYNTHETIC" in page


def test_a_history_needs_two_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(SAMPLE / YEARS[2])
    assert main(["report", "egov_2020", data, "--history", data, "--out", str(tmp_path), "--lang", "en"]) == 2
    assert "a history needs at least two years of data, found 2022" in capsys.readouterr().err
