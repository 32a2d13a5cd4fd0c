"""The change feed's cursor: opaque to consumers, signed, and bound to one collection.

It holds the *position* of the last change delivered and the *floor*, the frontier when the
consumer started without a cursor: a deletion stamped below the floor is of a document that
consumer never received, so it is not sent.

A position is a tuple ``(stamp, segment, membership, inner stamp, document id)``, compared as a
tuple, so that every change of a collection has one place in one total order:

- a document's own change: ``(its stamp, CHANGE, 0, 0, its id)``;
- a connector joining the collection at stamp S (every live document it had then, as upserts):
  ``(S, JOINED, membership id, the document's stamp, its id)``;
- leaving it at stamp E (its documents as deletes): ``(E, LEFT, membership id, ..., ...)``.

``(stamp, DONE, 0, 0, 0)`` says that everything up to that stamp has been delivered.
"""

from dataclasses import dataclass

from django.core import signing

from config.errors import InvalidInput

SALT = "connector-hub.changes.cursor"
LEFT, JOINED, CHANGE, DONE = 0, 1, 2, 3
BEFORE_ALL = (-1, DONE, 0, 0, 0)
_FORMAT = 1

TAMPERED = (
    "This cursor was not issued by this service or has been altered. Pass the next_cursor of "
    "a previous page unchanged, or no cursor to start from the beginning."
)
FOREIGN = "This cursor belongs to another collection; each collection's feed has its own cursors."


@dataclass(frozen=True)
class FeedCursor:
    collection_id: str
    floor: int
    position: tuple[int, int, int, int, int] = BEFORE_ALL

    def dumps(self) -> str:
        payload = [_FORMAT, self.collection_id, self.floor, list(self.position)]
        return signing.dumps(payload, salt=SALT, compress=True)


def _is_position(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 5
        and all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    )


def loads(text: str, *, collection_id) -> FeedCursor:
    """The cursor of this collection that ``text`` encodes; a 400 naming ``cursor`` otherwise."""
    try:
        payload = signing.loads(text, salt=SALT)
    except signing.BadSignature:
        raise InvalidInput({"cursor": [TAMPERED]}) from None
    if not (
        isinstance(payload, list)
        and len(payload) == 4
        and payload[0] == _FORMAT
        and isinstance(payload[1], str)
        and isinstance(payload[2], int)
        and _is_position(payload[3])
    ):
        raise InvalidInput({"cursor": [TAMPERED]})
    if payload[1] != str(collection_id):
        raise InvalidInput({"cursor": [FOREIGN]})
    return FeedCursor(payload[1], payload[2], tuple(payload[3]))
