"""PostgreSQL and MariaDB tables read by the database kinds, against real servers."""

import json
import uuid
from datetime import UTC, datetime

import psycopg
import pymysql
import pytest

from registry.sources.base import SourceError
from registry.sources.egress import EgressRefused
from registry.sources.installed import implementation
from tests.reading import RecordingContext, documents_of, read_all
from tests.servers import mariadb, postgres
from tests.servers.ports import free_port

ROWS = 20_000


class Postgres:
    database_type = "PostgreSQL"
    kind = "postgres-connector"

    def __init__(self, server):
        self.server = server

    def execute(self, *statements):
        with psycopg.connect(**self.server.dsn(), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def as_admin(self, statement):
        self.server.psql(statement, database="hub")

    def connection_info(self, **overrides):
        info = {
            "host": "127.0.0.1",
            "port": self.server.port,
            "name": "hub",
            "username": postgres.USER,
            "password": postgres.PASSWORD,
        }
        return {**info, **overrides}

    def create_items(self, table, rows, seconds_divisor=7):
        self.execute(
            f"CREATE TABLE {table} (id integer PRIMARY KEY, title text, price numeric(10,2), "
            "updated_at timestamptz)",
            f"INSERT INTO {table} SELECT g, 'item ' || g, g * 1.5, "
            f"timestamptz '2024-01-01 00:00:00+00' + (g / {seconds_divisor}) * interval '1 second' "
            f"FROM generate_series(1, {rows}) g",
        )

    def touch(self, table, ids, when):
        self.execute(
            f"UPDATE {table} SET updated_at = '{when}', title = title || ' (edited)' "
            f"WHERE id IN ({', '.join(map(str, ids))})"
        )

    def insert(self, table, ids, when):
        values = ", ".join(f"({i}, 'new {i}', 1, '{when}')" for i in ids)
        self.execute(f"INSERT INTO {table} VALUES {values}")


class MariaDB(Postgres):
    database_type = "MySQL"
    kind = "mysql-connector"

    def execute(self, *statements):
        connection = pymysql.connect(
            host="127.0.0.1",
            port=self.server.port,
            user=mariadb.USER,
            password=mariadb.PASSWORD,
            database="hub",
            autocommit=True,
        )
        with connection, connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def as_admin(self, statement):
        self.server.sql(statement, database="hub")

    def connection_info(self, **overrides):
        return self.server.connection_info(**overrides)

    def create_items(self, table, rows, seconds_divisor=7):
        self.execute(
            f"CREATE TABLE {table} (id INT PRIMARY KEY, title VARCHAR(100), "
            "price DECIMAL(10,2), updated_at DATETIME(6))",
            f"INSERT INTO {table} SELECT seq, CONCAT('item ', seq), seq * 1.5, "
            f"TIMESTAMP('2024-01-01') + INTERVAL (seq DIV {seconds_divisor}) SECOND "
            f"FROM seq_1_to_{rows}",
        )

    def touch(self, table, ids, when):
        when = when.replace("+00", "")
        self.execute(
            f"UPDATE {table} SET updated_at = '{when}', title = CONCAT(title, ' (edited)') "
            f"WHERE id IN ({', '.join(map(str, ids))})"
        )

    def insert(self, table, ids, when):
        when = when.replace("+00", "")
        values = ", ".join(f"({i}, 'new {i}', 1, '{when}')" for i in ids)
        self.execute(f"INSERT INTO {table} VALUES {values}")


@pytest.fixture(params=["postgres", "mariadb"])
def db(request):
    if request.param == "postgres":
        return Postgres(request.getfixturevalue("postgres_server"))
    return MariaDB(request.getfixturevalue("mariadb_server"))


@pytest.fixture
def table_name():
    return f"items_{uuid.uuid4().hex[:8]}"


def make_config(db, table, timestamp_column="updated_at", **connection):
    return {
        "connector_config": {
            "databaseType": db.database_type,
            "connection_info": db.connection_info(**connection),
            "schemaInfo": {"table": table, "timestampColumn": timestamp_column},
        },
        "operations_config": {"batch_size": 1000, "max_batches": 3, "pollingInterval": "Once"},
    }


def reader(db, config, batch_size=1000, kind=None):
    source_class = implementation(kind or db.kind)
    return source_class(config, RecordingContext(batch_size=batch_size))


def test_full_read_resumes_from_each_batch_cursor_then_reads_only_changes(db, table_name):
    db.create_items(table_name, ROWS)
    config = make_config(db, table_name)

    first = reader(db, config)
    stream = first.read(None)
    started = [next(stream) for _ in range(3)]  # the engine stops after max_batches
    stream.close()
    first.close()
    assert [len(b.documents) for b in started] == [1000, 1000, 1000]
    assert started[0].total == ROWS

    second = reader(db, config)
    rest, cursor = read_all(second, started[-1].cursor)
    second.close()
    assert rest[0].total == ROWS  # the pass's total, also when a later task run resumes it
    assert started[-1].cursor["read"] == 3000
    assert cursor.keys() == {"after"}  # the pass ended: the next read counts changes afresh
    ids = [d.external_id for d in documents_of(started + rest)]
    assert len(ids) == ROWS
    assert set(ids) == {str(i) for i in range(1, ROWS + 1)}

    db.touch(table_name, [5, 17_000], "2030-01-01 00:00:00+00")
    db.insert(table_name, [ROWS + 1, ROWS + 2], "2030-01-02 00:00:00+00")
    third = reader(db, config)
    changes, cursor = read_all(third, cursor)
    changed = documents_of(changes)
    assert [d.external_id for d in changed] == ["5", "17000", str(ROWS + 1), str(ROWS + 2)]
    assert json.loads(changed[0].content)["title"] == "item 5 (edited)"
    assert changed[0].source_updated_at == datetime(2030, 1, 1, tzinfo=UTC)

    assert documents_of(read_all(reader(db, config), cursor)[0]) == []


def test_rows_sharing_a_timestamp_across_batch_boundaries_are_read_once(db, table_name):
    # 250 rows, all with one timestamp, read 100 at a time by a fresh reader per batch.
    db.create_items(table_name, 250, seconds_divisor=1000)
    config = make_config(db, table_name)
    cursor, seen = None, []
    for _ in range(10):
        source = reader(db, config, batch_size=100)
        batch = next(iter(source.read(cursor)), None)
        source.close()
        if batch is None:
            break
        seen += [d.external_id for d in batch.documents]
        cursor = batch.cursor
    assert len(seen) == 250
    assert set(seen) == {str(i) for i in range(1, 251)}


def test_a_split_read_reads_every_row_once_across_its_parts_then_goes_on_after_them(db, table_name):
    db.create_items(table_name, ROWS)
    split = reader(db, make_config(db, table_name)).split(4, least=4_000)

    assert split.total == ROWS and len(split.parts) == 4
    # Rows changed after the split are left to the next sync, whichever part they are in.
    db.touch(table_name, [3, 19_000], "2030-01-01 00:00:00+00")
    db.insert(table_name, [ROWS + 1], "2030-01-02 00:00:00+00")
    seen = []
    for part in split.parts:
        batches, last = read_all(reader(db, make_config(db, table_name)), part)
        assert last["part"] == part["part"]
        ids = [int(d.external_id) for d in documents_of(batches)]
        seen += ids
    assert sorted(seen) == [i for i in range(1, ROWS + 1) if i not in (3, 19_000)]

    changes, _ = read_all(reader(db, make_config(db, table_name)), split.after)
    assert sorted(int(d.external_id) for d in documents_of(changes)) == [3, 19_000, ROWS + 1]


def test_a_small_table_or_a_key_that_is_not_an_integer_stays_one_read(db, table_name):
    db.create_items(table_name, 100)
    assert reader(db, make_config(db, table_name)).split(4, least=1_000) is None
    assert reader(db, make_config(db, table_name)).split(1, least=1) is None
    other = table_name + "_s"
    db.execute(
        f"CREATE TABLE {other} (code VARCHAR(10) PRIMARY KEY, changed DATE)",
        f"INSERT INTO {other} VALUES ('a', '2024-01-01'), ('b', '2024-01-02')",
    )
    assert reader(db, make_config(db, other, timestamp_column="changed")).split(2, least=1) is None


def test_a_row_becomes_a_json_document_keyed_by_primary_key(db, table_name):
    db.create_items(table_name, 3)
    (batch,) = list(reader(db, make_config(db, table_name)).read(None))
    document = batch.documents[1]
    assert document.external_id == "2"
    assert document.mime_type == "application/json"
    row = json.loads(document.content)
    assert row["id"] == 2 and row["title"] == "item 2" and row["price"] == "3.00"
    assert row["updated_at"].startswith("2024-01-01")
    assert document.source_updated_at == datetime(2024, 1, 1, tzinfo=UTC)


def test_a_title_column_titles_each_row_and_the_table_and_key_stand_in_when_it_is_empty(
    db, table_name
):
    db.create_items(table_name, 3)
    db.execute(
        f"UPDATE {table_name} SET title = '  Spring\n sale  ' WHERE id = 1",
        f"UPDATE {table_name} SET title = NULL WHERE id = 2",
        f"UPDATE {table_name} SET title = '' WHERE id = 3",
    )
    config = make_config(db, table_name)
    config["connector_config"]["schemaInfo"]["titleColumn"] = "title"
    (batch,) = list(reader(db, config).read(None))
    assert [d.title for d in batch.documents] == [
        "Spring sale",
        f"{table_name} 2",
        f"{table_name} 3",
    ]

    config["connector_config"]["schemaInfo"]["titleColumn"] = "headline"
    assert f"{table_name} has no column headline (the title column)" in check_error(db, config)


def test_postgres_kind_with_mysql_database_type_reads_mariadb(mariadb_server, table_name):
    db = MariaDB(mariadb_server)
    db.create_items(table_name, 5)
    source = reader(db, make_config(db, table_name), kind="postgres-connector")
    source.check()
    assert len(documents_of(read_all(source)[0])) == 5


def test_check_passes_on_a_readable_table(db, table_name):
    db.create_items(table_name, 1)
    reader(db, make_config(db, table_name)).check()


def check_error(db, config) -> str:
    source = reader(db, config)
    with pytest.raises(SourceError) as caught:
        source.check()
    source.close()
    return caught.value.message


def test_check_names_a_bad_password_without_echoing_it(db, table_name):
    message = check_error(db, make_config(db, table_name, password="Wr0ng-Pa55word"))
    assert "user name or password" in message
    assert "Wr0ng-Pa55word" not in message


def test_check_names_an_unreachable_host(db, table_name):
    message = check_error(db, make_config(db, table_name, port=free_port()))
    assert "Cannot reach the database" in message


def test_check_names_a_missing_database_table_and_column(db, table_name):
    db.create_items(table_name, 1)
    assert "does not exist" in check_error(db, make_config(db, table_name, name="nosuchdb"))
    message = check_error(db, make_config(db, "no_such_table"))
    assert "no_such_table does not exist" in message
    message = check_error(db, make_config(db, table_name, timestamp_column="changed"))
    assert f"{table_name} has no column changed" in message


def test_check_refuses_a_table_without_primary_key(db, table_name):
    db.execute(f"CREATE TABLE {table_name} (title VARCHAR(10), updated_at DATE)")
    assert "no primary key" in check_error(db, make_config(db, table_name))


def test_check_names_a_user_who_may_not_read_the_table(db, table_name):
    db.create_items(table_name, 1)
    user = f"u{uuid.uuid4().hex[:6]}"
    if isinstance(db, MariaDB):
        db.as_admin(
            f"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw-{user}';"
            f"GRANT INSERT ON hub.{table_name} TO '{user}'@'%';"
        )
    else:
        db.as_admin(f"CREATE ROLE {user} LOGIN PASSWORD 'pw-{user}'")
    config = make_config(db, table_name, username=user, password=f"pw-{user}")
    assert f"{user} may not read the table {table_name}" in check_error(db, config)


def test_database_hosts_pass_the_egress_guard(db, table_name, settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False
    source = reader(db, make_config(db, table_name))
    with pytest.raises(EgressRefused, match="private, local or reserved network"):
        source.check()


def test_timestamp_column_names_are_checked_before_validation():
    source_class = implementation("postgres-connector")
    from config.errors import InvalidInput

    config = {"connector_config": {"schemaInfo": {"table": "t", "timestampColumn": "a\nb"}}}
    with pytest.raises(InvalidInput) as caught:
        source_class.prepare_config(config)
    assert "connector_config.schemaInfo.timestampColumn" in caught.value.errors

    config = {"connector_config": {"schemaInfo": {"table": "t", "titleColumn": "  "}}}
    assert (
        "titleColumn" not in source_class.prepare_config(config)["connector_config"]["schemaInfo"]
    )
    config = {"connector_config": {"schemaInfo": {"table": "t", "titleColumn": "x" * 65}}}
    with pytest.raises(InvalidInput) as caught:
        source_class.prepare_config(config)
    assert "connector_config.schemaInfo.titleColumn" in caught.value.errors


def test_a_composite_primary_key_is_the_external_id(db, table_name):
    db.execute(
        f"CREATE TABLE {table_name} (tenant VARCHAR(10), id INT, body VARCHAR(20), "
        "changed DATE, PRIMARY KEY (tenant, id))",
        f"INSERT INTO {table_name} VALUES ('b', 1, 'x', '2024-01-01'), ('a', 2, 'y', '2024-01-01'),"
        " ('a', 1, 'z', '2024-01-02')",
    )
    config = make_config(db, table_name, timestamp_column="changed")
    first = next(iter(reader(db, config, batch_size=2).read(None)))
    assert [d.external_id for d in first.documents] == ['["a", 2]', '["b", 1]']
    rest, _ = read_all(reader(db, config, batch_size=2), first.cursor)
    assert [d.external_id for d in documents_of(rest)] == ['["a", 1]']


def test_numerics_are_their_exact_digits_in_content_and_as_keys(db, table_name):
    db.execute(
        f"CREATE TABLE {table_name} (code DECIMAL(30,10) PRIMARY KEY, amount DECIMAL(30,10), "
        "changed DATE)",
        f"INSERT INTO {table_name} VALUES (0.0000001, 12345678901234567890.5, '2024-01-01'), "
        "(2, -0.25, '2024-01-01'), (10, 0, '2024-01-02')",
    )
    config = make_config(db, table_name, timestamp_column="changed")
    first = next(iter(reader(db, config, batch_size=1).read(None)))
    rest, _ = read_all(reader(db, config, batch_size=1), first.cursor)
    documents = [*first.documents, *documents_of(rest)]
    assert [d.external_id for d in documents] == ["0.0000001000", "2.0000000000", "10.0000000000"]
    assert [json.loads(d.content)["amount"] for d in documents] == [
        "12345678901234567890.5000000000",
        "-0.2500000000",
        "0.0000000000",
    ]


def test_the_reader_ticks_the_heartbeat_and_stops_when_cancelled(db, table_name):
    from registry.sources.base import SyncCancelled

    db.create_items(table_name, 500)
    context = RecordingContext(batch_size=100, cancel_after=3)
    source = implementation(db.kind)(make_config(db, table_name), context)
    read = []
    with pytest.raises(SyncCancelled):
        for batch in source.read(None):
            read += batch.documents
    source.close()
    assert context.heartbeats == 4 and len(read) == 200
    assert any("Reading 500 row(s)" in message for _, message in context.lines)
