"""Benchmark the static checker alone (after parsing) on rulesets far larger than the shipped ones.

Run from the checkout (no timed assertions; figures and ratios only):

    PYTHONPATH=src python benchmarks/bench_checker.py            # 100x the shipped rulesets; parsing takes a few minutes
    PYTHONPATH=src python benchmarks/bench_checker.py --quick    # 5x, a few seconds

What is measured (benchmarks/README.md, "Checker"):

1. the baseline: ``checker.check`` on each shipped ruleset (rulesets/2020/egov.cqdt, rulesets/2023_dts/dti.cqdt),
   timed in the same run;
2. ``checker.check`` on one ruleset holding SCALE copies of every tier of a shipped ruleset (SCALE times
   its criteria, indicators, levels and rankings), and the ratio of that time to SCALE times the baseline:
   1.0 means the checker is linear in the size of the ruleset;
3. the two shapes that used to be quadratic: one tier of 80 x SCALE yes/no criteria, and one ``bands`` rule
   of 500 x SCALE bands (each against the same time per item on a 100-item version).

The ruleset is parsed before any timing; only ``check`` is timed (the median of --repeat runs, CPU time).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from cqdt_rules.language import checker, parser  # noqa: E402
from cqdt_rules.model import ruleset as m  # noqa: E402

SHIPPED = [ROOT / "rulesets" / "2020" / "egov.cqdt", ROOT / "rulesets" / "2023_dts" / "dti.cqdt"]
CLOCK = time.process_time
HEADER = ('ruleset big {\n  title "Benchmark"\n  version "1"\n  status hypothetical\n  years 2022..2022\n'
          '  rounding 3\n  on_zero_denominator 0\n}\n')


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = CLOCK()
        fn()
        times.append(CLOCK() - start)
    return statistics.median(times)


def tier_blocks(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first tier, and each top-level ``tier ID`` block with its id (braces matched)."""
    blocks: list[tuple[str, str]] = []
    first = None
    for found in re.finditer(r"^tier (\w+)", text, re.MULTILINE):
        if first is None:
            first = found.start()
        depth, index = 0, text.index("{", found.end())
        while True:
            char = text[index]
            depth += char == "{"
            depth -= char == "}"
            index += 1
            if depth == 0:
                break
        blocks.append((found.group(1), text[found.start():index]))
    return text[:first or 0], blocks


def scaled(text: str, scale: int) -> str:
    """SCALE copies of every tier (renamed tier_k); declarations before the first tier are kept once."""
    head, blocks = tier_blocks(text)
    copies = [re.sub(rf"^tier {tier_id}\b", f"tier {tier_id}_{k}", block, count=1)
              for k in range(scale) for tier_id, block in blocks]
    return head + "\n".join(copies) + "\n"


def yes_no_tier(count: int) -> str:
    lines = [HEADER, f'tier xa "Xã" max {count} {{']
    lines += [f'  criterion C{i} "Tiêu chí {i}" max 1 {{ input x{i} yesno "có/không"\n    yes x{i}\n'
              f'    provenance hypothetical "benchmark" }}' for i in range(count)]
    return "\n".join(lines + ["}"]) + "\n"


def many_bands(count: int) -> str:
    bands = " ".join(f">= {count - i} -> 10" for i in range(count))
    return (HEADER + 'tier xa "Xã" max 10 {\n  criterion C "Tiêu chí" max 10 {\n    input x count "số" range 0..10000000\n'
            f"    bands x {{ {bands} else -> 0 }}\n    provenance hypothetical \"benchmark\"\n  }}\n}}\n")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--quick", action="store_true", help="5 copies instead of 100")
    options.add_argument("--scale", type=int, help="copies of the shipped rulesets (default 100; --quick 5)")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    scale = args.scale or (5 if args.quick else 100)
    print(f"checker benchmark: scale {scale}, median of {args.repeat} runs, CPU time")
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        base = parser.parse_source(text, str(path))
        assert isinstance(base, m.Ruleset)
        baseline = timed(lambda: checker.check(base), args.repeat)
        criteria = sum(len(t.walk()) for t in base.tiers)
        big = parser.parse_source(scaled(text, scale), "scaled.cqdt")
        assert isinstance(big, m.Ruleset)
        big_nodes = sum(len(t.walk()) for t in big.tiers)
        assert big_nodes == scale * criteria, (big_nodes, scale * criteria)
        seconds = timed(lambda: checker.check(big), args.repeat)
        print(f"{path.relative_to(ROOT)}: {criteria} nodes, check {baseline * 1000:.1f} ms")
        print(f"  x{scale}: {big_nodes} nodes, check {seconds:.3f} s")
        print(f"  ratio check x{scale} / ({scale} x check x1): {seconds / (scale * baseline):.2f}")
    for name, build, unit in (("yes/no criteria in one tier", yes_no_tier, 80), ("bands in one rule", many_bands, 500)):
        small_n, big_n = 100, unit * scale
        small = parser.parse_source(build(small_n), "small.cqdt")
        large = parser.parse_source(build(big_n), "large.cqdt")
        assert isinstance(small, m.Ruleset) and isinstance(large, m.Ruleset)
        per_small = timed(lambda: checker.check(small), args.repeat) / small_n
        seconds = timed(lambda: checker.check(large), args.repeat)
        print(f"{big_n} {name}: check {seconds:.3f} s")
        print(f"  ratio time per item at {big_n} / at {small_n}: {seconds / big_n / per_small:.2f}")


if __name__ == "__main__":
    main()
