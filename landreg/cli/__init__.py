"""The ``landreg`` command line: thin wrappers over the public functions."""

from __future__ import annotations

import click

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="landreg")
def main() -> None:
    """landreg — registry and analysis of business land in the Trondheim region."""


for _cmd in (init_cmd, import_cmd, export_cmd, query_cmd, show_cmd, history_cmd, end_cmd, schema_cmd, summary_cmd):
    main.add_command(_cmd)
