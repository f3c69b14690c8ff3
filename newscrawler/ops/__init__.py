"""Day-to-day operations around the crawl: scheduled runs of site profiles, locks, monitors, run
reports and their history, alerts, retention, and the command-line plumbing they share."""
