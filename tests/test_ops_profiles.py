"""Site profiles: the shipped ones load, a bad one is refused naming its file and field, and
`newscrawler sites` lists them."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import shared_path

from newscrawler import extract_records
from newscrawler.ops.exitcodes import ExitCode
from newscrawler.sites import PACKAGE_DIR, ProfileError, expand_env, load_catalog, load_profile
from newscrawler.sites.spider import spider_class

GOOD = 'kind = "news"\nstart_urls = ["https://news.example.com/"]\n'


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text, "utf-8")
    return path


def test_shipped_profiles_load_and_are_examples_only():
    catalog = load_catalog(environ={})
    assert catalog.errors == []
    assert {"demo", "demo-forum", "namibian", "tekedia-forum"} <= set(catalog.profiles)
    assert not any(p.enabled for p in catalog.profiles.values() if p.path.parent == PACKAGE_DIR)
    demo = catalog.profiles["demo"]
    assert demo.kind == "news" and demo.start_urls == ("http://127.0.0.1:8765/",)
    assert demo.timezone == "America/New_York" and demo.date_order == "MDY"
    forum = catalog.profiles["tekedia-forum"]
    assert forum.kind == "forum" and forum.monitors.fields == ("published_at", "author", "body")


def test_a_profile_becomes_a_spider_named_after_it_with_its_limits():
    profile = load_catalog(environ={}).profiles["namibian"]
    spider = spider_class(profile)
    assert spider.name == "namibian"  # feeds land in data/namibian/...
    assert spider.timezone == "Africa/Windhoek" and spider.date_order == "DMY"
    assert spider.selector_overrides == dict(profile.selectors)
    assert spider.feed_urls == ("https://www.namibian.com.na/feed/",)
    settings = spider.custom_settings
    assert settings["CLOSESPIDER_PAGECOUNT"] == 3000 and settings["CLOSESPIDER_TIMEOUT"] == 45 * 60
    assert settings["DEPTH_LIMIT"] == 4 and settings["DOWNLOAD_DELAY"] == 1.0


def test_example_selector_override_extracts_the_byline_on_real_pages():
    """The namibian example's `authors` selector, on two saved pages of that site (two designs)."""
    profile = load_catalog(environ={}).profiles["namibian"]
    truth = {}
    for line in shared_path("bench", "meta", "truth.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        if entry["id"].startswith("na__TheNamibian"):
            truth[entry["id"]] = entry
    assert len(truth) == 2
    for page_id, entry in truth.items():
        html = gzip.decompress(shared_path("bench", "meta", "pages", f"{page_id}.html.gz").read_bytes())
        [record] = extract_records(
            html.decode("utf-8"), entry["url"], timezone=profile.timezone, overrides=profile.selectors
        )
        assert record["authors"] == entry["authors"], page_id


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ('kind = "news"\n', "start_urls", "missing"),
        ('start_urls = ["https://a.example/"]\n', "kind", 'missing: "news" or "forum"'),
        ('kind = "blog"\nstart_urls = ["https://a.example/"]\n', "kind", 'must be "news" or "forum"'),
        ('kind = "news"\nstart_urls = ["ftp://a.example/"]\n', "start_urls", "not an http(s) URL"),
        ('kind = "news"\nstart_urls = "https://a.example/"\n', "start_urls", "expected a list"),
        (GOOD + 'timezone = "Mars/Olympus"\n', "timezone", "unknown time zone 'Mars/Olympus'"),
        (GOOD + 'date_order = "DDMM"\n', "date_order", "must be one of DMY, MDY, YMD"),
        (GOOD + 'start_url = "x"\n', "start_url", "unknown field (did you mean 'start_urls'?)"),
        (GOOD + "[selectors]\nauthor = '.byline'\n", "selectors.author", "no such field"),
        (GOOD + "[selectors]\ntitle = 'h1[['\n", "selectors.title", "invalid selector 'h1[['"),
        (GOOD + "[selectors]\nbody = '//div[@class='\n", "selectors.body", "invalid selector"),
        (GOOD + "[limits]\nmax_pages = -1\n", "limits.max_pages", "must be at least 0"),
        (GOOD + "[limits]\nmax_pagez = 10\n", "limits.max_pagez", "did you mean 'max_pages'"),
        (GOOD + "[limits]\ndelay = true\n", "limits.delay", "expected a number"),
        (
            GOOD + '[monitors]\nfields = ["author"]\n',
            "monitors.fields",
            "'author' is not a news record field",
        ),
        (GOOD + "[monitors.min_coverage]\nbody = 1.5\n", "monitors.min_coverage.body", "between 0 and 1"),
        (GOOD + "[settings]\ndownload_delay = 1\n", "settings.download_delay", "UPPER_CASE"),
        (GOOD + 'name = "Other Name"\n', "name", "use lowercase letters"),
        (GOOD + 'name = "other"\n', "name", "differs from the file name"),
        (
            GOOD.replace("https://news.example.com/", "${NO_SUCH_VAR}/"),
            "start_urls",
            "NO_SUCH_VAR is not set",
        ),
        (
            'kind = "forum"\nstart_urls = ["https://f.example/"]\n[discovery]\nfeeds = ["https://f.example/rss"]\n',
            "discovery.feeds",
            'only read for kind = "news"',
        ),
        ("kind = news\n", "(syntax)", "not valid TOML"),
    ],
)
def test_bad_profile_error_names_file_and_field(tmp_path: Path, text: str, field: str, message: str):
    path = write(tmp_path, "site", text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path, environ={})
    assert caught.value.path == path and caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{path}: {field}: ")


def test_environment_references_expand_with_defaults():
    assert expand_env("${HOST:-http://127.0.0.1:8765}/x", {}) == "http://127.0.0.1:8765/x"
    assert expand_env("${HOST:-http://127.0.0.1:8765}/x", {"HOST": "https://h"}) == "https://h/x"
    assert expand_env("${HOST}/x", {"HOST": "https://h"}) == "https://h/x"
    with pytest.raises(KeyError):
        expand_env("${HOST}/x", {})


def test_user_directories_add_and_replace_profiles(tmp_path: Path):
    config, extra = tmp_path / "config", tmp_path / "extra"
    write(config / "newscrawler" / "sites", "mine", GOOD)
    write(extra, "demo", 'kind = "news"\nstart_urls = ["http://127.0.0.1:9999/"]\n')
    catalog = load_catalog([extra], environ={"XDG_CONFIG_HOME": str(config)})
    assert catalog.errors == []
    assert catalog.profiles["mine"].enabled  # a user's own profile is on unless it says otherwise
    assert catalog.profiles["demo"].start_urls == ("http://127.0.0.1:9999/",)  # later directories win
    missing = load_catalog([tmp_path / "nope"], environ={})
    assert [e.field for e in missing.errors] == ["(directory)"]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_sites_command_lists_profiles_and_fails_on_a_broken_one(tmp_path: Path):
    good = run_cli("sites", "--data-dir", str(tmp_path / "data"), cwd=tmp_path)
    assert good.returncode == ExitCode.OK, good.stderr
    lines = good.stdout.splitlines()
    assert lines[0].split()[:4] == ["NAME", "KIND", "ENABLED", "LAST"]
    assert any(line.split()[:3] == ["demo", "news", "no"] for line in lines)
    assert any(line.split()[:3] == ["tekedia-forum", "forum", "no"] for line in lines)

    sites = tmp_path / "sites"
    broken = write(sites, "broken", GOOD + 'timezone = "Europe/Berlinn"\n')
    write(sites, "fine", GOOD)
    listed = run_cli("sites", "--sites-dir", str(sites), cwd=tmp_path)
    assert listed.returncode == ExitCode.USAGE_ERROR
    assert f"{broken}: timezone: unknown time zone 'Europe/Berlinn'" in listed.stderr
    assert any(line.startswith("fine ") for line in listed.stdout.splitlines())  # the others still listed

    crawl = run_cli(
        "crawl", "broken", "--sites-dir", str(sites), "--data-dir", str(tmp_path / "d"), cwd=tmp_path
    )
    assert crawl.returncode == ExitCode.USAGE_ERROR
    assert f"{broken}: timezone:" in crawl.stderr
    unknown = run_cli("crawl", "nosuch", "--data-dir", str(tmp_path / "d"), cwd=tmp_path)
    assert unknown.returncode == ExitCode.USAGE_ERROR and "no site profile named 'nosuch'" in unknown.stderr
    nothing = run_cli("crawl", "--all", "--data-dir", str(tmp_path / "d"), cwd=tmp_path)
    assert nothing.returncode == ExitCode.USAGE_ERROR and "no enabled site profiles" in nothing.stderr
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").rglob("*.jsonl"))


def test_readme_profile_example_loads(tmp_path: Path):
    from support import REPO

    readme = (REPO / "README.md").read_text("utf-8")
    [example] = [b for b in readme.split("```toml\n")[1:] if b.startswith("# herald.toml")]
    path = write(tmp_path, "herald", example.split("```")[0])
    profile = load_profile(path, environ={})
    assert profile.name == "herald" and profile.kind == "news" and profile.enabled
    assert (
        profile.discovery.sitemaps
        and profile.discovery.feeds
        and profile.selectors == {"authors": ".byline a[rel=author]"}
    )
    assert profile.monitors.min_coverage == {"published_at": 0.9}
    assert profile.settings["USER_AGENT"].startswith("newscrawler")
