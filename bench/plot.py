"""One PNG with four panels: every ratio, catch-up rate, read latency, memory over time."""

from __future__ import annotations

from pathlib import Path

from bench.measure import PathResult


def draw(results: list[PathResult], path: Path, title: str) -> bool:
    """Draw the plot to ``path``; False when matplotlib is not installed (``pip install -e '.[bench]'``)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    by_number = {r.number: r for r in results if r.built and r.figures}
    figure, axes = plt.subplots(2, 2, figsize=(15, 10))
    _ratios(axes[0][0], results)
    if 3 in by_number:
        _catch_up(axes[0][1], by_number[3])
    if 4 in by_number:
        _latency(axes[1][0], by_number[4])
    if 7 in by_number:
        _memory(axes[1][1], by_number[7])
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(figure)
    return True


def _ratios(ax, results: list[PathResult]) -> None:  # type: ignore[no-untyped-def]
    labels, ratios = [], []
    for result in results:
        for figure in result.figures:
            labels.append(
                f"{result.number}: {figure.label.split(' (')[0]}{figure.label.split(')')[-1] if ')' in figure.label else ''}"
            )
            ratios.append(figure.ratio)
    positions = range(len(labels))
    ax.barh(positions, ratios, color="tab:blue")
    ax.set_yticks(list(positions), labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.axvline(0.8, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("ours ÷ ceiling (1.0 = as good as raw; dashed: 0.8, path 1's target)")
    ax.set_title("Every figure as a share of its raw ceiling")


def _catch_up(ax, result: PathResult) -> None:  # type: ignore[no-untyped-def]
    figure = result.figures[0]
    ax.bar(["ours", "raw ceiling"], [figure.ours, figure.ceiling], color=["tab:blue", "tab:grey"])
    ax.axhline(25_000, color="black", linestyle=":", label="target 25,000 events/s")
    ax.set_ylabel("events/s")
    ax.set_title("3: catch-up from zero, all projections")
    ax.legend()


def _latency(ax, result: PathResult) -> None:  # type: ignore[no-untyped-def]
    latency = result.series.get("latency", {})
    names = list(latency)
    width = 0.2
    for offset, (key, colour) in enumerate(
        (("ours p50", "tab:cyan"), ("ours p99", "tab:blue"), ("raw p50", "silver"), ("raw p99", "tab:grey"))
    ):
        ax.bar(
            [i + (offset - 1.5) * width for i in range(len(names))],
            [latency[n][key] for n in names],
            width,
            label=key,
            color=colour,
        )
    ax.set_xticks(range(len(names)), [n.replace(", ", "\n") for n in names], fontsize=8)
    ax.axhline(20, color="black", linestyle=":", label="target p99 20 ms (16 clients)")
    ax.set_ylabel("ms")
    ax.set_title("4: public reads over HTTP")
    ax.legend(fontsize=8)


def _memory(ax, result: PathResult) -> None:  # type: ignore[no-untyped-def]
    for label, timeline in result.series.get("rss", {}).items():
        if timeline:
            ax.plot(
                [t for t, _ in timeline],
                [rss for _, rss in timeline],
                label=label if label.startswith("raw") else f"ours {label}",
                linestyle="--" if label.startswith("raw") else "-",
            )
    ax.axhline(250, color="black", linestyle=":", label="target 250 MB")
    ax.set_xlabel("seconds since the process started")
    ax.set_ylabel("RSS, MB")
    ax.set_ylim(bottom=0)
    ax.set_title("7: memory of the service over time")
    ax.legend(fontsize=8)
