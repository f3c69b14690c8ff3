"""The `newscrawler` command as a person meets it: complete --help, one-line errors for bad input,
a closed pipe that is not a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler.cli import build_parser, main

NEWSCRAWLER = [sys.executable, "-m", "newscrawler.cli"]


def subcommands(
    parser: argparse.ArgumentParser, prefix: str = "newscrawler"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub))
                found += subcommands(sub, f"{prefix} {name}")
    return found


def test_every_subcommand_has_a_description_and_every_option_a_help_text():
    commands = subcommands(build_parser())
    names = {name for name, _ in commands}
    assert {
        "newscrawler crawl",
        "newscrawler sites test",
        "newscrawler status",
        "newscrawler extract",
    } <= names
    missing = []
    for name, parser in commands:
        if not parser.description:
            missing.append(f"{name}: no description")
        for action in parser._actions:
            if action.help is None and not isinstance(action, argparse._SubParsersAction):
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}: no help")
    assert not missing, "\n".join(missing)


def test_the_same_option_is_checked_the_same_way_on_every_command():
    for name, parser in subcommands(build_parser()):
        for action in parser._actions:
            if "--timezone" in action.option_strings or "--log-level" in action.option_strings:
                assert action.type is not None, f"{name} {action.option_strings}"


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>A story</title></head><body><article><h1>A story</h1>"
        "<p class=byline>By Jane Doe</p><time datetime='2024-10-12T10:00'>12 Oct</time>"
        + "<p>Some long enough text for an article body, sentence after sentence.</p>" * 8
        + "</article></body></html>",
        "utf-8",
    )
    return path


BAD_INPUT = [
    (
        ["extract", "{page}", "--url", "https://example.com/a", "--timezone", "America/New_Yorkk"],
        "unknown time zone",
    ),
    (["extract", "{page}", "--url", "example.com/a"], "not an http(s) URL"),
    (["extract", "{missing}", "--url", "https://example.com/a"], "cannot read"),
    (["extract", "{page}", "--url", "https://example.com/a", "--profile", "nosuch"], "no site profile named"),
    (["crawl", "demo", "--log-level", "LOUD"], "unknown log level"),
    (["crawl", "demo", "--progress-interval", "-1"], "must be 0 or more"),
    (["crawl", "demo", "--state", "foo://x"], "unknown state store"),
    (["crawl", "demo", "--data-dir", "/proc/no/such"], "No such file"),
    (["crawl", "nosuch"], "no site profile named"),
    (["crawl", "demo", "-s", "FOO"], "NAME=VALUE"),
    (["schema", "--ddl", "nosuch"], "invalid choice"),
    (["sites", "test", "nosuch"], "no site profile named"),
    (["status", "--runs", "-3"], "0 or more"),
    (["demo", "--port", "x"], "not a whole number"),
    (["nosuch"], "invalid choice"),
]


@pytest.mark.parametrize(("argv", "says"), BAD_INPUT, ids=[" ".join(a[:3]) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_naming_the_problem(argv, says, page, tmp_path, capsys):
    argv = [a.format(page=page, missing=tmp_path / "missing.html") for a in argv]
    try:
        code = main(argv)
    except SystemExit as exit:
        code = exit.code
    err = capsys.readouterr().err
    assert code not in (0, None)
    assert says in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_a_reader_that_goes_away_ends_the_command_without_a_traceback():
    """`newscrawler schema | psql -d missing`: psql exits before reading."""
    process = subprocess.Popen(
        [*NEWSCRAWLER, "schema", "--ddl", "postgres"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command has written anything: it starts in about a second
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert (
        err.strip()
        == "newscrawler schema: output closed before it was all written (the reading command ended)"
    )
