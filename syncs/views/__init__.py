"""The pages of syncs (history, a sync live, a connector's activity) and of the documents they
imported (a collection's, a connector's, one document)."""
