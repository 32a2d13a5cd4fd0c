"""A crawl's options (from the config) and its state (``CrawlState``: the URL table, what the
previous crawl learnt of each page, the crawl under way), JSON both ways for the cursor."""

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class CrawlOptions:
    url: str
    crawl: bool
    max_pages: int = 100
    max_depth: int = 3
    max_concurrency: int = 2
    request_delay: float = 0.5
    owner: str = ""

    @classmethod
    def from_config(cls, config: dict) -> "CrawlOptions":
        crawl = str(config.get("extraction_type") or "all").lower() == "all"
        return cls(
            url=str(config.get("url") or ""),
            crawl=crawl,
            max_pages=max(1, int(config.get("max_pages", 100))) if crawl else 1,
            max_depth=max(0, int(config.get("max_depth", 3))) if crawl else 0,
            max_concurrency=min(8, max(1, int(config.get("max_concurrency", 2)))),
            request_delay=max(0.0, float(config.get("request_delay", 0.5))),
            owner=str(config.get("email") or ""),
        )


class CrawlState:
    """Where a pass stands, and what the previous pass knew; JSON both ways."""

    def __init__(self, cursor: dict | None):
        cursor = cursor or {}
        self.urls: list[str] = list(cursor.get("urls", []))
        self.index = {url: i for i, url in enumerate(self.urls)}
        # str(url index) -> [etag, last_modified, external id or None (= the URL),
        #                    [link indexes], whether the page is a document]
        self.known: dict[str, list] = dict(cursor.get("known", {}))
        self.fresh: dict[str, list] = dict(cursor.get("fresh", {}))
        current = cursor.get("pass")
        self.in_pass = current is not None
        current = current or {}
        self.frontier = deque(tuple(item) for item in current.get("frontier", []))
        self.visited: set[int] = set(current.get("visited", []))
        self.seen: set[str] = set(current.get("seen", []))
        self.fetched: int = current.get("fetched", 0)
        self.started: bool = current.get("started", False)
        #: Where the start page really is, when it redirected out of the configured folder.
        self.base: str = current.get("base", "")
        self.inflight: dict[int, int] = {}

    def add(self, url: str) -> int:
        if url not in self.index:
            self.index[url] = len(self.urls)
            self.urls.append(url)
        return self.index[url]

    def cursor(self) -> dict:
        inflight = [[i, depth] for i, depth in self.inflight.items()]
        return {
            "urls": self.urls,
            "known": self.known,
            "fresh": self.fresh,
            "pass": {
                "frontier": inflight + [list(item) for item in self.frontier],
                "visited": sorted(self.visited - set(self.inflight)),
                "seen": sorted(self.seen),
                "fetched": self.fetched - len(self.inflight),
                "started": self.started,
                "base": self.base,
            },
        }

    def gone(self) -> list[str]:
        """Documents of the previous crawl that this one did not see."""
        previous = {
            entry[2] or self.urls[int(key)] for key, entry in self.known.items() if entry[4]
        }
        return sorted(previous - self.seen)

    def finished_cursor(self) -> dict:
        """The pass is complete: what it learnt becomes what the next pass knows."""
        referenced = set()
        for key, entry in self.fresh.items():
            referenced.add(int(key))
            referenced.update(entry[3])
        order = sorted(referenced)
        renumber = {old: new for new, old in enumerate(order)}
        known = {
            str(renumber[int(key)]): [*entry[:3], [renumber[i] for i in entry[3]], entry[4]]
            for key, entry in self.fresh.items()
        }
        return {"urls": [self.urls[i] for i in order], "known": known, "fresh": {}, "pass": None}
