"""MySQL and MariaDB tables: the table reader (``registry.sources.tables``) over its MySQL
driver."""

from registry.sources.mysql import MySQLDriver
from registry.sources.tables import TableSource


class Source(TableSource):
    drivers = {"MySQL": MySQLDriver}
