"""The ``landreg`` command line: thin wrappers over the public functions.

Commands from other packages (``serve`` from ``api``, ``map`` from ``maps``) are
plugged in through the ``landreg.commands`` entry-point group, so the core never
imports the web or map layers.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import click

from landreg.cli.alerts_cmd import alerts_group
from landreg.cli.analysis_cmd import ANALYSIS_COMMANDS
from landreg.cli.backup_cmd import backup_cmd, restore_cmd
from landreg.cli.common import USER_ERRORS, print_error
from landreg.cli.db_cmd import db_group
from landreg.cli.decision_cmd import decision_group
from landreg.cli.edit_cmd import merge_cmd, split_cmd
from landreg.cli.enrich_cmd import enrich_cmd
from landreg.cli.indicators_cmd import indicators_cmd
from landreg.cli.layers_cmd import layers_group
from landreg.cli.plans_cmd import plans_group
from landreg.cli.plots_cmd import (
    end_cmd,
    export_cmd,
    history_cmd,
    import_cmd,
    init_cmd,
    query_cmd,
    schema_cmd,
    show_cmd,
    summary_cmd,
)
from landreg.cli.prices_cmd import prices_group
from landreg.cli.road_cmd import road_group
from landreg.cli.token_cmd import token_group


class _PluginGroup(click.Group):
    """A group that also offers commands registered by other installed packages."""

    def _plugins(self) -> dict[str, object]:
        return {ep.name: ep for ep in entry_points(group="landreg.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in self._plugins():
            cmd = self._plugins()[cmd_name].load()  # type: ignore[attr-defined]
        return cmd

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; errors in the user's input print ``error: <message>`` and exit 1.

        Commands from plugins and those without :func:`~landreg.cli.common.handle_errors`
        get the same message as the others, never a traceback.
        """
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            print_error(exc)
            ctx.exit(1)


@click.group(cls=_PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="landreg")
def main() -> None:
    """landreg — registry and analysis of business land in the Trondheim region."""


for _cmd in (
    init_cmd,
    import_cmd,
    export_cmd,
    query_cmd,
    show_cmd,
    history_cmd,
    end_cmd,
    schema_cmd,
    summary_cmd,
    token_group,
    layers_group,
    enrich_cmd,
    indicators_cmd,
    prices_group,
    decision_group,
    split_cmd,
    merge_cmd,
    road_group,
    plans_group,
    db_group,
    backup_cmd,
    restore_cmd,
    alerts_group,
):
    main.add_command(_cmd)
for _cmd in ANALYSIS_COMMANDS:
    main.add_command(_cmd)
