"""MySQL and MariaDB tables: the table reader (``connectors.sources.tables``) over its MySQL
driver."""

from connectors.sources.mysql import MySQLDriver
from connectors.sources.tables import TableSource


class Source(TableSource):
    drivers = {"MySQL": MySQLDriver}
