"""What only the PostGIS backend has: migrations, database-enforced rules, many writers, selection by URL."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest
import shapely

from landreg import VersionConflictError, open_registry
from landreg.errors import RegistryFormatError, RegistryUnavailableError
from landreg.model.enums import ChangeOp
from landreg.registry.postgis.cluster import free_port
from landreg.registry.postgis.migrate import available_migrations, latest_version
from landreg.registry.postgis.sql import COLS
from landreg.testing import make_plot_frame
from tests.landreg.cli._invoke import invoke
from tests.postgis_server import drop_schema, fresh_schema_name

pytestmark = pytest.mark.db


@pytest.fixture
def backend():
    """Every test here runs on PostGIS."""
    return "postgis"


@pytest.fixture
def schema_url(postgis_url):
    """A database URL naming a schema no registry uses yet (dropped afterwards)."""
    schema = fresh_schema_name()
    yield f"{postgis_url}?schema={schema}", schema
    drop_schema(postgis_url, schema)


def test_db_upgrade_creates_the_schema_once_and_open_needs_it(schema_url, postgis_url):
    url, schema = schema_url
    out = invoke("query", "--registry", url)
    assert out.exit_code == 1 and "landreg db upgrade" in out.stderr and "Traceback" not in out.stderr
    out = invoke("db", "status", "--registry", url)
    assert out.exit_code == 1 and "pending 0001 initial" in out.stdout
    out = invoke("db", "upgrade", "--registry", url)
    assert out.exit_code == 0, out.stderr
    assert "applied 0001 initial" in out.stdout and f"schema version {latest_version()}" in out.stdout
    again = invoke("db", "upgrade", "--registry", url)
    assert again.exit_code == 0 and "up to date" in again.stdout and "applied" not in again.stdout
    assert invoke("db", "status", "--registry", url).exit_code == 0
    with psycopg.connect(postgis_url) as conn:
        rows = conn.execute(f'SELECT version, name FROM "{schema}".schema_version ORDER BY version').fetchall()
    assert rows == [(m.version, m.name) for m in available_migrations()]
    with open_registry(url) as reg:
        assert reg.backend == "postgis" and reg.count_plots() == 0


def test_migrated_tables_match_the_plot_model(registry, postgis_url):
    with psycopg.connect(postgis_url) as conn:
        columns = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = 'plots' "
                "ORDER BY ordinal_position",
                (registry.schema,),
            )
        ]
        geometry = conn.execute(
            "SELECT srid, type FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = 'plots'",
            (registry.schema,),
        ).fetchone()
        indexes = {
            r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s", (registry.schema,))
        }
    assert columns == ["fid", "geom", *COLS, "sw_x_m", "sw_y_m"]  # the last two kept from geom (vector tiles)
    assert geometry == (25832, "MULTIPOLYGON")
    assert any("USING gist (geom)" in d and "plots_geom_idx" in d for d in indexes)


def test_the_database_refuses_a_second_live_plot_with_a_code(registry, postgis_url):
    (pid,) = registry.add_plots(make_plot_frame(1), actor="t")
    with psycopg.connect(postgis_url) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("SELECT set_config('landreg.writer', 'on', true)")  # a writer that skips landreg's checks
        conn.execute(
            f'INSERT INTO "{registry.schema}".plots (geom, plot_id, code, version, municipality_no, status) '
            f'SELECT geom, %s, code, 1, municipality_no, status FROM "{registry.schema}".plots WHERE plot_id = %s',
            ("other-id", pid),
        )


def test_a_stale_version_is_refused_by_the_update_itself(registry):
    (pid,) = registry.add_plots(make_plot_frame(1), actor="t")
    stale = registry.get_plot(pid)
    registry.update_plot(pid, {"name": "first"}, expected_version=1, actor="a")
    new = stale.model_dump(exclude={"geometry"}) | {"name": "second", "version": 2}
    with pytest.raises(VersionConflictError) as info, registry._write_transaction():
        _, now_text = registry._transaction_time()  # past every check: only the UPDATE's WHERE stands
        registry._new_version(stale, new, stale.geometry, op=ChangeOp.UPDATE, actor="b", now_text=now_text)
    assert info.value.current_version == 2
    assert registry.get_plot(pid).name == "first"
    assert list(registry.plot_history(pid)["version"]) == [1, 2]


def test_threads_sharing_one_registry_lose_no_update(registry):
    (shared,) = registry.add_plots(make_plot_frame(1, prefix="SHARED"), actor="setup")
    writers, rounds = 8, 10
    acks: list[int] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            for i in range(rounds):
                while True:
                    p = registry.get_plot(shared)
                    try:
                        registry.update_plot(shared, {"name": f"{name}-{i}"}, expected_version=p.version, actor=name)
                    except VersionConflictError:
                        continue
                    acks.append(p.version + 1)
                    break
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{k}",)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert sorted(acks) == list(range(2, writers * rounds + 2))
    history = registry.plot_history(shared)
    assert list(history["version"]) == list(range(1, writers * rounds + 2))
    assert history["recorded_at"].is_unique and history["recorded_at"].is_monotonic_increasing
    assert history["superseded_at"].isna().sum() == 1


def test_a_cql2_filter_runs_in_the_database(registry):
    from landreg.registry import PlotQuery
    from landreg.registry.cql import parse_filter

    frame = make_plot_frame(50, seed=2)
    registry.add_plots(frame, actor="t")
    area = shapely.box(566_300, 7_020_300, 567_200, 7_021_100)
    query = PlotQuery(filter_ast=parse_filter(f"S_INTERSECTS(geometry, {area.wkt})"), filter_crs="EPSG:25832")
    assert "st_intersects" in registry.explain_query(query).lower()
    assert sorted(registry.query_plots(query)["code"]) == sorted(frame[frame.intersects(area)]["code"])


def test_database_url_selects_the_backend_for_the_cli(schema_url, tmp_path):
    url, _ = schema_url
    source = tmp_path / "in.geojson"
    make_plot_frame(3, seed=9).to_file(source, driver="GeoJSON")
    assert invoke("db", "upgrade", "--registry", url).exit_code == 0
    out = invoke("import", source, "--registry", url, "--actor", "kari")
    assert out.exit_code == 0, out.stderr
    out = invoke("query", "--json", env={"LANDREG_DATABASE_URL": url, "LANDREG_REGISTRY": str(tmp_path / "no.gpkg")})
    assert out.exit_code == 0, out.stderr
    assert len(json.loads(out.stdout)["features"]) == 3
    assert not (tmp_path / "no.gpkg").exists()
    out = invoke("init", env={"LANDREG_DATABASE_URL": url})
    assert out.exit_code == 1 and "GeoPackage" in out.stderr


def test_an_unreachable_server_is_reported_without_the_password():
    url = f"postgresql://postgres:s3cret@127.0.0.1:{free_port()}/landreg"
    with pytest.raises(RegistryUnavailableError) as info:
        open_registry(url)
    assert f"127.0.0.1:{url.split(':')[3].split('/')[0]}" in str(info.value) and "s3cret" not in str(info.value)
    out = invoke("query", "--registry", url)
    assert out.exit_code == 1 and "cannot connect" in out.stderr and "s3cret" not in out.stderr


def test_a_bad_schema_name_is_refused(postgis_url):
    with pytest.raises(RegistryFormatError, match="schema name"):
        open_registry(f"{postgis_url}?schema=Robert'); DROP TABLE x")


def test_an_older_schema_is_refused_until_upgraded_and_keeps_its_plots(schema_url, postgis_url):
    from landreg.registry.postgis.migrate import upgrade_schema
    from landreg.registry.postgis.registry import PostGISRegistry, split_schema

    url, schema = schema_url
    base, _ = split_schema(url)
    with psycopg.connect(base, autocommit=True) as conn:
        assert [m.version for m in upgrade_schema(conn, schema=schema, target=1)] == [1]
    with pytest.raises(RegistryFormatError, match=f"schema version 1, this landreg needs {latest_version()}"):
        PostGISRegistry.open(url)
    out = invoke("db", "upgrade", "--registry", url)
    assert out.exit_code == 0 and "applied 0002 tokens" in out.stdout and "0001" not in out.stdout
    with open_registry(url) as reg:
        token = reg.create_token(name="kari", role="planner", municipalities=["Trondheim"])
        assert reg.authenticate(token).municipalities == {"5001"}


def test_the_demo_registry_copies_to_postgis_verified(demo_registry_file, schema_url, tmp_path):
    import shutil

    from landreg.registry.postgis.copy import gpkg_checksums, postgis_checksums

    url, _ = schema_url
    source = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, source)
    with open_registry(source) as src:  # a history, prices, a decision taken and a token to carry over
        p = src.query_plots(limit=1).iloc[0]
        src.update_plot(p["plot_id"], {"name": "Tomt på Sveberg"}, expected_version=int(p["version"]), actor="kari")
        token = src.create_token(name="ola", role="admin")
    out = invoke("db", "copy", source, url)
    assert out.exit_code == 0, out.stderr
    assert "verified" in out.stdout and "plot_versions" in out.stdout
    with open_registry(source) as src, open_registry(url) as dst:
        assert postgis_checksums(dst) == gpkg_checksums(src)
        assert dst.count_plots() == src.count_plots() > 100
        copied = dst.get_plot(p["plot_id"])
        assert copied.name == "Tomt på Sveberg" and copied.version == int(p["version"]) + 1
        assert list(dst.plot_history(p["plot_id"])["actor"]) == list(src.plot_history(p["plot_id"])["actor"])
        assert dst.authenticate(token).name == "ola"
        assert dst.load_enrichment().shape == src.load_enrichment().shape
        assert dst.load_business_areas()["name"].tolist() == src.load_business_areas()["name"].tolist()
        dst.update_plot(copied.plot_id, {"name": "Endret"}, expected_version=copied.version, actor="per")
        assert [c.table for c in postgis_checksums(dst) if c not in gpkg_checksums(src)] == ["plots", "plot_versions"]
    again = invoke("db", "copy", source, url)
    assert again.exit_code == 1 and "not empty" in again.stderr
    back = tmp_path / "back.gpkg"  # and back to a GeoPackage: the round trip is lossless
    out = invoke("db", "copy", url, back)
    assert out.exit_code == 0, out.stderr
    with open_registry(back) as returned, open_registry(url) as dst:
        assert gpkg_checksums(returned) == postgis_checksums(dst)
        assert returned.authenticate(token).name == "ola"
        assert returned.plot_history(copied.plot_id)["actor"].tolist()[-1] == "per"
    assert invoke("db", "copy", url, back).exit_code == 1  # never over an existing file
    assert invoke("db", "copy", source, back).exit_code == 1  # one of each


def test_plots_and_history_change_through_landreg_only(registry, postgis_url):
    (pid,) = registry.add_plots(make_plot_frame(1), actor="t")
    for statement in (
        f"UPDATE \"{registry.schema}\".plots SET name = 'fra QGIS' WHERE plot_id = '{pid}'",
        f'DELETE FROM "{registry.schema}".plot_versions',
        f'TRUNCATE "{registry.schema}".plots CASCADE',
    ):
        with psycopg.connect(postgis_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as info:
            conn.execute(statement)
        assert "changed through landreg only" in str(info.value)
    with psycopg.connect(postgis_url) as conn:  # the views read like the tables, for QGIS
        live = conn.execute(f'SELECT plot_id FROM "{registry.schema}".live_plots').fetchall()
        history = conn.execute(f'SELECT op, actor FROM "{registry.schema}".plot_history').fetchall()
        views = conn.execute(
            "SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = %s ORDER BY 1", (registry.schema,)
        ).fetchall()
    assert live == [(pid,)] and history == [("add", "t")]
    assert ("live_plots", 25832) in views and ("plot_history", 25832) in views
    assert registry.get_plot(pid).name != "fra QGIS" and registry.plot_history(pid)["version"].tolist() == [1]
