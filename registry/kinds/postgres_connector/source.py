"""PostgreSQL tables, and MySQL/MariaDB ones when ``databaseType`` says so (the kind's spec
offers both): the table reader (``registry.sources.tables``) over its drivers."""

from registry.sources.mysql import MySQLDriver
from registry.sources.postgres import PostgresDriver
from registry.sources.tables import TableSource


class Source(TableSource):
    drivers = {"PostgreSQL": PostgresDriver, "MySQL": MySQLDriver}
