"""The alert configuration (errors name the field) and `newscrawler alerts test` against a real SMTP
server and HTTP receiver on 127.0.0.1, including a channel that fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alert_receivers import free_port, receivers

from newscrawler.ops.alerts import AlertConfigError, RunVerdict, SiteVerdict, parse_config

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"on": "sometimes"}, "on", 'must be "failure" or "always"'),
        ({"emails": {}}, "emails", "unknown field"),
        ({"email": {"smtp_host": "localhost"}}, "email.to", "missing"),
        ({"email": {"to": "ops@example.org", "smtp_host": "x"}}, "email.to", "expected list"),
        ({"webhook": {"url": "https://x", "header": {}}}, "webhook.header", "unknown field"),
        (
            {"slack": {"webhook_url": "${NO_SUCH_VARIABLE}"}},
            "slack.webhook_url",
            "NO_SUCH_VARIABLE is not set",
        ),
        ({"report_url": "reports/"}, "report_url", "expected an http(s) URL"),
    ],
)
def test_a_configuration_that_does_not_load_names_the_field(data, field, says):
    with pytest.raises(AlertConfigError) as raised:
        parse_config(Path("alerts.toml"), data, environ={})
    assert raised.value.field == field and says in raised.value.message


def test_variables_are_read_from_the_environment():
    config = parse_config(
        Path("alerts.toml"),
        {"webhook": {"url": "https://hooks.example.org/x", "headers": {"Authorization": "Bearer ${TOKEN}"}}},
        environ={"TOKEN": "abc"},
    )
    assert config.webhook == {
        "url": "https://hooks.example.org/x",
        "headers": {"Authorization": "Bearer abc"},
    }
    assert config.channels == ["webhook"]


def test_the_verdict_names_sites_problems_and_the_report():
    verdict = RunVerdict(
        "20261206T100000Z-abcdef",
        "crawl_error",
        1,
        "https://ops.example.org/r/20261206T100000Z-abcdef.html",
        "/var/lib/newscrawler/logs/20261206T100000Z-abcdef.log",
        [SiteVerdict("herald", "crawl_error", ["crawl error: not a single page could be fetched (dns 3)"])],
    )
    assert verdict.headline() == "[newscrawler] CRAWL ERROR: herald (crawl 20261206T100000Z-abcdef)"
    assert "  - crawl error: not a single page could be fetched (dns 3)" in verdict.text()
    assert "Report: https://ops.example.org/r/20261206T100000Z-abcdef.html" in verdict.text()


def test_alerts_test_sends_through_every_channel_and_names_the_one_that_failed(tmp_path):
    dead = free_port()  # nothing listens there
    with receivers() as (received, smtp_port, http_port):
        config = tmp_path / "alerts.toml"
        config.write_text(
            '[email]\nto = ["a@example.org", "b@example.org"]\nsmtp_host = "127.0.0.1"\n'
            f"smtp_port = {smtp_port}\n"
            f'[slack]\nwebhook_url = "http://127.0.0.1:{http_port}/slack"\n'
            f'[webhook]\nurl = "http://127.0.0.1:{dead}/hook"\n'
        )
        done = subprocess.run(
            [str(BIN / "newscrawler"), "alerts", "test", "--alerts", str(config)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["sent email", "sent slack"]
    assert lines[2].startswith("FAILED webhook: ") and "Connection refused" in lines[2]
    [mail] = received.mails
    assert mail["To"] == "a@example.org, b@example.org"
    assert "a test alert from `newscrawler alerts test`" in received.json("/slack")[0]["text"]


def test_a_crawl_with_a_broken_alert_configuration_crawls_nothing(tmp_path):
    config = tmp_path / "alerts.toml"
    config.write_text('[email]\nsmtp_host = "127.0.0.1"\n')
    done = subprocess.run(
        [
            str(BIN / "newscrawler"),
            "crawl",
            "demo",
            "--alerts",
            str(config),
            "--data-dir",
            str(tmp_path / "d"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"newscrawler crawl: {config}: email.to: missing"
    assert not (tmp_path / "d").exists()
