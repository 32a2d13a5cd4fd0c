from connectors.sources.tables import TableSource

# One reader for both engines: ``databaseType`` picks PostgreSQL or MySQL.
Source = TableSource
