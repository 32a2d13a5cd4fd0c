"""PostgreSQL tables, and MySQL/MariaDB ones when ``databaseType`` says so (the kind's spec
offers both): the table reader (``connectors.sources.tables``) over its drivers."""

from connectors.sources.mysql import MySQLDriver
from connectors.sources.postgres import PostgresDriver
from connectors.sources.tables import TableSource


class Source(TableSource):
    drivers = {"PostgreSQL": PostgresDriver, "MySQL": MySQLDriver}
