"""The Spidermon actions that carry a run's verdict (see newscrawler.ops.alerts)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from email.mime.multipart import MIMEMultipart
from typing import Any

from spidermon import Action, MonitorRunner
from spidermon.contrib.actions.email import SendEmail
from spidermon.contrib.actions.sentry import SendSentryMessage

from newscrawler.ops.alerts import TIMEOUT, AlertConfig, RunVerdict, post_json, send_mail, verdict_suite


def verdict_of(action: Action) -> RunVerdict:
    verdict = action.data["verdict"]
    assert isinstance(verdict, RunVerdict)
    return verdict


def verdict_html(verdict: RunVerdict) -> str:
    e = html.escape
    parts = [f"<h2>{e(verdict.headline())}</h2>"]
    for site in verdict.sites:
        color = "#1a7f37" if site.status == "ok" else "#cf222e"
        parts.append(
            f'<p><b>{e(site.site)}</b>: <span style="color:{color}">{e(site.status)}</span>, '
            f"{site.written} written, {site.errors} errors</p>"
        )
        if site.problems:
            parts.append("<ul>" + "".join(f"<li>{e(p)}</li>" for p in site.problems) + "</ul>")
    if verdict.problems:
        parts.append("<ul>" + "".join(f"<li>{e(p)}</li>" for p in verdict.problems) + "</ul>")
    if verdict.report:
        parts.append(f'<p><a href="{e(verdict.report)}">The run\'s report</a></p>')
    return "<html><body>" + "".join(parts) + "</body></html>"


class SendEmailAlert(SendEmail):
    """Spidermon's e-mail action, our verdict as its text, sent over SMTP with smtplib."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(
            sender=settings.get("from") or "newscrawler@localhost",
            to=list(settings["to"]),
            subject="newscrawler",  # replaced by the verdict's headline, see get_subject
            body_text="newscrawler",
        )
        self.settings = settings

    def get_subject(self) -> str:
        prefix = self.settings.get("subject")
        headline = verdict_of(self).headline()
        return f"{prefix} {headline}" if prefix else headline

    def get_body_text(self) -> str:
        return verdict_of(self).text()

    def get_body_html(self) -> str:
        from premailer import transform

        return transform(verdict_html(verdict_of(self)))

    def send_message(self, message: MIMEMultipart, **kwargs: Any) -> None:
        send_mail(self.settings, message)


class SendSlackWebhook(Action):
    """The verdict to a Slack incoming webhook (the URL Slack gives when the app is added to a channel)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__()
        self.settings = settings

    def run_action(self) -> None:
        from slack_sdk.webhook import WebhookClient

        verdict = verdict_of(self)
        text = verdict.text()
        if verdict.report:
            text = text.replace(f"Report: {verdict.report}", f"Report: <{verdict.report}|{verdict.crawl_id}>")
        payload: dict[str, Any] = {"text": text}
        for key in ("channel", "username"):
            if self.settings.get(key):
                payload[key] = self.settings[key]
        response = WebhookClient(self.settings["webhook_url"], timeout=int(TIMEOUT)).send_dict(payload)
        if response.status_code != 200:
            raise RuntimeError(f"Slack answered {response.status_code}: {response.body}")


class SendWebhook(Action):
    """The verdict as a JSON document POSTed to any URL (a chat bridge, an incident tool, a script)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__()
        self.settings = settings

    def run_action(self) -> None:
        post_json(self.settings["url"], verdict_of(self).document(), self.settings.get("headers"))


class SendSentryAlert(SendSentryMessage):
    """Spidermon's Sentry action: one event per failed run, its failed monitors as tags."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(
            sentry_dsn=settings["dsn"],
            sentry_log_level=settings.get("level") or "error",
            project_name=settings.get("project_name") or "newscrawler",
            environment=settings.get("environment") or "production",
        )

    def get_message(self) -> dict[str, Any]:
        verdict = verdict_of(self)
        failed = self.result.monitors_failed_results if self.result else []
        return {
            "title": verdict.headline(),
            "job_link": verdict.report or "",
            "spider_name": ", ".join(s.site for s in verdict.sites),
            "items_count": sum(s.written for s in verdict.sites),
            "passed_monitors_count": len(self.result.monitors_passed_results) if self.result else 0,
            "failed_monitors_count": len(failed),
            "failed_monitors": [r.monitor.full_name for r in failed],
            "failure_reasons": verdict.text(),
        }


def build_actions(config: AlertConfig, verdict: RunVerdict) -> list[tuple[str, Action]]:
    """(channel, Spidermon action) for each channel the configuration sets up."""
    actions: list[tuple[str, Action]] = []
    if config.email:
        actions.append(("email", SendEmailAlert(dict(config.email))))
    if config.slack:
        actions.append(("slack", SendSlackWebhook(dict(config.slack))))
    if config.webhook:
        actions.append(("webhook", SendWebhook(dict(config.webhook))))
    if config.sentry:
        actions.append(("sentry", SendSentryAlert(dict(config.sentry))))
    return actions


@dataclass
class Delivery:
    channel: str
    ok: bool
    detail: str = ""


def deliver(
    config: AlertConfig, verdict: RunVerdict, checks: Mapping[str, list[tuple[str, bool, str]]]
) -> list[Delivery]:
    """Run the verdict's Spidermon suite with the configured actions; what each action did.
    Nothing is sent for a good run unless `on = "always"`."""
    actions = build_actions(config, verdict)
    if not actions:
        return []
    suite = verdict_suite(verdict, checks, [a for _, a in actions], always=config.on == "always")
    runner = MonitorRunner()
    stats = {"crawl_id": verdict.crawl_id, "exit_code": verdict.exit_code, "status": verdict.status}
    result = runner.run(
        suite,
        stats=stats,
        verdict=verdict,
        job=None,
        spider=None,
        sc_spider_name=", ".join(s.site for s in verdict.sites) or "newscrawler",
    )
    by_action = {id(action): channel for channel, action in actions}
    deliveries = []
    for item in [*result.monitors_finished_action_results, *result.monitors_failed_action_results]:
        channel = by_action.get(id(item.action), item.action.name)
        if item.status == "OK":
            deliveries.append(Delivery(channel, True))
        elif item.status == "SKIPPED":
            continue  # the run did not fail: nothing to say
        else:
            last = (item.error or item.reason or "failed").strip().splitlines()[-1]
            deliveries.append(Delivery(channel, False, last))
    return deliveries
