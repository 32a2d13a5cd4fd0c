"""The change feed of a collection's documents: stamps on every write, the connectors' time in
each collection, and the reader that turns them into pages of changes in commit order."""
