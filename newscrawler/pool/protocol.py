"""What a worker and its supervisor agree on: each message is a pickle after its length (FRAME).
Jobs go in as `PageJob`s; out come `(READY, pid)` once, then `("ok", PageOutcome)`,
`("failed", traceback)` (an outcome that could not be pickled) or `("memory", None)` per job."""

READY = "ready"  # the first message of a worker: its imports are done
FRAME = "!Q"  # the length of the pickle that follows, 8 bytes big-endian
EXIT_MEMORY = 86  # a worker's exit status after a MemoryError: its page is counted as extract_memory
# Added to a worker's niceness unless the supervisor gives one: below the crawl's own process.
WORKER_NICENESS = 5
