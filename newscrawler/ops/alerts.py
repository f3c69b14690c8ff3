"""Alerts: a run's verdict reaches people by e-mail, Slack, a webhook or Sentry, with its report's link.

Built on Spidermon, the Scrapy ecosystem's monitoring framework. Our monitors judge each site after
its crawl against the site's recent runs (newscrawler.ops.monitors: pure functions over the state's
history); each of their checks becomes one Spidermon monitor, named `<site>/<monitor>[ <field>]`
(`demo/coverage published_at`), in a Spidermon `MonitorSuite` run by Spidermon's `MonitorRunner`
once the whole run is judged, so its monitors pass and fail exactly as our verdict says and its
actions run on that result: `monitors_failed_actions` (the default, `on = "failure"`) or
`monitors_finished_actions` (`on = "always"`). The actions are Spidermon actions:

- e-mail: Spidermon's `SendEmail` (message building, templates, premailer), sent with smtplib: its
  own `SendSmtpEmail` goes through Scrapy's Twisted mailer, which needs the reactor that has
  stopped by the time a run is judged, and insists on a login;
- Sentry: Spidermon's `SendSentryMessage`, its message made of our verdict and link;
- Slack (an incoming webhook URL) and a generic JSON webhook: Spidermon `Action`s of our own
  (Spidermon's Slack action needs a bot token and Slack's own API host).

The configuration is one TOML file (see README "Alerts"): `--alerts FILE`, else
`$NEWSCRAWLER_ALERTS`, else `$XDG_CONFIG_HOME/newscrawler/alerts.toml` when it exists.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

ALERTS_ENV = "NEWSCRAWLER_ALERTS"
TIMEOUT = 20.0  # seconds for one delivery: a dead mail server must not hold the run's exit
VERDICT_TEXT = {"ok": "OK", "monitor_failed": "MONITOR FAILED", "crawl_error": "CRAWL ERROR"}


class AlertConfigError(ValueError):
    def __init__(self, path: Path, field: str, message: str) -> None:
        self.path, self.field, self.message = path, field, message
        super().__init__(f"{path}: {field}: {message}")


# -- what is reported ------------------------------------------------------------------------------------


@dataclass
class SiteVerdict:
    site: str
    status: str  # ok, monitor_failed, crawl_error
    problems: list[str] = field(default_factory=list)  # one line each: monitor, field, message, example
    written: int = 0
    errors: int = 0


@dataclass
class RunVerdict:
    crawl_id: str
    status: str  # the run's: the worst of its sites', or usage_error for a profile that did not load
    exit_code: int
    report: str | None  # the report's link: report_url + name, or a file:// URI
    log: str | None
    sites: list[SiteVerdict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # not of one site: profiles that did not load

    @property
    def failed(self) -> bool:
        return self.exit_code != 0

    def headline(self) -> str:
        bad = [s.site for s in self.sites if s.status != "ok"]
        what = VERDICT_TEXT.get(self.status, self.status.upper())
        return (
            f"[newscrawler] {what}: "
            + (", ".join(bad) if bad else "all sites ok")
            + f" (crawl {self.crawl_id})"
        )

    def text(self) -> str:
        lines = [self.headline(), ""]
        for site in self.sites:
            lines.append(
                f"{site.site}: {VERDICT_TEXT.get(site.status, site.status)}, "
                f"{site.written} written, {site.errors} errors"
            )
            lines += [f"  - {problem}" for problem in site.problems]
        lines += [f"- {problem}" for problem in self.problems]
        lines.append("")
        if self.report:
            lines.append(f"Report: {self.report}")
        if self.log:
            lines.append(f"Log: {self.log}")
        lines.append(f"Exit code {self.exit_code}")
        return "\n".join(lines) + "\n"

    def document(self) -> dict[str, Any]:
        """What the generic webhook posts."""
        return {"source": "newscrawler", "headline": self.headline(), **asdict(self)}


# -- configuration ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertConfig:
    path: Path
    on: str = "failure"  # failure: only when the run failed; always: after every run
    report_url: str | None = None  # where DATA_DIR/reports is served; links use it
    email: Mapping[str, Any] | None = None
    slack: Mapping[str, Any] | None = None
    webhook: Mapping[str, Any] | None = None
    sentry: Mapping[str, Any] | None = None

    @property
    def channels(self) -> list[str]:
        return [name for name in ("email", "slack", "webhook", "sentry") if getattr(self, name)]


TABLES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "email": {
        "to": list,
        "from": str,
        "smtp_host": str,
        "smtp_port": int,
        "smtp_user": str,
        "smtp_password": str,
        "starttls": bool,
        "ssl": bool,
        "subject": str,
    },
    "slack": {"webhook_url": str, "channel": str, "username": str},
    "webhook": {"url": str, "headers": dict},
    "sentry": {"dsn": str, "environment": str, "project_name": str, "level": str},
}
REQUIRED = {"email": ("to", "smtp_host"), "slack": ("webhook_url",), "webhook": ("url",), "sentry": ("dsn",)}


def _expand(value: Any, path: Path, where: str, environ: Mapping[str, str]) -> Any:
    from newscrawler.sites import expand_env

    if isinstance(value, str):
        try:
            return expand_env(value, environ)
        except KeyError as missing:
            raise AlertConfigError(
                path, where, f"environment variable {missing.args[0]} is not set"
            ) from None
    if isinstance(value, list):
        return [_expand(v, path, where, environ) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, path, f"{where}.{k}", environ) for k, v in value.items()}
    return value


def parse_config(
    path: Path, data: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> AlertConfig:
    environ = os.environ if environ is None else environ
    known = {"on", "report_url", *TABLES}
    for key in data:
        if key not in known:
            raise AlertConfigError(path, key, f"unknown field; known: {', '.join(sorted(known))}")
    on = data.get("on", "failure")
    if on not in ("failure", "always"):
        raise AlertConfigError(path, "on", f'must be "failure" or "always", got {on!r}')
    report_url = data.get("report_url")
    if report_url is not None and (
        not isinstance(report_url, str) or not report_url.startswith(("http://", "https://"))
    ):
        raise AlertConfigError(path, "report_url", f"expected an http(s) URL, got {report_url!r}")
    tables: dict[str, dict[str, Any]] = {}
    for name, fields in TABLES.items():
        if name not in data:
            continue
        table = data[name]
        if not isinstance(table, dict):
            raise AlertConfigError(path, name, "expected a table")
        for key, value in table.items():
            if key not in fields:
                raise AlertConfigError(path, f"{name}.{key}", f"unknown field; known: {', '.join(fields)}")
            kinds = fields[key] if isinstance(fields[key], tuple) else (fields[key],)
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                raise AlertConfigError(path, f"{name}.{key}", f"expected {kinds[0].__name__}, got {value!r}")
        for key in REQUIRED[name]:
            if not table.get(key):
                raise AlertConfigError(path, f"{name}.{key}", "missing")
        tables[name] = _expand(table, path, name, environ)
    return AlertConfig(path=path, on=on, report_url=report_url, **tables)


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> AlertConfig:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise AlertConfigError(path, "(syntax)", f"not valid TOML: {error}") from None
    except OSError as error:
        raise AlertConfigError(path, "(file)", f"cannot read: {error.strerror or error}") from None
    return parse_config(path, data, environ)


def find_config(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The alert configuration to use: given, named by $NEWSCRAWLER_ALERTS, or the user's default."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get(ALERTS_ENV):
        return Path(environ[ALERTS_ENV])
    default = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "newscrawler" / "alerts.toml"
    return default if default.exists() else None


# -- Spidermon: the verdict as a suite of monitors ----------------------------------------------------------


def verdict_suite(
    verdict: RunVerdict,
    checks: Mapping[str, list[tuple[str, bool, str]]],
    actions: list[Any],
    *,
    always: bool,
) -> Any:
    """A Spidermon suite with one monitor per site whose tests are that site's checks
    (`(name, passed, message)`), plus one for what failed outside any site."""
    from spidermon import Monitor, MonitorSuite
    from spidermon.decorators import monitors as spidermon_monitors

    monitor_classes = []
    groups = dict(checks)
    if verdict.problems:
        groups["run"] = [("problems", False, "; ".join(verdict.problems))]
    for index, (site, site_checks) in enumerate(groups.items()):
        methods: dict[str, Callable[..., None]] = {}
        for number, (name, passed, message) in enumerate(site_checks):

            def test(self: Any, passed: bool = passed, message: str = message) -> None:
                if not passed:
                    self.fail(message)

            test.__doc__ = name
            methods[f"test_{number:03d}"] = spidermon_monitors.name(name)(test)
        monitor = type(f"Site{index}Monitor", (Monitor,), {"__doc__": f"Monitors of {site}", **methods})
        monitor_classes.append(spidermon_monitors.name(site)(monitor))
    key = "monitors_finished_actions" if always else "monitors_failed_actions"
    return MonitorSuite(name="newscrawler", monitors=monitor_classes, **{key: actions})


def report_link(config: AlertConfig | None, report: Path | None) -> str | None:
    if report is None:
        return None
    if config is not None and config.report_url:
        return config.report_url.rstrip("/") + "/" + report.name
    return report.resolve().as_uri()


# -- sending, shared by the actions -------------------------------------------------------------------------


def send_mail(settings: Mapping[str, Any], message: Message) -> None:
    host, port = settings["smtp_host"], int(settings.get("smtp_port") or (465 if settings.get("ssl") else 25))
    recipients = list(settings["to"])
    if settings.get("ssl"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
    with smtp:
        if settings.get("starttls"):
            smtp.starttls(context=ssl.create_default_context())
        if settings.get("smtp_user"):
            smtp.login(settings["smtp_user"], settings.get("smtp_password", ""))
        smtp.sendmail(message["From"], recipients, message.as_string())


def post_json(url: str, document: Any, headers: Mapping[str, str] | None = None) -> int:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "newscrawler-alerts")
    for name, value in (headers or {}).items():
        request.add_header(name, str(value))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{url} answered {error.code} {error.reason}") from None
