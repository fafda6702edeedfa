"""How long the site takes to build: the real site, and synthetic catalogues.

The real site (with every page producer, i.e. the calculator too) should build in under
2 seconds on a 2-core machine. Synthetic catalogues of 1,000 to 10,000 entries, built
with the real rules, show how the time grows with the number of entries: the time per
entry should stay about the same (linear growth).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from site_builder.build import build, default_producers
from site_builder.render import BuildOptions

REPO = Path(__file__).resolve().parent.parent
REAL_SITE_TARGET_SECONDS = 2.0
SIZES = (1_000, 2_500, 5_000, 10_000)
RUNS = 3  # the best of several runs hides one-off costs (imports, template compilation)
SYNTHETIC_RUNS = 2
# Common characters of occupation names, for plausible synthetic names.
CHARACTERS = "工程师技术员管理操作维修装配调试检验制造电气机械化学生物医药信息网络数据安全设计"


# A build is linear when every measured time lies within this share of the fitted line.
LINEAR_TOLERANCE = 0.2


def linear_fit(sizes, seconds) -> tuple[float, float, float]:
    """Fit seconds = fixed + slope * size; also return the worst relative deviation.

    Per-entry time alone mixes in the fixed cost (loading rules and explainers), which
    makes small catalogues look slower per entry than they are.
    """
    mean_x, mean_y = statistics.fmean(sizes), statistics.fmean(seconds)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(sizes, seconds, strict=True)) / sum(
        (x - mean_x) ** 2 for x in sizes
    )
    fixed = mean_y - slope * mean_x
    worst = max(abs(y - (fixed + slope * x)) / y for x, y in zip(sizes, seconds, strict=True))
    return fixed, slope, worst


def time_build(root: Path, producers, runs: int) -> list[float]:
    """Wall-clock seconds of `runs` full builds of `root` into a scratch folder."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            started = time.perf_counter()
            build(root, Path(tmp) / "dist", BuildOptions(), producers=producers)
            times.append(time.perf_counter() - started)
    return times


def synthetic_root(folder: Path, entries: int) -> Path:
    """A project folder with one catalogue of `entries` entries and the real explainers."""
    rng = random.Random(entries)
    lines = [
        "[catalogue]",
        'id = "synthetic"',
        'title = "合成目录"',
        'short_title = "合成目录"',
        'edition = "2023"',
        'used_for = "基准测试用。"',
        'points = "基准测试用。"',
        'title_levels = ["intermediate", "skill_3"]',
        'source = "基准测试用。"',
    ]
    for seq in range(1, entries + 1):
        name = "".join(rng.choices(CHARACTERS, k=rng.randint(3, 9)))
        alias = "".join(rng.choices(CHARACTERS, k=rng.randint(3, 6)))
        lines += [
            "", "[[entries]]", f'id = "entry-{seq}"', f"seq = {seq}",
            f'name = "{name}{seq}"', f'aliases = ["{alias}"]', 'titles = ["工程师"]',
        ]
    (folder / "catalogue").mkdir(parents=True)
    (folder / "catalogue" / "synthetic.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(REPO / "content", folder / "content")
    return folder


def main(argv: list[str]) -> int:
    # No options; parsing still answers --help and refuses an unknown option.
    parser = argparse.ArgumentParser(prog="python -m benchmarks.site_build", description=__doc__)
    parser.parse_args(argv)
    status = 0
    real = time_build(REPO, default_producers(), RUNS)
    best = min(real)
    verdict = "ok" if best < REAL_SITE_TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"real site: best {best:.2f} s, median {statistics.median(real):.2f} s of {RUNS} builds "
          f"(target < {REAL_SITE_TARGET_SECONDS:.0f} s: {verdict})")
    if best >= REAL_SITE_TARGET_SECONDS:
        status = 1

    print("synthetic catalogue (real rules, no calculator):")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            root = synthetic_root(Path(tmp) / f"n{size}", size)
            seconds = min(time_build(root, [], SYNTHETIC_RUNS))
            times.append(seconds)
            print(f"  {size:>6} entries: {seconds:6.2f} s, "
                  f"{seconds / size * 1000:.3f} ms per entry")
    fixed, slope, worst = linear_fit(SIZES, times)
    print(f"  least-squares fit: {fixed:.2f} s fixed + {slope * 1000:.3f} ms per entry; "
          f"largest deviation from the line {worst:.0%} "
          f"({'linear' if worst < LINEAR_TOLERANCE else 'NOT LINEAR'})")
    return status
