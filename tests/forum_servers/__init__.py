"""Real forum software for end-to-end crawls: Spirit and django-machina, each a small Django site
on SQLite, seeded through the forum's own models and served on 127.0.0.1 (see server.py)."""
