"""Every notebook in ``notebooks/`` runs top to bottom on the bundled data, and is stored without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def _kernel_name() -> str:
    """``python3``: jupyter_client resolves it to ipykernel in this interpreter (``sys.executable``)."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if "python3" not in specs:
        pytest.skip("no python3 kernel spec; install ipykernel in this environment")
    return "python3"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: store notebooks without outputs"
    client = nbclient.NotebookClient(
        nb, kernel_name=_kernel_name(), timeout=120, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def test_notebooks_found() -> None:
    assert NOTEBOOKS, "expected at least one notebook in notebooks/"
