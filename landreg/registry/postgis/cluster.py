"""A local PostgreSQL + PostGIS cluster for development and tests (Debian's packages).

The server never runs as root: when this process is root, ``initdb`` and ``pg_ctl`` run as the
``postgres`` system user (``runuser``).  It listens on 127.0.0.1 only, on the port given (or a
free one), with password authentication; its socket lives in the data directory.

Run as a script to create (or start) a cluster and print its URL::

    python -m landreg.registry.postgis.cluster var/postgis
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from landreg.errors import ClusterError, LandregError

#: Debian's packages that provide the server and PostGIS.
DEBIAN_PACKAGES = ("postgresql-15", "postgresql-15-postgis-3")
_SERVER_USER = "postgres"
_PASSWORD_FILE = "landreg-password"
_PORT_FILE = "landreg-port"


def find_postgres_bin(*, min_major: int = 15) -> Path:
    """The ``bin`` folder of the newest installed PostgreSQL server (``/usr/lib/postgresql/N/bin``).

    Parameters
    ----------
    min_major : int
        The oldest major version accepted.

    Returns
    -------
    Path

    Raises
    ------
    ClusterError
        When no server of at least ``min_major`` is installed.
    """
    root = Path("/usr/lib/postgresql")
    found = sorted(
        (int(p.name), p / "bin")
        for p in (root.iterdir() if root.is_dir() else [])
        if p.name.isdigit() and (p / "bin" / "initdb").exists()
    )
    found = [(major, path) for major, path in found if major >= min_major]
    if not found:
        raise ClusterError(
            f"no PostgreSQL server >= {min_major} under {root}; install Debian's packages: "
            f"apt-get install -y {' '.join(DEBIAN_PACKAGES)}"
        )
    return found[-1][1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalCluster:
    """A PostgreSQL cluster in ``data_dir`` served on 127.0.0.1:``port``.

    Attributes
    ----------
    data_dir : Path
        The cluster's data directory (owned by the server user).
    port : int
        The TCP port on 127.0.0.1.
    password : str
        The password of the superuser ``postgres``.
    """

    data_dir: Path
    port: int
    password: str

    def url(self, database: str = "postgres") -> str:
        """The ``postgresql://`` URL of ``database`` on this cluster (with the password)."""
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int | None:
        """The postmaster's process id while the server runs, else None."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self, *, timeout_s: float = 60.0) -> None:
        """Start the server (listening on 127.0.0.1 only) and wait until it accepts connections.

        Raises
        ------
        ClusterError
            With the end of the server log when it does not start.
        """
        log = self.data_dir / "server.log"
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir}"
        result = _run_as_server(
            [
                str(find_postgres_bin() / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout_s)),
                "start",
            ]
        )
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ClusterError(f"PostgreSQL did not start in {self.data_dir}: {result.stderr.strip()}\n{tail}")

    def stop(self) -> None:
        """Stop the server (fast shutdown) if it runs."""
        if self.pid is None:
            return
        _run_as_server([str(find_postgres_bin() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])

    def create_database(self, name: str, *, postgis: bool = True) -> str:
        """Create database ``name`` (with the PostGIS extension) unless it exists; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        if postgis:
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)


def init_cluster(data_dir: str | Path, *, port: int | None = None) -> LocalCluster:
    """Create a cluster in ``data_dir`` (an empty or missing folder), owned by the server user.

    Parameters
    ----------
    data_dir : str or Path
        Where the cluster lives; its parent must be reachable by the server user.
    port : int, optional
        The TCP port on 127.0.0.1 (default: a free one).

    Returns
    -------
    LocalCluster
        Not yet started.

    Raises
    ------
    ClusterError
        When ``initdb`` fails or the folder is not empty.
    """
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if any(data_dir.iterdir()):
        raise ClusterError(f"{data_dir} is not empty; a new cluster needs an empty folder")
    data_dir.chmod(0o700)
    if os.geteuid() == 0:
        user = pwd.getpwnam(_SERVER_USER)
        os.chown(data_dir, user.pw_uid, user.pw_gid)
    password = secrets.token_urlsafe(18)
    fd, name = tempfile.mkstemp(prefix="landreg-pw-")  # readable by the server user only
    os.close(fd)
    pw_file = Path(name)
    _write_private(pw_file, password)
    try:
        result = _run_as_server(
            [
                str(find_postgres_bin() / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                f"--pwfile={pw_file}",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
    finally:
        pw_file.unlink(missing_ok=True)
    if result.returncode != 0:
        raise ClusterError(f"initdb failed in {data_dir}: {result.stderr.strip()}")
    cluster = LocalCluster(data_dir, port or free_port(), password)
    _write_private(data_dir / _PASSWORD_FILE, password)
    _write_private(data_dir / _PORT_FILE, str(cluster.port))
    return cluster


def load_cluster(data_dir: str | Path) -> LocalCluster:
    """The cluster that :func:`init_cluster` made in ``data_dir``.

    Raises
    ------
    ClusterError
        When ``data_dir`` holds no such cluster.
    """
    data_dir = Path(data_dir).resolve()
    try:
        password = (data_dir / _PASSWORD_FILE).read_text().strip()
        port = int((data_dir / _PORT_FILE).read_text().strip())
    except (OSError, ValueError) as exc:
        raise ClusterError(f"{data_dir} holds no cluster made by landreg ({exc})") from exc
    return LocalCluster(data_dir, port, password)


def _write_private(path: Path, text: str) -> None:
    path.write_text(text + "\n")
    path.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(path, pwd.getpwnam(_SERVER_USER).pw_uid, -1)


def _run_as_server(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a server program as the server user (``runuser`` when this process is root)."""
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise ClusterError("running as root, but `runuser` is missing to start PostgreSQL as 'postgres'")
        args = [runuser, "-u", _SERVER_USER, "--", *args]
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    return subprocess.run(args, capture_output=True, text=True, check=False, env=env, cwd="/")


def _check_reachable(data_dir: Path) -> None:
    """Refuse a folder the server user cannot reach (when this process is root it runs as 'postgres')."""
    if os.geteuid() != 0:
        return
    parent = data_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["runuser", "-u", _SERVER_USER, "--", "test", "-x", str(parent)], check=False)
    if probe.returncode != 0:
        raise ClusterError(
            f"the server user {_SERVER_USER!r} cannot reach {parent}; choose a folder it can enter "
            "(every folder above it must be world-executable)"
        )


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create or start a local PostGIS cluster and print its URL.")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--database", default="landreg")
    parser.add_argument("--stop", action="store_true", help="stop the cluster's server instead")
    args = parser.parse_args(argv)
    try:
        if args.stop:
            load_cluster(args.data_dir).stop()
            print(f"stopped the server of {args.data_dir}", file=sys.stderr)
            return 0
        if (args.data_dir / "PG_VERSION").exists():
            cluster = load_cluster(args.data_dir)
        else:
            _check_reachable(args.data_dir)
            cluster = init_cluster(args.data_dir, port=args.port)
        if cluster.pid is None:
            cluster.start()
        url = cluster.create_database(args.database)
    except LandregError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":  # pragma: no cover - a command-line entry
    sys.exit(_main())


__all__ = ["ClusterError", "LocalCluster", "find_postgres_bin", "free_port", "init_cluster", "load_cluster"]
