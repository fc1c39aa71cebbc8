"""On PostGIS: a killed or failing import leaves the registry as it was; concurrent adds cannot overlap."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest
import shapely

from landreg import open_registry
from landreg.errors import ValidationError
from landreg.registry.postgis.copy import postgis_checksums
from landreg.testing import make_plot_frame
from tests.landreg.registry.test_durability import WORKERS, _env

pytestmark = pytest.mark.db


@pytest.fixture
def backend():
    """Every test here runs on PostGIS."""
    return "postgis"


@pytest.mark.slow
def test_sigkill_during_bulk_import_leaves_the_registry_unchanged(registry):
    registry.add_plots(make_plot_frame(25), actor="setup")
    before = postgis_checksums(registry)
    location = f"{registry.url}?schema={registry.schema}"
    proc = subprocess.Popen(
        [sys.executable, str(WORKERS), "bulk", location, "40000"], stdout=subprocess.PIPE, text=True, env=_env()
    )
    lines = []
    for line in proc.stdout:  # wait until batches are being written inside the transaction
        lines.append(line.strip())
        if len(lines) == 2:
            break
    with registry._connection() as conn:  # the import's rows are there, uncommitted, in its transaction
        active = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL and lines == ["batch 5000", "batch 5000"] and active >= 1
    with open_registry(location) as reg:
        assert reg.count_plots(include_ended=True) == 25
        assert postgis_checksums(reg) == before


def test_a_failure_mid_import_rolls_everything_back(registry):
    registry.add_plots(make_plot_frame(4), actor="setup")
    before = postgis_checksums(registry)

    def explode(_: int) -> None:
        raise RuntimeError("disk on fire")

    frame = make_plot_frame(6_000, prefix="X", origin=(520_000.0, 6_950_000.0), cell_m=60.0)
    with pytest.raises(RuntimeError, match="disk on fire"):
        registry.add_plots(frame, actor="t", progress=explode)
    assert postgis_checksums(registry) == before and registry.count_plots() == 4


def test_concurrent_adds_of_one_spot_store_exactly_one(registry):
    results: list[object] = []

    def add(k: int) -> None:
        frame = make_plot_frame(1, prefix=f"W{k}")
        frame.loc[0, "geometry"] = shapely.box(566000 + k, 7020000, 566100 + k, 7020100)  # all overlap
        try:
            results.append(registry.add_plots(frame, actor=f"w{k}"))
        except ValidationError as exc:
            results.append(exc)

    threads = [threading.Thread(target=add, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stored = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(stored) == 1 and len(refused) == 7
    assert all("overlap" in str(r) for r in refused)
    assert registry.count_plots() == 1
