"""Create a forum's database and fill it through the forum's own models, or dump what it holds.

    DJANGO_SETTINGS_MODULE=forum_servers.spirit_settings FORUM_DATA=DIR python -m forum_servers.seed seed
    DJANGO_SETTINGS_MODULE=forum_servers.spirit_settings FORUM_DATA=DIR python -m forum_servers.seed dump

Both forums get the same conversation (THREADS): threads of several pages, quotes, an edited post,
signatures (machina has them), unicode names and text, a deleted post and a thread moved to
another board. `dump` prints, as JSON, every thread a guest can read with every post it shows:
author, creation time and the HTML the forum renders for it (what a crawl must reproduce).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import django

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
USERS = ("alice", "bob", "carol", "zoë_müller")
SIGNATURES = {"alice": "Alice · shooting film since 1998", "bob": "-- Bob, darkroom dweller"}


@dataclass
class Post:
    author: str
    text: str  # Markdown, as typed
    quote: int | None = None  # index of the post quoted (its text goes into a blockquote)
    edited: str | None = None  # the text after an edit
    deleted: bool = False


@dataclass
class Thread:
    title: str
    board: str
    posts: list[Post] = field(default_factory=list)
    moved_to: str | None = None


_OPENINGS = ("I tried", "We compared", "My club tested", "Last winter I used", "A friend swears by")
_SUBJECTS = ("a fixer bath", "the old enlarger", "cheap test strips", "a stop bath", "warm developer")
_ENDINGS = (
    "and it worked better than expected.",
    "but the results were uneven at the edges.",
    "so I would try it again with fresh chemicals.",
    "which saved a whole afternoon of printing.",
    "though the smell filled the whole flat.",
    "and the negatives came out a little thin.",
    "yet nobody at the lab could tell the difference.",
)


def _posts(count: int, topic: str) -> list[Post]:
    """Replies that each say something of their own (deterministic: the same forum every run)."""
    authors = USERS[:3]
    return [
        Post(
            authors[i % 3],
            f"{_OPENINGS[i % 5]} {_SUBJECTS[(i * 3) % 5]} for {topic.lower()} ({i + 1}), "
            f"{_ENDINGS[(i * 5) % 7]}",
        )
        for i in range(count)
    ]


THREADS = [
    Thread(
        "Choosing a film scanner",
        "General",
        [
            Post("alice", "Which scanner do you use for 35mm negatives?\n\nI am torn between two models."),
            Post("bob", "A flatbed with a film holder works, but dedicated scanners resolve more grain."),
            Post(
                "carol",
                "I use a camera and a macro lens now.",
                edited="I use a camera, a macro lens and a light pad now.",
            ),
            Post("zoë_müller", "Same here, with a copy stand.", quote=1),
            *_posts(3, "Scanner"),
            Post("bob", "This was off topic, sorry.", deleted=True),
            Post(
                "zoë_müller", "Grüße aus Köln: für Farbnegative nehme ich „NegativeLab“ – très bien, ñandú."
            ),
            Post("alice", "Thanks all, I ordered the copy stand.", quote=3),
            Post("carol", "Post your first scans when you have them!"),
            *_posts(30, "Scan"),  # 42 posts: three pages on either forum's default page size
        ],
    ),
    Thread(
        "Über Ümlaute – ñandú & 日本語 im Titel",
        "General",
        [
            Post("zoë_müller", "Ein Thread mit Umlauten: äöü ÄÖÜ ß, und 日本語のテキスト。"),
            Post("alice", "Works fine here: naïve café, smörgåsbord, Ελληνικά."),
            Post("bob", "Emoji too 📷 and symbols ±½°."),
        ],
    ),
    Thread(
        "Darkroom chemistry shelf life",
        "General",
        [*_posts(17, "Chemistry")],
        moved_to="Archive",
    ),
    Thread("Light meter apps", "General", [*_posts(4, "Meter")]),
]


def post_time(thread_index: int, post_index: int) -> datetime:
    """Whole minutes, one thread a week, posts 97 minutes apart (some land at noon and midnight)."""
    return START + timedelta(days=7 * thread_index) + timedelta(minutes=97 * post_index)


def quoted_markdown(thread: Thread, post: Post) -> str:
    if post.quote is None:
        return post.text
    source = thread.posts[post.quote]
    quote = "\n".join(f"> {line}" if line else ">" for line in source.text.splitlines())
    return f"> @{source.author} said:\n{quote}\n\n{post.text}"


# -- Spirit -----------------------------------------------------------------------------------------


def seed_spirit() -> None:
    from django.contrib.auth import get_user_model
    from djconfig.models import Config
    from spirit.category.models import Category
    from spirit.comment.history.models import CommentHistory
    from spirit.comment.models import Comment
    from spirit.core.utils.markdown import Markdown
    from spirit.topic.models import Topic

    Config.objects.update_or_create(key="topics_per_page", defaults={"value": "2"})
    users = {
        name: get_user_model().objects.create_user(name, f"{name[:5]}@example.invalid", "x") for name in USERS
    }
    boards = {
        name: Category.objects.create(title=name, slug=name.lower(), description=f"{name} talk")
        for name in ("General", "Archive")
    }
    for t_index, thread in enumerate(THREADS):
        first = users[thread.posts[0].author]
        topic = Topic.objects.create(
            user=first, category=boards[thread.board], title=thread.title, date=post_time(t_index, 0)
        )
        for p_index, post in enumerate(thread.posts):
            text = quoted_markdown(thread, post)
            comment = Comment.objects.create(
                user=users[post.author],
                topic=topic,
                comment=text,
                comment_html=Markdown().render(text),
                date=post_time(t_index, p_index),
                is_removed=post.deleted,
            )
            if post.edited:
                CommentHistory.create(comment)
                edited = quoted_markdown(thread, Post(post.author, post.edited, post.quote))
                comment.comment, comment.comment_html = edited, Markdown().render(edited)
                comment.is_modified, comment.modified_count = True, 1
                comment.save()
                CommentHistory.create(comment)
        last = post_time(t_index, len(thread.posts) - 1)
        Topic.objects.filter(pk=topic.pk).update(
            comment_count=len(thread.posts), last_active=last, reindex_at=last
        )
        if thread.moved_to:
            topic.category = boards[thread.moved_to]
            topic.save()
            action = Comment.create_moderation_action(users["alice"], topic, Comment.MOVED)
            Comment.objects.filter(pk=action.pk).update(date=last + timedelta(minutes=1))


def dump_spirit() -> list[dict]:
    from spirit.comment.models import Comment
    from spirit.topic.models import Topic

    threads = []
    for topic in Topic.objects.filter(is_removed=False).order_by("pk"):
        posts = Comment.objects.filter(topic=topic, is_removed=False, action=Comment.COMMENT).order_by("date")
        threads.append(
            {
                "title": topic.title,
                "board": topic.category.title,
                "path": topic.get_absolute_url(),
                "posts": [
                    {"author": c.user.st.nickname, "created": c.date.isoformat(), "html": c.comment_html}
                    for c in posts
                ],
            }
        )
    return threads


# -- django-machina ------------------------------------------------------------------------------------


def seed_machina() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sites.models import Site
    from machina.apps.forum.models import Forum
    from machina.apps.forum_conversation.models import Post as MachinaPost
    from machina.apps.forum_conversation.models import Topic
    from machina.apps.forum_member.models import ForumProfile
    from machina.apps.forum_permission.models import ForumPermission, UserForumPermission

    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "Film forum"})
    for codename in ("can_see_forum", "can_read_forum"):
        UserForumPermission.objects.create(
            permission=ForumPermission.objects.get(codename=codename), has_perm=True, anonymous_user=True
        )
    users = {
        name: get_user_model().objects.create_user(name, f"{name[:5]}@example.invalid", "x") for name in USERS
    }
    for name, signature in SIGNATURES.items():
        profile, _ = ForumProfile.objects.get_or_create(user=users[name])
        profile.signature = signature
        profile.save()
    category = Forum.objects.create(name="Photography", slug="photography", type=Forum.FORUM_CAT)
    boards = {
        name: Forum.objects.create(name=name, slug=name.lower(), parent=category, type=Forum.FORUM_POST)
        for name in ("General", "Archive")
    }
    for t_index, thread in enumerate(THREADS):
        topic = Topic.objects.create(
            forum=boards[thread.board],
            poster=users[thread.posts[0].author],
            subject=thread.title,
            type=Topic.TOPIC_POST,
            status=Topic.TOPIC_UNLOCKED,
            approved=True,
        )
        for p_index, post in enumerate(thread.posts):
            created = MachinaPost.objects.create(
                topic=topic,
                poster=users[post.author],
                subject=thread.title if p_index == 0 else f"Re: {thread.title}",
                content=quoted_markdown(thread, post),
                approved=True,
            )
            MachinaPost.objects.filter(pk=created.pk).update(created=post_time(t_index, p_index))
            if post.edited:
                created.refresh_from_db()
                created.content = quoted_markdown(thread, Post(post.author, post.edited, post.quote))
                created.updates_count = 1
                created.updated_by = users[post.author]
                created.update_reason = "typo"
                created.save()
            if post.deleted:
                created.delete()
        if thread.moved_to:
            topic.refresh_from_db()
            topic.forum = boards[thread.moved_to]
            topic.save()


def dump_machina() -> list[dict]:
    from django.urls import reverse
    from machina.apps.forum_conversation.models import Topic

    threads = []
    for topic in Topic.objects.filter(approved=True).order_by("pk"):
        posts = topic.posts.filter(approved=True).order_by("created")
        threads.append(
            {
                "title": topic.subject,
                "board": topic.forum.name,
                "path": reverse(
                    "forum_conversation:topic",
                    kwargs={
                        "forum_slug": topic.forum.slug,
                        "forum_pk": topic.forum.pk,
                        "slug": topic.slug,
                        "pk": topic.pk,
                    },
                ),
                "posts": [
                    {
                        "author": p.poster.username,
                        "created": p.created.isoformat(),
                        "html": str(p.content.rendered),
                    }
                    for p in posts
                ],
            }
        )
    return threads


def main() -> None:
    import os

    django.setup()
    spirit = "spirit" in os.environ["DJANGO_SETTINGS_MODULE"]
    if sys.argv[1:] == ["seed"]:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        (seed_spirit if spirit else seed_machina)()
    elif sys.argv[1:] == ["dump"]:
        json.dump((dump_spirit if spirit else dump_machina)(), sys.stdout, ensure_ascii=False)
    else:
        raise SystemExit("usage: python -m forum_servers.seed seed|dump")


if __name__ == "__main__":
    main()
