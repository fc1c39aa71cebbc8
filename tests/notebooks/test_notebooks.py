"""Every notebook in ``notebooks/`` runs top to bottom on the user's registry (``LANDREG_REGISTRY``)
from any working folder, builds the demonstration registry only when none is named, and is stored
without outputs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import nbclient
import nbformat
import pytest

from landreg.registry import open_registry
from landreg.testing import registry_data_digest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "layers"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def user_registry(demo_registry_file, tmp_path_factory) -> tuple[Path, int]:
    """A registry built and enriched from the bundled layers, with one price more than the demonstration
    data (so a notebook that rebuilt the demo would print another count); and its number of prices."""
    path = tmp_path_factory.mktemp("user") / "my registry.gpkg"
    shutil.copy(demo_registry_file, path)
    reg = open_registry(path)
    try:
        plot_id = reg.query_plots()["plot_id"].iloc[0]
        extra = {"observed_on": dt.date(2026, 1, 15), "kind": "asking", "price_nok_m2": 999.0, "basis": "raw"}
        reg.add_price_observations(plot_id, [extra], actor="test")
        n_prices = len(reg.price_history())
    finally:
        reg.close()
    return path, n_prices


def _run(path: Path, cwd: Path) -> str:
    """Execute a notebook with ``cwd`` as the kernel's working folder; return its text output."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: store notebooks without outputs"
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(cwd)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert not errors, errors
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_reads_the_users_registry_from_any_folder(path, user_registry, tmp_path, monkeypatch):
    registry, n_prices = user_registry
    before = registry_data_digest(registry)
    monkeypatch.chdir(tmp_path)  # neither the project folder nor notebooks/
    monkeypatch.setenv("LANDREG_REGISTRY", str(registry))
    monkeypatch.setenv("LANDREG_LAYERS_DIR", str(LAYERS))
    text = _run(path, tmp_path)
    assert f"Reading the registry {registry} (LANDREG_REGISTRY)" in text
    assert "building the demonstration registry" not in text
    if path.name.startswith("01_"):
        assert f"{n_prices} price observations" in text
    assert registry_data_digest(registry) == before  # enrichment was up to date: no recorded value written
    assert not list(tmp_path.iterdir()), "the notebook wrote into the working folder"


@pytest.mark.slow
def test_without_a_registry_the_notebook_builds_the_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LANDREG_REGISTRY", raising=False)
    monkeypatch.setenv("LANDREG_LAYERS_DIR", str(LAYERS))
    text = _run(ROOT / "notebooks" / "01_regional_prices.ipynb", tmp_path)
    assert "LANDREG_REGISTRY is not set: building the demonstration registry" in text
    n = re.search(r"(\d+) price observations of \d+ plots", text).group(1)
    assert f"Synthetic data — price observations: {n} of {n} observations synthetic" in text  # counted from the data
    # cited figures are shown with their sources, and missing rows and claims are named
    assert "https://www.malviknyttarkiv.no/2018/02/07/fryselageret-vil-utvide/" in text
    assert "missing: ['copenhagen', 'gothenburg', 'oslo', 'stavanger']" in text and "claims:" in text


def test_notebooks_found() -> None:
    assert NOTEBOOKS, "expected at least one notebook in notebooks/"
