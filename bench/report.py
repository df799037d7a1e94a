"""The Markdown report: where and when it ran, the world it ran on, every figure beside its
ceiling and their ratio, the targets met or missed and why, and the paths not yet measured."""

from __future__ import annotations

from typing import Any

from bench.harness import Bench
from bench.measure import Figure, PathResult


def render(bench: Bench, results: list[PathResult], plot_name: str | None, seconds: float) -> str:
    machine = bench.environment.machine
    dataset = bench.facts["dataset"]
    measured = [r for r in results if r.built]
    lines = [
        f"# kanalarkiv benchmark: {bench.mode.name} mode",
        "",
        f"Run {machine['date']} on {machine['cores']} cores, {machine['memory_gib']} GiB ({machine['cpu']}, "
        f"{machine['os']}), Python {machine['python']}, PostgreSQL {machine['postgresql']} ({machine['server']}; "
        + ", ".join(f"{k} {v}" for k, v in machine["server_settings"].items())
        + ").",
        f"Code: commit {bench.facts.get('commit', '?')}. Seed {bench.seed}; the whole run took {seconds:.0f} s. "
        f"Load average (1 min) {bench.facts.get('load_before', '?')} before, {bench.facts.get('load_after', '?')} after."
        + (
            " The world was the one an earlier run kept (`--reuse-database`), not imported again."
            if bench.facts.get("reused_world")
            else ""
        ),
        "",
        "Every figure of ours stands beside its raw ceiling, measured in the same run on the same server with rows "
        "of the same size and the same indexes. *Ratio* is ours as a share of the ceiling (higher is better: for "
        "latency and memory it is ceiling ÷ ours).",
        "",
        "## Targets",
        "",
        "| path | target | measured | met |",
        "|---|---|---|---|",
    ]
    for result in measured:
        for target in result.targets:
            lines.append(
                f"| {result.number}. {result.title} | {target.text} | {target.measured} | "
                f"{'yes' if target.met else '**no**'} |"
            )
    for result in results:
        if not result.built:
            lines.append(f"| {result.number}. {result.title} | — | not yet measured: feature not built | — |")
    lines += [
        "",
        "## Every figure beside its ceiling",
        "",
        "| path | figure | ours | ceiling | ratio |",
        "|---|---|--:|--:|--:|",
    ]
    for result in measured:
        for figure in result.figures:
            lines.append(
                f"| {result.number} | {figure.label} | {_value(figure, figure.ours)} | "
                f"{_value(figure, figure.ceiling)} | {figure.ratio:.2f} |"
            )
    if plot_name:
        lines += ["", f"![ratios, latencies and memory]({plot_name})"]
    lines += ["", "## The world it ran on", "", *_dataset(dataset, bench)]
    for result in sorted(results, key=lambda r: r.number):
        lines += ["", f"## Path {result.number}: {result.title}", ""]
        if not result.built:
            lines.append(f"Not yet measured: feature not built ({result.ceiling}).")
            continue
        lines += [f"*Measures* {result.measures}. *Ceiling:* {result.ceiling}. ({result.seconds:.0f} s)", ""]
        for title, table in result.tables.items():
            lines += [f"**{title}**", "", *_table(table), ""]
        lines += [f"- {note}" for note in result.notes]
        for title, profile in result.profiles.items():
            if profile:
                lines += ["", f"**Profile: {title}**", "", profile]
    lines += [
        "",
        "## How to read and rerun",
        "",
        "`make bench-quick` (about two minutes) or `make bench` (one million events); `DATABASE_URL` picks "
        "another server. The benchmark drops and recreates its own database `kanalarkiv_bench` (or "
        "`$KANALARKIV_BENCH_DATABASE`) and never touches another. Raw numbers: the `.json` beside this report. See `bench/README.md`.",
    ]
    return "\n".join(lines) + "\n"


def _dataset(dataset: dict[str, Any], bench: Bench) -> list[str]:
    per_channel, per_org = dataset["events_per_channel"], dataset["channels_per_organisation"]
    types = ", ".join(f"{topic} {n:,}" for topic, n in dataset["event_types"])
    platforms = ", ".join(f"{platform} {n:,}" for platform, n in dataset["platforms"])
    return [
        f"- {dataset['events']:,} events in the log ({dataset['log_mb']} MB with its indexes; stored event state "
        f"{dataset['mean_state_bytes']} bytes on average), made by the seeded generator (`bench/generator.py`, "
        f"seed {bench.seed}) through the domain and saved by the application in transactions of "
        f"{bench.mode.import_batch} events.",
        f"- {dataset['organisations_with_channels']:,} organisations with channels; channels per organisation: "
        f"median {per_org['median']}, p90 {per_org['p90']}, max {per_org['max']}.",
        f"- {dataset['channels']:,} channels; events per channel: median {per_channel['median']}, "
        f"p90 {per_channel['p90']}, p99 {per_channel['p99']}, max {per_channel['max']} (most small, a few large).",
        *(
            f"- {label}: median {spread['median']}, p90 {spread['p90']}, p99 {spread['p99']}, max {spread['max']} "
            f"({spread['total']:,} in all)."
            for label, spread in (
                ("Posts per channel", dataset.get("posts_per_channel")),
                ("Comments per post (bursty threads)", dataset.get("comments_per_post")),
                ("Diary entries per organisation", dataset.get("diary_entries_per_organisation")),
            )
            if spread
        ),
        f"- Platforms: {platforms}.",
        f"- Event types: {types}.",
        "- Made by `bench/generator.py` (organisations, staff tokens, channel life cycles) and `bench/editorial.py` "
        "(editors' assignments, posts published or captured, edits, deletions, comment threads, replies, "
        "moderation and its reversal, comments moved to a case, diary registrations with gap-free numbers); post "
        "and comment texts are sealed under per-record keys as the service stores them.",
    ]


def _table(rows: list[list[str]]) -> list[str]:
    head, *body = rows
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *("| " + " | ".join(row) + " |" for row in body)]


def _value(figure: Figure, value: float) -> str:
    if figure.unit == "ms":
        return f"{value:.2f} ms"
    if figure.unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:,.0f} {figure.unit}"
