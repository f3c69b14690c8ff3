"""The bundled demo site (news + forum) and its local server: a whole crawl with no network."""
