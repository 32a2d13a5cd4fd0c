import pytest
from syncs.models import Document
pytestmark = pytest.mark.django_db
def test_smoke(make_sample_connector, sync_to_end):
    c = make_sample_connector(document_count=250, operations_config={"batch_size": 100, "max_batches": 2})
    s = sync_to_end(c)
    print(s.status, s.error_message, s.documents_created, s.task_runs, s.progress_done, s.progress_total, s.checkpoint)
    print(list(s.log_lines.values_list("message", flat=True)))
    assert Document.objects.filter(connector=c).count() == 250
    s2 = sync_to_end(c)
    print(s2.status, s2.documents_unchanged, s2.documents_created)
