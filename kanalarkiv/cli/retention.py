"""``kanalarkiv retention …``: checks of the key store, and disposal re-applied after a restore."""

from __future__ import annotations

import typer

from kanalarkiv.archival.renderings import reach_renderings
from kanalarkiv.cli.common import caught_up, fail, opened, out, progress

retention_app = typer.Typer(help="Retention: the key store and disposals.", no_args_is_help=True)


@retention_app.command("check-keys")
def check_keys() -> None:
    """Every record not disposed of must still have its key; a missing one is reported by record."""
    with opened() as runtime:
        caught_up(runtime, "retention")
        missing = runtime.views.retention.records_without_keys()
        if missing:
            for row in missing:
                out.print(
                    f"missing key: {row['kind']} {row['record_id']} (organisation {row['org_id']}, "
                    f"created {row['created_at']:%Y-%m-%d})",
                    highlight=False,
                )
            raise fail(f"{len(missing)} record(s) have lost their keys: restore record_keys from backup", code=1)
        out.print("every record that is not disposed of has its key")


@retention_app.command("reapply-disposals")
def reapply_disposals() -> None:
    """After restoring the key store from a backup: destroy again every key a disposal destroyed
    (renderings' included); and make again any rendering a disposal reached but did not remake."""
    with opened() as runtime:
        caught_up(runtime, "retention")
        decisions = runtime.views.retention.executed_decisions()
        restored = remade = 0
        with progress("re-applying disposals", len(decisions), unit="decisions") as update:
            for done, decision_id in enumerate(decisions, start=1):
                restored += runtime.app.reapply_disposals([decision_id])
                for name in ("snapshots", "channel_content"):
                    caught_up(runtime, name)
                remade += len(
                    reach_renderings(
                        runtime.app,
                        runtime.views,
                        decision_id,
                        position=runtime.views.view("snapshots").position(runtime.app.name),
                    )
                )
                update(done)
        out.print(
            f"checked {len(decisions)} executed disposal decision(s); destroyed {restored} key(s) "
            f"that a restore had brought back; made {remade} rendering(s) again"
        )
