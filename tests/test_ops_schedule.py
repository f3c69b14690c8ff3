"""The README's crontab line and systemd units work as written: the commands are taken from the
README, only the install paths are pointed at this checkout and a temporary directory."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, DemoSite

from newscrawler.ops.exitcodes import ExitCode
from newscrawler.ops.lock import acquire
from newscrawler.sites import PACKAGE_DIR

pytestmark = pytest.mark.e2e

INSTALLED_SCRIPT = "/opt/newscrawler/.venv/bin/newscrawler"
SITES_DIR = "/etc/newscrawler/sites"
DATA_DIR = "/var/lib/newscrawler"


def readme_blocks(info: str) -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    return re.findall(rf"^```{info}\n(.*?)^```", text, flags=re.M | re.S)


def installed(text: str, sites: Path, data: Path) -> str:
    """The README's paths, pointed at this checkout's script and the test's directories."""
    script = Path(sys.executable).parent / "newscrawler"
    return (
        text.replace(INSTALLED_SCRIPT, str(script))
        .replace(SITES_DIR, str(sites))
        .replace(DATA_DIR, str(data))
    )


def enabled_demo_profile(sites: Path, site: DemoSite) -> None:
    """The bundled demo profile, switched on and pointed at the test's demo site, as a user would."""
    sites.mkdir(parents=True)
    text = (PACKAGE_DIR / "demo.toml").read_text("utf-8")
    text = text.replace("${NEWSCRAWLER_DEMO_URL:-http://127.0.0.1:8765}", site.base_url)
    text = text.replace("enabled = false", "enabled = true")
    (sites / "demo.toml").write_text(text, "utf-8")


def cron_environment(home: Path) -> dict[str, str]:
    """What cron gives a job: almost nothing."""
    return {"HOME": str(home), "LOGNAME": "newscrawler", "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}


def test_crontab_line_runs_quietly_and_speaks_up_on_failure(demo_site: DemoSite, tmp_path: Path):
    [block] = readme_blocks("crontab")
    [entry] = [line for line in block.splitlines() if line and line[0].isdigit()]
    fields = entry.split(None, 5)
    assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), entry
    assert "%" not in fields[5]  # cron would turn it into a newline
    sites, data = tmp_path / "sites", tmp_path / "data"
    enabled_demo_profile(sites, demo_site)
    command = installed(fields[5], sites, data)

    done = subprocess.run(
        ["/bin/sh", "-c", command],
        env=cron_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert done.stdout == "" and done.stderr == ""  # nothing to mail
    assert len(list(data.glob("demo/*/demo-*.jsonl"))) == 1 and list(data.glob("reports/*.html"))

    lock = acquire(data / "locks", "demo", "a-run-that-overran")
    try:
        overlapping = subprocess.run(
            ["/bin/sh", "-c", command],
            env=cron_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        lock.release()
    assert overlapping.returncode == ExitCode.LOCK_HELD
    assert "site 'demo' is being crawled by another run" in overlapping.stderr  # this one gets mailed


def systemd_units(sites: Path, data: Path) -> dict[str, str]:
    units = {}
    for block in readme_blocks("ini"):
        if "[Service]" in block:
            units["newscrawler.service"] = installed(block, sites, data)
        elif "[Timer]" in block:
            units["newscrawler.timer"] = installed(block, sites, data)
    assert set(units) == {"newscrawler.service", "newscrawler.timer"}
    return units


def unit_values(unit: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith(f"{key}=")]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path: Path):
    units = systemd_units(tmp_path / "sites", tmp_path / "data")
    for name, text in units.items():
        (tmp_path / name).write_text(text, "utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in units)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stderr
    assert unit_values(units["newscrawler.timer"], "OnCalendar") == ["hourly"]


def test_systemd_exec_start_crawls_the_enabled_sites(demo_site: DemoSite, tmp_path: Path):
    sites, data = tmp_path / "sites", tmp_path / "data"
    enabled_demo_profile(sites, demo_site)
    service = systemd_units(sites, data)["newscrawler.service"]
    data.mkdir()  # StateDirectory= makes it
    assert unit_values(service, "WorkingDirectory") == [str(data)]
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(data)}
    for assignment in unit_values(service, "Environment"):
        key, _, value = assignment.partition("=")
        environment[key] = value
    [exec_start] = unit_values(service, "ExecStart")
    done = subprocess.run(
        shlex.split(exec_start), cwd=data, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert "demo" in done.stdout and "Exit code 0 (all good)" in done.stdout  # what journald keeps
