from connectors.sources.tables import TableSource

Source = TableSource
